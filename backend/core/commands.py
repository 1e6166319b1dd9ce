"""The base of every gridgov command: the console's language, one-line errors, one exit rule.

Exit status (documented in the README and in each command's --help epilog):

- 0: done.
- 1: the command ran and its answer is "no": `check-boundaries` found errors. That is a result a
  script acts on, raised as `CommandFailed`.
- 2: the command could not do what was asked: a bad argument, a file it cannot read or refuses
  (an import of a file with errors, coordinates that are not what they claim), an output it
  cannot write. Every other `CommandError` and every argument error is this one.

Errors are one line on stderr, `gridgov COMMAND: message` (no "CommandError:" and no traceback;
`--traceback` still shows one). Messages are in the console's language: Chinese when LANGUAGE,
LC_ALL, LC_MESSAGES or LANG asks for zh, English otherwise (`gis.i18n.language_from_environment`).
"""

import argparse
import contextlib
import math
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyogrio.errors
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    handle_default_options,
)
from django.db import OperationalError, ProgrammingError, connections
from django.utils import translation
from django.utils.translation import gettext as _

from gis import i18n
from gis.codes import is_street_code
from gis.export import format_for
from gis.io import BoundaryFileError

EXIT_FAILED = 1
EXIT_USAGE = 2


class CommandFailed(CommandError):
    """The command did its work and the answer is "no" (exit status 1), e.g. a check with errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=EXIT_FAILED)


class _OneLineParser(CommandParser):
    """Argument errors as one line and exit status 2, without the usage block Django prints."""

    def error(self, message: str):
        message = _argparse_message(message)
        if not self.called_from_command_line:
            raise CommandError(message, returncode=EXIT_USAGE)
        message = _("%(message)s (see --help)") % {"message": message}
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


def _argparse_message(message: str) -> str:
    """argparse's own English (it ships no Chinese) in the console's language, for the shapes
    a mistake takes; anything else is left as argparse wrote it."""
    if found := re.fullmatch(r"argument (\S+): (.*)", message, re.S):
        return _("argument %(name)s: %(message)s") % {
            "name": found[1],
            "message": _argparse_message(found[2]),
        }
    shapes = [
        (
            r"the following arguments are required: (.*)",
            _("the following arguments are required: %(a)s"),
        ),
        (r"unrecognized arguments: (.*)", _("unrecognized arguments: %(a)s")),
        (
            r"invalid choice: (.*) \(choose from (.*)\)",
            _("invalid choice: %(a)s (choose from %(b)s)"),
        ),
        (r"invalid int value: (.*)", _("invalid int value: %(a)s")),
        (r"invalid float value: (.*)", _("invalid float value: %(a)s")),
        (r"expected one argument", _("expected one argument")),
    ]
    for pattern, translated in shapes:
        if found := re.fullmatch(pattern, message, re.S):
            groups = dict(zip("ab", found.groups(), strict=False))
            return translated % groups
    return message


class GridgovCommand(BaseCommand):
    """Base of the gridgov commands; subclasses write `handle` as with Django's BaseCommand."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        kwargs.setdefault("epilog", _exit_status_help())
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds a CommandParser with no hook for another class; ours only adds error().
        parser.__class__ = _OneLineParser
        parser.prog = f"gridgov {subcommand.replace('_', '-')}"
        # Django passes `help` as it is; a lazy translation is made text in today's language.
        parser.description = str(self.help) if self.help else None
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        # Django's own prints "CommandError: ..." and its parser a usage block; this prints the
        # message alone, after the command's name, in the console's language.
        with _console_language():
            self._run_from_argv(argv)

    def _run_from_argv(self, argv: list[str]) -> None:
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)  # --settings, --pythonpath
        try:
            self.execute(*args, **cmd_options)
        except CommandError as error:
            if options.traceback:
                raise
            self.stderr.write(f"{parser.prog}: {error}")
            sys.exit(error.returncode)
        finally:
            with contextlib.suppress(ImproperlyConfigured):  # settings never loaded
                connections.close_all()

    def execute(self, *args, **options):
        try:
            with _console_language():
                return super().execute(*args, **options)
        except CommandFailed:
            raise
        except CommandError as error:
            error.returncode = EXIT_USAGE
            raise
        except BoundaryFileError as error:
            raise CommandError(str(error), returncode=EXIT_USAGE) from error
        except (OperationalError, ProgrammingError) as error:
            raise CommandError(_database_message(error), returncode=EXIT_USAGE) from error


def _database_message(error: Exception) -> str:
    """A database that is not there or not set up, in one line: the commonest first-day slip is
    a command before `gridgov migrate`."""
    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    # SQLite says "no such table/column", PostgreSQL "relation/column ... does not exist".
    missing = r"no such (table|column)|(relation|column) .* does not exist"
    if re.search(missing, first_line):
        message = _("the database is not set up for this version (%(error)s): run gridgov migrate")
    else:
        message = _("cannot use the database: %(error)s (check DATABASE_URL)")
    return message % {"error": first_line}


@contextlib.contextmanager
def _console_language() -> Iterator[None]:
    # Overrides, not activations: a command run inside a process that goes on (a test, the
    # API's own call_command) leaves that process's language as it found it.
    language = i18n.language_from_environment()
    with i18n.language_override(language), translation.override(language):
        yield


def _exit_status_help() -> str:
    return _(
        "Exit status: 0 done; 1 the command ran and found errors (check-boundaries); "
        "2 it could not do what was asked (bad argument, unreadable or refused file, "
        "output it cannot write). Messages are in Chinese when LANG/LC_ALL/LANGUAGE is zh*."
    )


# Argument types: a bad value is refused while the arguments are read, before any work, as one
# line naming the option (argparse adds "argument --community: ").


def int_between(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer from low to high inclusive."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("%(value)r is not a whole number") % {"value": text}
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                _("%(value)s is not between %(low)s and %(high)s")
                % {"value": value, "low": low, "high": high}
            )
        return value

    return parse


def positive_number(text: str) -> float:
    """An argparse type: a finite number above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)r is not a number") % {"value": text}) from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(
            _("%(value)r must be a number above zero") % {"value": text}
        )
    return value


def output_file(text: str) -> str:
    """An argparse type: a file path whose folder exists, checked before any work is done."""
    path = Path(text)
    folder = path.parent
    if path.is_dir():
        raise argparse.ArgumentTypeError(_("%(path)s is a folder, not a file") % {"path": text})
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(
            _("cannot write %(path)s: folder %(folder)s does not exist")
            % {"path": text, "folder": folder}
        )
    return text


@contextlib.contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Write a command's output file inside this: a folder that exists but takes no file (no
    permission, a read-only or full disk) is one line naming the file, exit status 2. Folders
    that do not exist are refused earlier, by `output_file`, before any work."""
    try:
        yield
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        reason = getattr(error, "strerror", None) or _gdal_reason(str(error), str(path))
        message = _("cannot write %(path)s: %(reason)s") % {"path": path, "reason": reason}
        raise CommandError(message, returncode=EXIT_USAGE) from error


def _gdal_reason(text: str, path: str) -> str:
    """GDAL's reason without the path it repeats: "Failed to create GeoJSON datasource: /x:
    /x: Permission denied" is "Permission denied"; a reason naming no cause keeps its words."""
    last = text.rsplit(": ", 1)[-1]
    if path not in last:
        return last
    parts = (part.strip() for part in text.replace(path, "").split(":"))
    return ": ".join(part for part in parts if part)


def export_file(text: str) -> str:
    """An argparse type: an output_file for boundaries, named for a format gis.export writes
    with their geometry (XLSX is a table for Excel: grids written there would lose theirs)."""
    output_file(text)
    try:
        fmt = format_for(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if fmt == "xlsx":
        raise argparse.ArgumentTypeError(
            _("%(path)s: XLSX keeps no geometry; name it .gpkg, .geojson, .shp or .csv")
            % {"path": text}
        )
    return text


def street_code(text: str) -> str:
    """An argparse type: a 9-digit street code."""
    if not is_street_code(text):
        raise argparse.ArgumentTypeError(
            _("%(value)r is not a street code (9 digits)") % {"value": text}
        )
    return text
