"""The grader's machinery: sandboxed kernels and answers checked from outside.

``python -m course_lib.grade`` is the command (:mod:`course_lib.tools.grade`). Its parts:

- ``run``: one submission, cell by cell, in a sandboxed kernel;
- ``sandbox``: the kernel's own user, home, limits and clean-up;
- ``evaluate``: one exercise's answer, checked by the grader's own code;
- ``wire``: the plain-data calls between the two processes.
"""
