"""The ``foster`` command: Django's ``manage.py`` under the project's own name.

Every module adds its subcommands as Django management commands (``foster demo``,
``foster seed``, ``foster import-companies``, ...); ``foster help`` lists them and
``foster COMMAND --help`` explains one in plain words.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a Foster command (the same as ``python -m django`` with Foster's settings)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foster.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["foster", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
