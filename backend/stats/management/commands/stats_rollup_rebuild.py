from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.commands import GridgovCommand
from backend.stats.services import grid_rollup_rebuild


class Command(GridgovCommand):
    help = gettext_lazy(
        "Recount the statistics rollups from the incidents: after writing incidents without "
        "the services (bulk loads, SQL, the admin), or when boundaries were deleted."
    )

    def handle(self, *args, **options) -> None:
        tallies, close_hours = grid_rollup_rebuild()
        self.stdout.write(
            _("%(tallies)d day tallies, %(buckets)d close-hour buckets")
            % {"tallies": tallies, "buckets": close_hours}
        )
