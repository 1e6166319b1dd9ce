"""`gridgov`: the project's one command, over Django's management commands.

`gridgov serve` runs the ASGI server (HTTP and WebSocket); every other word is a management
command, written with dashes (`gridgov import-boundaries`, `gridgov demo`, `gridgov migrate`).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.gridgov.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
