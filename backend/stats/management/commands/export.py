from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.boundaries.selectors import boundaries_for_gis
from backend.core.commands import GridgovCommand, output_file, street_code, writing
from backend.core.errors import GridgovError
from backend.stats import selectors
from backend.stats.management.commands._period import command_user, parse_period
from gis.export import (
    FORMATS,
    boundaries_frame,
    features_frame,
    format_for,
    write_frame,
    write_frame_crs_check,
)


class Command(GridgovCommand):
    help = gettext_lazy(
        "Export streets, grids or per-grid case statistics as GeoJSON, GeoPackage, Shapefile or "
        "CSV (EPSG:4326, or --crs for GeoPackage and Shapefile, for QGIS), or XLSX for Excel "
        "(the table without geometry; codes stay text, where Excel shows a CSV's 14-digit codes "
        "as 2.10404E+13). The format is --format or the --out suffix, and the two must agree. "
        "--from/--to (dates, --to inclusive) narrow grid-stats to the cases reported in that "
        "period."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--what", choices=["streets", "grids", "grid-stats"], required=True)
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default=None)
        parser.add_argument("--out", required=True, type=output_file)
        parser.add_argument("--crs", default=None, help="e.g. EPSG:4550 (gpkg and shp only)")
        parser.add_argument("--street", default=None, type=street_code, help="9-digit street code")
        parser.add_argument("--from", dest="date_from", default=None)
        parser.add_argument("--to", dest="date_to", default=None)

    def handle(self, *, what: str, fmt: str | None, out: str, street: str | None, **options):
        start, end = parse_period(options["date_from"], options["date_to"])
        try:
            fmt = format_for(out, fmt)
            # Asked before the database is read: a CRS the format cannot carry is refused here.
            write_frame_crs_check(fmt, options["crs"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if what == "grid-stats":
            filters = selectors.StatsFilters(street=street, created_from=start, created_to=end)
            try:
                table = selectors.grid_stats(user=command_user(), filters=filters)
            except GridgovError as error:
                raise CommandError(error.detail) from error
            frame = features_frame(selectors.grid_features(table))
            neighbours = []
            layer = "grid_stats"
        else:
            streets, grids = boundaries_for_gis(street_code=street)
            if street is not None and not streets:
                raise CommandError(_("no street %(code)s") % {"code": street})
            written, others = (streets, grids) if what == "streets" else (grids, streets)
            frame = boundaries_frame(written)
            # Noded with the other level too: a streets file and a grids file then fit exactly.
            neighbours = [b.geometry for b in others]
            layer = what
        with writing(out):
            path = write_frame(
                frame, out, fmt, layer=layer, crs=options["crs"], neighbours=neighbours
            )
        messages = {
            "streets": _("%(count)d streets written to %(path)s"),
            "grids": _("%(count)d grids written to %(path)s"),
            "grid-stats": _("%(count)d grid statistics rows written to %(path)s"),
        }
        self.stdout.write(messages[what] % {"count": len(frame), "path": path})
