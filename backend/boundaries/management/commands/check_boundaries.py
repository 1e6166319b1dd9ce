import argparse
import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.boundaries.selectors import boundaries_for_gis
from backend.core.commands import (
    CommandFailed,
    GridgovCommand,
    export_file,
    output_file,
    positive_number,
    writing,
)
from gis.check import CheckOptions, CheckReport, check_boundaries, check_file
from gis.export import problems_path, write_boundaries, write_problems
from gis.io import BoundaryFileError, read_features
from gis.repair import repair_grids
from gis.tolerances import REPAIR_TOLERANCE_M


def problems_file(text: str) -> str:
    """An argparse type: a .gpkg path whose folder exists, checked before any work is done."""
    try:
        problems_path(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return output_file(text)


class Command(GridgovCommand):
    help = gettext_lazy(
        "Check grid boundaries (a GeoJSON/GeoPackage/Shapefile, or 'db' for the database): "
        "invalid rings, self-intersections, slivers, overlaps, gaps, grids outside their street, "
        "bad codes, households far from the norm. One line per problem and totals; exit status 1 "
        "on errors. --repair OUT fixes slivers under --tolerance-m, reports each change and lists "
        "every error left as not_repaired; duplicate grid codes stop the repair."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="grid file, or 'db'")
        parser.add_argument("--streets", help="street file the grids belong to")
        parser.add_argument("--code-field", default="code")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--households-field", default="households")
        parser.add_argument("--layer", default=None)
        parser.add_argument(
            "--source-crs", default=None, help="CRS of the grid file, e.g. EPSG:4490, gcj02, bd09"
        )
        parser.add_argument(
            "--streets-source-crs",
            default=None,
            help="CRS of the --streets file, e.g. gcj02 for streets traced on AMap",
        )
        parser.add_argument(
            "--encoding",
            default=None,
            help="text encoding of Shapefiles without .cpg, e.g. GBK (default: detected)",
        )
        parser.add_argument(
            "--json", dest="json_out", type=output_file, help="write the report as JSON here"
        )
        parser.add_argument(
            "--problems",
            dest="problems_out",
            type=problems_file,
            help="write a GeoPackage (.gpkg) here, for QGIS: layer problem_areas (polygons) and "
            "layer problem_spots (a point per problem)",
        )
        parser.add_argument(
            "--geojson",
            dest="geojson_out",
            type=output_file,
            help="write the problem spots (points) here as GeoJSON",
        )
        parser.add_argument(
            "--repair", dest="repair_out", type=export_file, help="write repaired grids here"
        )
        parser.add_argument("--tolerance-m", type=positive_number, default=REPAIR_TOLERANCE_M)
        parser.add_argument("--sliver-width-m", type=positive_number, default=5.0)
        parser.add_argument("--households-low", type=int, default=100)
        parser.add_argument("--households-high", type=int, default=1000)

    def handle(self, *, source: str, **options) -> None:
        if options["households_low"] > options["households_high"]:
            raise CommandError(
                _("--households-low %(low)d is above --households-high %(high)d")
                % {"low": options["households_low"], "high": options["households_high"]}
            )
        check_options = CheckOptions(
            sliver_width_m=options["sliver_width_m"],
            households_low=options["households_low"],
            households_high=options["households_high"],
            households_field=options["households_field"],
        )
        try:
            report = self._check(source, options, check_options)
            if options["repair_out"]:
                grids, streets = self._boundaries(source, options)
                report = self._repair(grids, streets, options, check_options)
        except BoundaryFileError as error:
            raise CommandError(str(error)) from error
        for problem in report.problems:
            self.stdout.write(str(problem))
        self.stdout.write(report.summary())
        # Notes (the encoding read, a forgotten --source-crs) after the problems, where the eye
        # lands: hundreds of problem lines would scroll them away.
        for note in report.notes:
            self.stderr.write(note)
        if options["json_out"]:
            with writing(options["json_out"]):
                Path(options["json_out"]).write_text(
                    json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
                )
        if options["geojson_out"]:
            with writing(options["geojson_out"]):
                Path(options["geojson_out"]).write_text(
                    json.dumps(report.to_geojson(), ensure_ascii=False), encoding="utf-8"
                )
        if options["problems_out"]:
            with writing(options["problems_out"]):
                write_problems(report, options["problems_out"])
        if not report.ok:
            raise CommandFailed(
                _("%(count)d error(s) in %(source)s")
                % {"count": len(report.errors), "source": source}
            )

    def _check(self, source: str, options: dict, check_options: CheckOptions) -> CheckReport:
        if source == "db":
            streets, grids = boundaries_for_gis()
            return check_boundaries(grids, streets, options=check_options)
        return check_file(
            source,
            streets_path=options["streets"],
            layer=options["layer"],
            streets_source_crs=options["streets_source_crs"],
            options=check_options,
            **self._read_options(options),
        )

    def _boundaries(self, source: str, options: dict) -> tuple[list, list | None]:
        """(grids, streets) for a repair; the check alone reads the files once."""
        if source == "db":
            streets, grids = boundaries_for_gis()
            return grids, streets
        read = self._read_options(options)
        grids = read_features(source, layer=options["layer"], **read).boundaries
        if not options["streets"]:
            return grids, None
        read["source_crs"] = options["streets_source_crs"]
        return grids, read_features(options["streets"], **read).boundaries

    @staticmethod
    def _read_options(options: dict) -> dict:
        return {
            "code_field": options["code_field"],
            "name_field": options["name_field"],
            "source_crs": options["source_crs"],
            "encoding": options["encoding"],
        }

    def _repair(self, grids, streets, options: dict, check_options: CheckOptions) -> CheckReport:
        result = repair_grids(
            grids, streets, tolerance_m=options["tolerance_m"], options=check_options
        )
        for change in result.changes:
            self.stdout.write(f"repair  {change}")
        if result.refused is not None:
            # Nothing was changed: a copy of the input under the repair's name would mislead.
            self.stdout.write(
                _("%(reason)s; nothing written to %(path)s")
                % {"reason": result.refused, "path": options["repair_out"]}
            )
        else:
            with writing(options["repair_out"]):
                write_boundaries(result.grids, options["repair_out"])
            self.stdout.write(
                _(
                    "%(made)d change(s) made, %(left)d error(s) left for a person; repaired "
                    "grids written to %(path)s; their check:"
                )
                % {
                    "made": len(result.applied),
                    "left": len(result.not_repaired),
                    "path": options["repair_out"],
                }
            )
        return result.check
