from django.core.management.base import CommandError

from backend.boundaries.management.commands._db import boundaries_from_db
from backend.core.commands import GridgovCommand, output_file
from backend.core.errors import GridgovError
from backend.stats import selectors
from backend.stats.management.commands._period import command_user, parse_moment
from gis.export import FORMATS, boundaries_frame, features_frame, write_frame


class Command(GridgovCommand):
    help = (
        "Export streets, grids or per-grid case statistics as GeoJSON, GeoPackage or CSV "
        "(EPSG:4326, for QGIS and spreadsheets). --from/--to (dates, --to inclusive) narrow "
        "grid-stats to the cases reported in that period."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--what", choices=["streets", "grids", "grid-stats"], required=True)
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default=None)
        parser.add_argument("--out", required=True, type=output_file)
        parser.add_argument("--street", default=None, help="9-digit street code")
        parser.add_argument("--from", dest="date_from", default=None)
        parser.add_argument("--to", dest="date_to", default=None)

    def handle(self, *, what: str, fmt: str | None, out: str, street: str | None, **options):
        if what == "grid-stats":
            filters = selectors.StatsFilters(
                street=street,
                created_from=parse_moment(options["date_from"], end=False),
                created_to=parse_moment(options["date_to"], end=True),
            )
            try:
                table = selectors.grid_stats(user=command_user(), filters=filters)
            except GridgovError as error:
                raise CommandError(error.detail) from error
            frame = features_frame(selectors.grid_features(table))
            layer = "grid_stats"
        else:
            streets, grids = boundaries_from_db(street)
            if street is not None and not streets:
                raise CommandError(f"no street {street}")
            frame = boundaries_frame(streets if what == "streets" else grids)
            layer = what
        try:
            path = write_frame(frame, out, fmt, layer=layer)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{len(frame)} {what} written to {path}")
