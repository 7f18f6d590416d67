"""The command ``python -m course_lib.progress``; the code is :mod:`course_lib.tools.progress`."""

from course_lib.tools.progress import main

if __name__ == "__main__":
    raise SystemExit(main())
