"""The course's tools: they read, write, run and grade notebooks (most need nbformat).

- :mod:`~course_lib.tools.authoring`: writes ``chapters/`` (the learner
  notebooks) from ``solutions/`` and the book version the website renders;
- :mod:`~course_lib.tools.grade`: grades finished notebooks, each run in a
  sandboxed kernel by the machinery of :mod:`course_lib.tools.grading`;
- :mod:`~course_lib.tools.progress`: where a learner stands, from the check
  results saved in their notebooks;
- :mod:`~course_lib.tools.upgrade`: carries a learner's answers into a new
  version of a chapter;
- :mod:`~course_lib.tools.reports`: the per-notebook reports these share;
- :mod:`~course_lib.tools.answer_code`: the fingerprint of an answer's code that
  ``check`` saves with its result (the only one the checks import, in the
  learner's kernel; it needs only the standard library).

The commands keep their short names: ``python -m course_lib.grade``,
``course_lib.progress``, ``course_lib.upgrade`` and ``course_lib.authoring``
are two-line modules that run ``main`` from here. Nothing in the library that
trains a network imports this package, and importing the package imports none
of its modules.
"""
