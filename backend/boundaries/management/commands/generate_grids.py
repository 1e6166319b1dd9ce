from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.boundaries.management.commands._regrid import (
    add_replace_arguments,
    grids_import_regridding,
    replace_options_problem,
)
from backend.boundaries.models import Grid
from backend.boundaries.selectors import boundaries_for_gis
from backend.boundaries.services import BoundaryImportRefused
from backend.core.commands import (
    GridgovCommand,
    export_file,
    int_between,
    positive_number,
    street_code,
    writing,
)
from gis.check import check_boundaries
from gis.export import write_boundaries
from gis.gridding import coded_grids, households_cut, lattice_cut, lattice_refusal
from gis.households import (
    EMPTY_GRID_MAX_M2,
    empty_grids_refusal,
    points_refusal,
    tally_points,
)
from gis.io import BoundaryFileError, read_boundaries, read_lines, read_points
from gis.measure import geodesic_area_m2
from gis.offsets import points_offset_fit


class Command(GridgovCommand):
    help = gettext_lazy(
        "Cut a street into grids that cover it exactly: square or hex cells of --cell-area-m2, "
        "or groups of about --households-per-grid households from --households points "
        "(following --roads where given). Codes per GB/T 30428.1: the 9-digit street code, "
        "--community (2 digits) and a grid number (3 digits, at most 999 grids); --out FILE "
        "and/or --import. "
        "The households method reports the points used and dropped, and refuses (exit status 2) "
        "when no point lies inside the street, when the households inside are under half of "
        "--households-per-grid, or when a grid with no households is larger than "
        "--empty-grid-max-km2. "
        "A street that has grids already is re-gridded with --import --replace (docs/gis.md, "
        "re-gridding)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--street", required=True, type=street_code, help="9-digit street code")
        parser.add_argument(
            "--streets", help="street file to take the street from (default: the database)"
        )
        parser.add_argument("--method", choices=["square", "hex", "households"], required=True)
        parser.add_argument("--cell-area-m2", type=positive_number, default=250_000)
        parser.add_argument("--households-per-grid", type=positive_number, default=400)
        parser.add_argument("--households", help="household or building points (file or CSV)")
        parser.add_argument(
            "--households-field",
            help="field of the points holding their households (default: households, and a "
            "point without one counts as one household)",
        )
        parser.add_argument("--roads", help="road lines to follow (households method)")
        parser.add_argument(
            "--source-crs",
            default=None,
            help="CRS of the --households and --roads files, e.g. EPSG:4490, gcj02, bd09",
        )
        parser.add_argument(
            "--empty-grid-max-km2",
            type=positive_number,
            default=EMPTY_GRID_MAX_M2 / 1e6,
            help="largest grid without households the households method accepts (km²)",
        )
        parser.add_argument(
            "--encoding",
            default=None,
            help="text encoding of Shapefiles without .cpg and CSV, e.g. GBK (default: detected)",
        )
        parser.add_argument(
            "--community", type=int_between(1, 99), default=1, help="community number 1-99"
        )
        parser.add_argument(
            "--out",
            type=export_file,
            help="write the grids here (.geojson, .gpkg, .shp, .shp.zip or .csv)",
        )
        parser.add_argument("--import", dest="do_import", action="store_true")
        add_replace_arguments(parser)

    def handle(self, *, street: str, method: str, **options) -> None:
        if not options["out"] and not options["do_import"]:
            raise CommandError(_("give --out FILE, --import or both"))
        problem = replace_options_problem(options)
        if problem is None and options["replace"] and not options["do_import"]:
            problem = _("--replace re-grids the street in the database: give it with --import")
        if problem:
            raise CommandError(problem)
        try:
            boundary = self._street(street, options["streets"], options["encoding"])
            cells, households = self._cut(street, boundary.geometry, method, options)
            # The estimate is an estimate: a street just under the limit may still cut into more.
            grids = coded_grids(
                street,
                cells,
                households=households,
                community=options["community"],
                name_prefix=boundary.name,
            )
        except BoundaryFileError as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(f"{street}: {error}") from error
        report = check_boundaries(grids, [boundary])
        areas = sorted(geodesic_area_m2(g.geometry) for g in grids)
        self.stdout.write(
            _(
                "%(street)s: %(count)d grids by %(method)s, area %(least).3f-%(most).3f km² "
                "(median %(median).3f); check: %(check)s"
            )
            % {
                "street": street,
                "count": len(grids),
                "method": method,
                "least": areas[0] / 1e6,
                "most": areas[-1] / 1e6,
                "median": areas[len(areas) // 2] / 1e6,
                "check": report.summary(),
            }
        )
        if households is not None:
            self.stdout.write(
                _("households per grid %(least).0f-%(most).0f (target %(target)g)")
                % {
                    "least": min(households),
                    "most": max(households),
                    "target": options["households_per_grid"],
                }
            )
            refusal = empty_grids_refusal(
                [geodesic_area_m2(g.geometry) for g in grids],
                [g.properties["households"] for g in grids],
                empty_grid_max_m2=options["empty_grid_max_km2"] * 1e6,
            )
            if refusal is not None:
                raise CommandError(_nothing_written(street, refusal))
        if not report.ok:
            for problem in report.errors:
                self.stderr.write(str(problem))
            raise CommandError(_("generated grids failed the check; nothing written"))
        if options["out"]:
            with writing(options["out"]):
                write_boundaries(grids, options["out"])
            self.stdout.write(_("written to %(path)s") % {"path": options["out"]})
        if options["do_import"]:
            self._import(street, grids, method, options)

    def _street(self, code: str, path: str | None, encoding: str | None):
        if path is None:
            streets, _grids = boundaries_for_gis(street_code=code)
        else:
            loaded = read_boundaries(path, level="street", encoding=encoding)
            if loaded.encoding_note:
                self.stderr.write(f"{path}: {loaded.encoding_note}")
            streets = [s for s in loaded.boundaries if s.code == code]
        if not streets:
            if path is None:
                raise CommandError(_("no street %(code)s in the database") % {"code": code})
            raise CommandError(_("no street %(code)s in %(path)s") % {"code": code, "path": path})
        return streets[0]

    def _cut(self, street: str, polygon, method: str, options: dict):
        if method in ("square", "hex"):
            refusal = lattice_refusal(polygon, cell_area_m2=options["cell_area_m2"])
            if refusal is not None:
                raise CommandError(f"{street}: {refusal}")
            return lattice_cut(polygon, cell_area_m2=options["cell_area_m2"], shape=method), None
        if not options["households"]:
            raise CommandError(_("--method households needs --households FILE"))
        points = read_points(
            options["households"],
            # A field named on the command line must be there; the default may be missing.
            weight_field=options["households_field"] or "households",
            weight_field_required=options["households_field"] is not None,
            source_crs=options["source_crs"],
            encoding=options["encoding"],
        )
        if points.encoding_note:
            self.stderr.write(f"{options['households']}: {points.encoding_note}")
        tally, _inside = tally_points(polygon, points.lons, points.lats, points.weights)
        skipped = (
            _("; %(count)s without geometry skipped") % {"count": points.without_geometry}
            if points.without_geometry
            else ""
        )
        self.stdout.write(f"{options['households']}: {tally.summary(street)}{skipped}")
        fit = points_offset_fit(points.lons, points.lats, polygon)
        if fit is not None:
            self.stderr.write(f"{options['households']}: {fit.hint()}")
        refusal = points_refusal(tally, street, households_per_grid=options["households_per_grid"])
        if refusal is not None:
            raise CommandError(_nothing_written(options["households"], refusal))
        roads = (
            read_lines(
                options["roads"], source_crs=options["source_crs"], encoding=options["encoding"]
            )
            if options["roads"]
            else None
        )
        result = households_cut(
            polygon,
            points.lons,
            points.lats,
            points.weights,
            households_per_grid=options["households_per_grid"],
            roads=roads,
        )
        return [cell for cell, _ in result], [count for _, count in result]

    def _import(self, street: str, grids, method: str, options: dict) -> None:
        # Upsert by code would leave a street's other grids in place, overlapping the new ones.
        others = Grid.objects.filter(street__code=street).exclude(code__in=[g.code for g in grids])
        if not options["replace"] and others.exists():
            raise CommandError(
                _(
                    "street %(street)s already has %(count)d grid(s) the new set does not "
                    "replace; use --replace to retire the street's grids as a new generation "
                    "(cases keep the grid they were filed in), or write --out and review"
                )
                % {"street": street, "count": others.count()}
            )
        try:
            summary, lines = grids_import_regridding(
                boundaries=grids,
                replace=options["replace"],
                relocate_open=options["relocate_open"],
                note=f"generate-grids --street {street} --method {method}",
            )
        except BoundaryImportRefused as refused:
            raise CommandError("; ".join(str(p) for p in refused.problems)) from refused
        self.stdout.write(
            _("imported (%(new)d new, %(updated)d updated)")
            % {"new": summary.created, "updated": summary.updated}
        )
        for line in lines:
            self.stdout.write(line)


def _nothing_written(where: str, reason: str) -> str:
    return _("%(where)s: %(reason)s; nothing written") % {"where": where, "reason": reason}
