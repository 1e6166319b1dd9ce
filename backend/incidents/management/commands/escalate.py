from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.commands import GridgovCommand
from backend.core.periodic import periodic_job_run_once
from backend.incidents.jobs import ESCALATION_JOB


class Command(GridgovCommand):
    help = gettext_lazy(
        "Escalate overdue cases (priority up, timeline entry, live event). Safe to run as often "
        "as you like: each deadline is escalated once. Schedule it, e.g. every 5 minutes."
    )

    def handle(self, **_options) -> None:
        # Cron on several hosts, or beside `serve --jobs-every`: one of them escalates, the
        # others find it busy and leave this round to it.
        count = periodic_job_run_once(ESCALATION_JOB)
        if count is None:
            self.stdout.write(_("escalation is running in another process; this run skipped it"))
            return
        self.stdout.write(_("escalated %(count)d overdue case(s)") % {"count": count})
