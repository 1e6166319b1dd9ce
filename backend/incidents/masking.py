"""The reporter kept from whoever may not see them, written once for every exit that shows a case:
the REST API (lists, details, a hazard site's history) and the WebSocket feed. Whether a viewer
may see the reporter is their Scope's rule (`Scope.may_see_reporter`); what they get instead is
this module's. The other exits never carry a reporter at all: the statistics and their CSV count
cases without naming anyone, and Open311 builds its requests without the reporter (tests prove
both: tests/stats/test_csv_names_nobody.py, tests/open311/test_privacy.py).
"""

from backend.accounts.scope import Scope


def case_as_seen_by(scope: Scope, case: dict, *, category: str, reporter_id: int | None) -> dict:
    """`case`, a case payload as a supervisor sees it (a detail's timeline included), as the
    user of `scope` may see it; `category` and `reporter_id` are the case's, given apart since
    a stored event is sent as it was stored, never re-checked against the payload's shape."""
    if scope.may_see_reporter(category=category, reporter_id=reporter_id):
        return case
    return case_without_reporter(case)


def case_without_reporter(case: dict) -> dict:
    """`case` with no name or phone of the reporter, also where they handled the case
    themselves (自行处置) or acted on its timeline (only `role` is kept): what everyone who may
    not see the reporter gets, so the WebSocket feed renders it once for all of them."""
    reporter = case["reporter"]
    username = reporter.get("username")
    masked = {
        **case,
        "reporter": {**reporter, "username": None, "display_name": None, "phone": None},
    }
    # .get: a stored event's payload may be of an older shape.
    if case.get("assignee") is not None and case.get("assignee") == username:
        masked.update(assignee=None, assignee_display_name=None)
    if "timeline" in case:
        masked["timeline"] = [
            {**entry, "actor": None, "actor_display_name": None}
            if entry["actor"] is not None and entry["actor"] == username
            else entry
            for entry in case["timeline"]
        ]
    return masked
