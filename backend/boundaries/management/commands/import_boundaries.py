from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.boundaries.management.commands._regrid import (
    add_replace_arguments,
    grids_import_regridding,
    replace_options_problem,
)
from backend.boundaries.models import Grid, Street
from backend.boundaries.selectors import area_as_boundary
from backend.boundaries.services import BoundaryImportRefused, streets_import
from backend.core.commands import GridgovCommand
from gis.codes import level_name, street_code_of
from gis.io import Boundary, BoundaryFileError, read_boundaries
from gis.offsets import grids_offset_fit


class Command(GridgovCommand):
    help = gettext_lazy(
        "Import streets or grids from GeoJSON, GeoPackage or Shapefile: upsert by code, all or "
        "nothing. Any CRS pyproj knows is reprojected to WGS-84; --source-crs gcj02|bd09 for "
        "files from Chinese consumer maps. Re-gridding a street: --level grid --replace "
        "(docs/gis.md, re-gridding)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--level", choices=["street", "grid"], required=True)
        parser.add_argument("--code-field", default="code")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--households-field", default="households")
        parser.add_argument("--community-field", default="community")
        parser.add_argument("--layer", default=None)
        parser.add_argument("--source-crs", default=None, help="e.g. EPSG:4490, gcj02, bd09")
        parser.add_argument(
            "--encoding",
            default=None,
            help="text encoding of a Shapefile without .cpg, e.g. GBK (default: detected)",
        )
        add_replace_arguments(parser)

    def handle(self, *, file: str, level: str, **options) -> None:
        problem = replace_options_problem(options)
        if problem is None and options["replace"] and level != "grid":
            problem = _("--replace re-grids streets: give it with --level grid")
        if problem:
            raise CommandError(problem)
        try:
            loaded = read_boundaries(
                file,
                level=level,
                code_field=options["code_field"],
                name_field=options["name_field"],
                layer=options["layer"],
                source_crs=options["source_crs"],
                encoding=options["encoding"],
            )
        except BoundaryFileError as error:
            raise CommandError(str(error)) from error
        if loaded.encoding_note:
            self.stderr.write(f"{file}: {loaded.encoding_note}")
        for repair in loaded.repairs:
            self.stderr.write(_("%(file)s: repaired %(repair)s") % {"file": file, "repair": repair})
        if loaded.problems:
            self._refuse(file, loaded.problems)
        self.stderr.write(
            _("%(file)s: %(count)d %(level)ss read (%(crs)s)")
            % {
                "file": file,
                "count": len(loaded.boundaries),
                "level": level_name(level),
                "crs": loaded.crs,
            }
        )
        lines: list[str] = []
        try:
            if level == "street":
                summary = streets_import(
                    boundaries=loaded.boundaries,
                    households_field=options["households_field"],
                    progress=self._progress,
                )
            else:
                summary, lines = grids_import_regridding(
                    boundaries=loaded.boundaries,
                    replace=options["replace"],
                    relocate_open=options["relocate_open"],
                    note=f"import-boundaries {file}"[:300],
                    households_field=options["households_field"],
                    community_field=options["community_field"],
                    progress=self._progress,
                )
        except BoundaryImportRefused as refused:
            hints = []
            if level == "grid":
                hints = [self._offset_hint(loaded.boundaries)]
                if not options["replace"]:
                    hints += self._replace_hints(loaded.boundaries, refused.problems)
            self._refuse(file, refused.problems, hints=[h for h in hints if h])
        self.stdout.write(
            _("%(file)s: imported %(count)d %(level)ss (%(new)d new, %(updated)d updated)")
            % {
                "file": file,
                "count": len(loaded.boundaries),
                "level": level_name(level),
                "new": summary.created,
                "updated": summary.updated,
            }
        )
        for line in lines:
            self.stdout.write(f"{file}: {line}")

    def _refuse(self, file: str, problems: list, hints: list[str] = ()) -> None:
        for problem in problems:
            self.stderr.write(f"{file}: {problem}")
        for hint in hints:
            # After the problems, where the eye lands: hundreds of them would scroll it away.
            self.stderr.write(f"{file}: {hint}")
        raise CommandError(
            _("%(file)s: %(count)d problem(s); nothing imported")
            % {"file": file, "count": len(problems)}
        )

    def _replace_hints(self, grids: list[Boundary], problems: list) -> list[str]:
        """A line per street whose grids the file does not name overlap the file's: a new cut
        of a street over its old grids, which only --replace retires (the overlaps do not say
        so). A file renewing part of a street beside grids it leaves alone gets none."""
        codes = {g.code for g in grids}
        overlapped = {
            code
            for problem in problems
            if getattr(problem, "kind", None) == "overlap"
            for code in problem.codes
            if code not in codes
        }
        hints = []
        for street in sorted({street_code_of(code) for code in overlapped}):
            kept = Grid.objects.filter(street__code=street).exclude(code__in=codes).count()
            if kept:
                hint = _(
                    "hint: street %(street)s keeps %(count)d grid(s) the file does not name; "
                    "to re-grid the street, give --replace (its grids are retired as a new "
                    "generation, cases keep the grid they were filed in)"
                )
                hints.append(hint % {"street": street, "count": kept})
        return hints

    def _offset_hint(self, grids: list[Boundary]) -> str | None:
        """A line naming the forgotten --source-crs when grids lie a GCJ-02/BD-09 offset off."""
        codes = {street_code_of(g.code) for g in grids}
        streets = [area_as_boundary(s) for s in Street.objects.filter(code__in=codes)]
        fit = grids_offset_fit([g.geometry for g in grids], [s.geometry for s in streets])
        return None if fit is None else fit.hint()

    def _progress(self, done: int, total: int) -> None:
        line = _("saved %(done)d/%(total)d") % {"done": done, "total": total}
        self.stderr.write(f"\r  {line}", ending="\n" if done == total else "")
