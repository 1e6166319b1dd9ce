"""`gridgov`: the project's one command, over Django's management commands.

`gridgov serve` runs the ASGI server (HTTP and WebSocket); every other word is a management
command, written with dashes (`gridgov import-boundaries`, `gridgov demo`, `gridgov migrate`).
Exit status and language: see `backend/core/commands.py`.
"""

import difflib
import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    # Django names the program in its messages after argv[0]: `python -m backend.cli` is cli.py.
    argv[0] = "gridgov"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.gridgov.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import ManagementUtility, get_commands

    class Utility(ManagementUtility):
        def fetch_command(self, subcommand: str):
            if subcommand not in get_commands():
                _unknown_command(subcommand, sorted(get_commands()))
            return super().fetch_command(subcommand)

    Utility(argv).execute()


def _unknown_command(name: str, known: list[str]) -> None:
    """One line and exit status 2, as for any other mistake (Django prints two and exits 1)."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from gis.i18n import language_from_environment

    with translation.override(language_from_environment()):
        message = _("gridgov: no command %(name)r") % {"name": name.replace("_", "-")}
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            message += _(" (did you mean %(close)s?)") % {"close": close[0].replace("_", "-")}
        message += _("; `gridgov help` lists them")
    sys.stderr.write(message + "\n")
    sys.exit(2)


if __name__ == "__main__":
    main()
