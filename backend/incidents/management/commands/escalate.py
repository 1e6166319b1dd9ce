from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.commands import GridgovCommand
from backend.incidents.services.escalation import incidents_escalate


class Command(GridgovCommand):
    help = gettext_lazy(
        "Escalate overdue cases (priority up, timeline entry, live event). Safe to run as often "
        "as you like: each deadline is escalated once. Schedule it, e.g. every 5 minutes."
    )

    def handle(self, **_options) -> None:
        count = incidents_escalate()
        self.stdout.write(_("escalated %(count)d overdue case(s)") % {"count": count})
