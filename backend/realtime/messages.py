"""The text a socket is sent for an event, rendered once per view rather than once per socket.

An event has two views, and only two: the case with its reporter named, and the case with the
reporter masked (`incidents.masking.case_without_reporter`). Whether a viewer may see the
reporter is `Scope.may_see_reporter`: the reporter themself always; supervisors and admins
unless the case is a petition, and then only with the petition permission; nobody else. The
petition rule and the viewer's own reports decide *which* view a socket gets, never make a
third one. So the publisher renders both texts once, and a live delivery is a choice between
them and a write; at 600 receivers an event is encoded twice instead of 600 times.
"""

import json
from dataclasses import dataclass

from backend.accounts.scope import Scope
from backend.incidents.masking import case_without_reporter

from .models import Event


@dataclass(frozen=True)
class EventTexts:
    """An event as sent on the socket, in each view: `named` for whoever may see the reporter,
    `masked` for everyone else."""

    named: str
    masked: str


def event_text(event: Event, *, reporter_named: bool) -> str:
    """The socket message for `event` in one view, encoded as Channels' `send_json` encodes
    (`json.dumps` with its defaults), so the text is byte for byte what a per-socket render
    sent before, live and in replay alike."""
    incident = event.payload if reporter_named else case_without_reporter(event.payload)
    return json.dumps(
        {"type": event.type, "seq": event.seq, "at": event.at.isoformat(), "incident": incident}
    )


def event_texts(event: Event) -> EventTexts:
    """Both views of `event`, each rendered once."""
    return EventTexts(
        named=event_text(event, reporter_named=True),
        masked=event_text(event, reporter_named=False),
    )


def event_text_for(scope: Scope, event: Event) -> str:
    """The one view of `event` that the user of `scope` gets (replay renders only that one)."""
    reporter_named = scope.may_see_reporter(category=event.category, reporter_id=event.reporter_id)
    return event_text(event, reporter_named=reporter_named)
