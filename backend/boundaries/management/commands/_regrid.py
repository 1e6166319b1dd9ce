"""The grid import of `import-boundaries --level grid` and `generate-grids --import`, with
re-gridding (`--replace`) and the moving of open cases (`--relocate-open`).

Not a command itself. Retiring grids, moving the places in them and what the cases' app does
with their open cases (`grids_retired`) commit together, or not at all.
"""

from django.core.management.base import CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from backend.boundaries.models import Grid
from backend.boundaries.places import places_relocate_from_grids
from backend.boundaries.services import ImportSummary, Progress, grids_import
from backend.boundaries.signals import grids_retired
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
    for _receiver, told in grids_retired.send(
        sender=Grid, grid_ids=retired, relocate_open=relocate_open
    ):
        lines.extend(told)
    return summary, lines
