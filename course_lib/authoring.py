"""The command ``python -m course_lib.authoring``; the code is :mod:`course_lib.tools.authoring`."""

from course_lib.tools.authoring import main

if __name__ == "__main__":
    raise SystemExit(main())
