"""On PostgreSQL, events take `seq` from a sequence instead of the locked counter row.

The sequence starts after the highest seq already handed out (by the counter or stored), so
existing events keep theirs and clients replaying with an old `after` miss nothing. SQLite keeps
the counter (one writer at a time, so it serialises nothing that was not serial already).
"""

from django.db import migrations, models

EVENT_SEQUENCE = "realtime_event_seq"


def create_sequence(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # OWNED BY: dropped with the table, and found by Django's sequence resets (flush).
    schema_editor.execute(f"CREATE SEQUENCE {EVENT_SEQUENCE} OWNED BY realtime_event.seq")
    schema_editor.execute(
        f"SELECT setval('{EVENT_SEQUENCE}', GREATEST("
        "(SELECT COALESCE(MAX(seq), 0) FROM realtime_event), "
        "(SELECT COALESCE(MAX(last), 0) FROM realtime_eventcounter)) + 1, false)"
    )


def drop_sequence(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # Back to the counter: it must continue after every seq the sequence handed out.
    schema_editor.execute(
        "UPDATE realtime_eventcounter SET last = GREATEST(last, "
        "(SELECT COALESCE(MAX(seq), 0) FROM realtime_event))"
    )
    schema_editor.execute(f"DROP SEQUENCE {EVENT_SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("realtime", "0002_event_counter_row")]
    operations = [
        migrations.AddField(
            model_name="event",
            name="writers_before_xid",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(create_sequence, drop_sequence),
    ]
