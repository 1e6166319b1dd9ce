from pathlib import Path

from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.boundaries.models import Street
from backend.core.commands import GridgovCommand, output_file, street_code, writing
from backend.core.errors import GridgovError
from backend.stats.management.commands._period import command_user, parse_period
from backend.stats.map_report import grid_map_report
from backend.stats.selectors import StatsFilters


class Command(GridgovCommand):
    help = gettext_lazy(
        "Draw the printable map of open and overdue cases per grid of a street (A4 landscape; "
        "PNG or PDF by the --out suffix): legend, north arrow, scale bar, worst grids. "
        "--from/--to are dates (--to inclusive) of when cases were reported. The map is in "
        "Chinese unless --language en, whatever the console's language."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--street", default=None, type=street_code, help="9-digit street code (default: all)"
        )
        parser.add_argument("--from", dest="date_from", default=None)
        parser.add_argument("--to", dest="date_to", default=None)
        # A document for the office, not a console message: a server's C locale must not
        # turn the printed map English.
        parser.add_argument("--language", choices=["zh-hans", "en"], default="zh-hans")
        parser.add_argument(
            "--out", required=True, type=output_file, help="report.png or report.pdf"
        )

    def handle(self, *, street: str | None, out: str, **options) -> None:
        fmt = Path(out).suffix.lower().lstrip(".")
        if fmt not in ("png", "pdf"):
            raise CommandError(_("%(path)s: --out must end in .png or .pdf") % {"path": out})
        start, end = parse_period(options["date_from"], options["date_to"])
        # Asked here, not by the report: its message would come in the map's language.
        if street is not None and not Street.objects.filter(code=street).exists():
            raise CommandError(_("no street %(code)s") % {"code": street})
        filters = StatsFilters(street=street, created_from=start, created_to=end)
        try:
            with translation.override(options["language"]):
                data = grid_map_report(user=command_user(), filters=filters, fmt=fmt)
        except GridgovError as error:
            raise CommandError(error.detail) from error
        with writing(out):
            Path(out).write_bytes(data)
        self.stdout.write(
            _("map report written to %(path)s (%(size)s bytes)")
            % {"path": out, "size": f"{len(data):,}"}
        )
