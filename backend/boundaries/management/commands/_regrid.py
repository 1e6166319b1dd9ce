"""The grid import of `import-boundaries --level grid` and `generate-grids --import`, with
re-gridding (`--replace`) and the moving of open cases (`--relocate-open`).

Not a command itself. It is the one place where the boundaries commands reach into the cases:
retiring grids and moving their open cases must commit together, or not at all.
"""

from django.core.management.base import CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from backend.boundaries.locator import locate
from backend.boundaries.models import Grid
from backend.boundaries.services import ImportSummary, Progress, grids_import
from backend.housing.models import HousingProject
from backend.incidents.models import HazardSite
from backend.incidents.services.relocation import (
    incidents_relocate_from_grids,
    open_incidents_in_grids,
)
from gis.io import Boundary

REPLACE_HELP = (
    "re-grid: retire every current grid of the streets named by the new grids' codes as a new "
    "boundary generation and add the new grids (codes may be reused); old cases keep the "
    "retired grid they were filed in, workers move to the new grids that lie mostly in their "
    "old ones. Without it, a grid that cases were filed in may not be redrawn."
)
RELOCATE_HELP = (
    "with --replace: move the open cases of the streets' retired grids into the new grid "
    "holding their point, each move in the case's timeline; closed cases never move"
)


def add_replace_arguments(parser: CommandParser) -> None:
    parser.add_argument("--replace", action="store_true", help=REPLACE_HELP)
    parser.add_argument("--relocate-open", action="store_true", help=RELOCATE_HELP)


def replace_options_problem(options: dict) -> str | None:
    if options["relocate_open"] and not options["replace"]:
        return _("--relocate-open moves cases out of retired grids: give it with --replace")
    return None


@transaction.atomic
def grids_import_regridding(
    *,
    boundaries: list[Boundary],
    replace: bool,
    relocate_open: bool,
    note: str,
    progress: Progress | None = None,
    **fields: str | None,
) -> tuple[ImportSummary, list[str]]:
    """Import grids (`fields`: households_field, community_field), re-gridding with
    `replace`; returns the summary and the lines that tell what happened to grids and cases."""
    summary = grids_import(
        boundaries=boundaries, progress=progress, replace=replace, note=note, **fields
    )
    if not replace:
        return summary, []
    lines = [
        _(
            "generation %(generation)d: %(retired)d grid(s) retired, %(added)d added; "
            "%(moved)d worker assignment(s) moved to the new grids; closed cases stay in the "
            "grids they were filed in"
        )
        % {
            "generation": summary.generation,
            "retired": len(summary.retired_ids),
            "added": summary.created + summary.updated,
            "moved": summary.assignments_moved,
        }
    ]
    # Every retired grid of these streets, not only this run's: a second --replace with
    # --relocate-open also collects what an earlier re-gridding left behind.
    retired = list(
        Grid.all_generations.filter(
            street_id__in=summary.street_ids, retired_in__isnull=False
        ).values_list("pk", flat=True)
    )
    places = places_relocate_from_grids(grid_ids=retired)
    if places:
        lines.append(
            _("%(count)d hazard site(s) and housing project(s) moved to the new grids")
            % {"count": places}
        )
    if relocate_open:
        moved = incidents_relocate_from_grids(grid_ids=retired)
        lines.append(
            _(
                "%(moved)d open case(s) moved to the new grids (%(outside)d in no new grid, now "
                "with the supervisors); each move is in the case's timeline"
            )
            % {"moved": moved.moved, "outside": moved.outside}
        )
    else:
        staying = open_incidents_in_grids(grid_ids=retired)
        if staying:
            lines.append(
                _(
                    "%(count)d open case(s) stay in the retired grids they were filed in (the "
                    "supervisors see them; the new grids' workers do not): --relocate-open "
                    "moves them"
                )
                % {"count": staying}
            )
    return summary, lines


def places_relocate_from_grids(*, grid_ids: list[int]) -> int:
    """Put the hazard sites and housing projects of `grid_ids` into the current grids holding
    their points; returns how many moved. Unlike a case, a place is not a record of its time:
    it always belongs to the grid it lies in now, whose workers look after it."""
    moved = 0
    for model in (HazardSite, HousingProject):
        places = model.objects.filter(grid_id__in=grid_ids)
        for pk, lon, lat, street_id in places.values_list("pk", "lon", "lat", "street_id"):
            location = locate(lon, lat)
            model.objects.filter(pk=pk).update(
                grid_id=location.grid.pk if location.grid else None,
                street_id=location.street.pk if location.street else street_id,
            )
            moved += 1
    return moved
