"""The ``foster`` command: Django's ``manage.py`` under the project's own name.

Every module adds its subcommands as Django management commands (``foster demo``,
``foster seed``, ``foster import-companies``, ...); ``foster --help`` lists Foster's own
commands first, each with one line of explanation, and ``foster COMMAND --help`` explains one
in plain words.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections import defaultdict

from django.core.management import ManagementUtility, get_commands, load_command_class

FOSTER_APP_PREFIX = "foster."


class FosterUtility(ManagementUtility):
    """``manage.py`` with a main help text that puts Foster's own commands first."""

    def main_help_text(self, commands_only: bool = False) -> str:
        if commands_only:
            return str(super().main_help_text(commands_only=True))
        commands = get_commands()
        own = sorted(name for name, app in commands.items() if app.startswith(FOSTER_APP_PREFIX))
        lines = [
            "Foster: the operating platform for AI startup fostering programs.",
            "",
            "Usage: foster COMMAND [options]",
            "       foster COMMAND --help      explains one command",
            "",
        ]
        if own:
            lines.append("Foster's commands:")
            width = max(len(name) for name in own) + 2
            for name in own:
                summary = textwrap.wrap(_summary(commands[name], name), width=max(40, 100 - width)) or [""]
                lines.append(f"  {name:<{width}}{summary[0]}")
                lines.extend(f"  {'':<{width}}{more}" for more in summary[1:])
            lines.append("")
        others: dict[str, list[str]] = defaultdict(list)
        for name, app in commands.items():
            if not app.startswith(FOSTER_APP_PREFIX):
                others["django" if app == "django.core" else app.rpartition(".")[-1]].append(name)
        lines.append("Other commands (Django and the libraries Foster uses):")
        lines.extend(f"  [{app}] {', '.join(sorted(names))}" for app, names in sorted(others.items()))
        if self.settings_exception is not None:
            lines += [
                "",
                f"Foster's commands are missing because the settings could not load: {self.settings_exception}",
                "Set FOSTER_MODE=demo to use the embedded demo set-up, or see docs/deployment.md.",
            ]
        return "\n".join(lines)


def _summary(app: str, name: str) -> str:
    """The first clause of a command's help text (up to the first full stop or colon)."""
    try:
        text = " ".join(str(load_command_class(app, name).help).split())
    except Exception:  # a broken command must not break the help of all the others
        return ""
    for separator in (". ", ": "):
        text = text.split(separator, 1)[0]
    return text.rstrip(".")


def main(argv: list[str] | None = None) -> None:
    """Run a Foster command (the same as ``python -m django`` with Foster's settings)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foster.config.settings")
    FosterUtility(["foster", *(sys.argv[1:] if argv is None else argv)]).execute()


if __name__ == "__main__":
    main()
