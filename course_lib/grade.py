"""The command ``python -m course_lib.grade``; the grader is :mod:`course_lib.tools.grade`."""

from course_lib.tools.grade import main

if __name__ == "__main__":
    raise SystemExit(main())
