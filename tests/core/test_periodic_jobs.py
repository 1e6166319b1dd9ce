"""`gridgov serve --jobs-every` runs the jobs the apps registered, without `core` importing them."""

from backend.core.periodic import periodic_jobs
from backend.incidents.services.escalation import incidents_escalate


def test_the_escalation_of_overdue_cases_is_a_registered_periodic_job():
    jobs = {job.name: job for job in periodic_jobs()}
    assert jobs["escalation"].run is incidents_escalate
    assert jobs["escalation"].done % 3 == "escalated 3 overdue case(s)"


def test_serve_takes_the_old_escalate_every_name_for_the_jobs_interval():
    from backend.core.management.commands.serve import Command

    parser = Command().create_parser("gridgov", "serve")
    assert parser.parse_args(["--escalate-every", "60"]).jobs_every == 60
    assert parser.parse_args(["--jobs-every", "5"]).jobs_every == 5
