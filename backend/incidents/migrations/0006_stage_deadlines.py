"""Each move keeps the deadline of the stage it ended and whether it was met; closed cases say
whether they were closed on time (按期办结).

Rows written before this migration kept neither, and a closed case had lost its last deadline,
so the backfill replays each case's timeline through the zone's deadline rules
(`backend.incidents.deadlines`), as the services applied them at each move:

- the priority a stage was timed with is the one before any later escalation (each escalation
  note says "优先级 <before> → <after>");
- an escalation note states the deadline that had passed ("期限 <local time>", to the minute):
  where it disagrees with the replayed one (settings changed since, or an extension moved it),
  the note wins;
- a petition's extension is on the case (`extended_days`, granted at most once);
- any other extension moved the deadline to a date its entry did not keep: until an escalation
  names it, that stage's deadline is unknown (`due_at` and `met` null), which does not count
  against the case.

Incidents are read in batches by id (keyset), with their timelines, and written back with
`bulk_update`: the same statements on SQLite and PostgreSQL.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

from backend.incidents.deadlines import closed_on_time, end_of_day_after, stage_due_at, stage_met

BATCH = 500
# As `services/escalation.py` wrote it: "逾期未办（期限 2026-11-24 10:00），优先级 normal → high";
# since 2026-12-02 with the priorities in words ("优先级 一般 → 较急").
ESCALATION_NOTE = re.compile(r"期限 (\d{4}-\d\d-\d\d \d\d:\d\d)），优先级 (\w+) → (\w+)")
PRIORITY_WORDS = {"一般": "normal", "较急": "high", "紧急": "urgent"}


def _priority(noted: str) -> str:
    return PRIORITY_WORDS.get(noted, noted)


def _noted_deadline(replayed: datetime | None, noted: str) -> datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    written = datetime.strptime(noted, "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    if replayed is not None and replayed.astimezone(zone).replace(second=0, microsecond=0) == (
        written
    ):
        # The same deadline; the replayed one has the seconds the note left out.
        return replayed
    return written


def replay(incident, timeline: list) -> list:
    """Set `due_at` and `met` on each entry of `timeline` (in order) that ended a stage; returns
    those entries. Changes `incident` in memory only, to the state each move saw."""
    escalations = [ESCALATION_NOTE.search(e.note) for e in timeline if e.action == "escalate"]
    escalations = [match for match in escalations if match]
    if escalations:
        incident.priority = _priority(escalations[0].group(2))
    granted_days = incident.extended_days
    incident.extended_days = 0
    incident.accepted_at = None
    incident.review_requested_at = None
    deadline = None
    moves = []
    for entry in timeline:
        if entry.action == "create":
            deadline = stage_due_at(incident, "reported", now=entry.at)
        elif entry.action == "escalate":
            match = ESCALATION_NOTE.search(entry.note)
            if match:
                deadline = _noted_deadline(deadline, match.group(1))
                incident.priority = _priority(match.group(3))
        elif entry.action == "extend":
            if incident.category == "petition" and deadline is not None and granted_days:
                incident.extended_days = granted_days
                deadline = end_of_day_after(deadline, granted_days)
            else:
                deadline = None
        elif entry.from_status and entry.to_status != entry.from_status:
            entry.due_at = deadline
            entry.met = stage_met(entry.at, deadline)
            moves.append(entry)
            if entry.to_status == "accepted":
                incident.accepted_at = entry.at
            if entry.action == "request_review":
                incident.review_requested_at = entry.at
            # Starting work keeps the handling deadline set at dispatch.
            if (entry.from_status, entry.to_status) != ("dispatched", "in_progress"):
                deadline = stage_due_at(incident, entry.to_status, now=entry.at)
    return moves


def backfill_stage_deadlines(apps, schema_editor) -> None:
    Incident = apps.get_model("incidents", "Incident")
    TimelineEntry = apps.get_model("incidents", "TimelineEntry")
    last_id = 0
    while True:
        incidents = list(
            Incident.objects.filter(pk__gt=last_id)
            .select_related("subcategory")
            .order_by("pk")[:BATCH]
        )
        if not incidents:
            return
        last_id = incidents[-1].pk
        timelines = {incident.pk: [] for incident in incidents}
        entries = TimelineEntry.objects.filter(incident_id__in=list(timelines)).order_by(
            "incident_id", "at", "id"
        )
        for entry in entries:
            timelines[entry.incident_id].append(entry)
        moves, closed = [], []
        for incident in incidents:
            timeline = timelines[incident.pk]
            moves += replay(incident, timeline)
            if incident.status == "closed":
                incident.closed_on_time = closed_on_time(timeline)
                closed.append(incident)
        TimelineEntry.objects.bulk_update(moves, ["due_at", "met"], batch_size=BATCH)
        Incident.objects.bulk_update(closed, ["closed_on_time"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0005_timeline_entry_system"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="closed_on_time",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="timelineentry",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="timelineentry",
            name="met",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.RunPython(backfill_stage_deadlines, migrations.RunPython.noop),
    ]
