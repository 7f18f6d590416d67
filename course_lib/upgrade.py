"""The command ``python -m course_lib.upgrade``; the code is :mod:`course_lib.tools.upgrade`."""

from course_lib.tools.upgrade import main

if __name__ == "__main__":
    raise SystemExit(main())
