from django.db import migrations, models


def mark_escalations_as_the_systems(apps, schema_editor):
    # Escalation is the one action the system took before this field; its entries were the ones
    # written without an actor. (Other entries with a null actor lost theirs when the user was
    # deleted: they stay a person's.)
    TimelineEntry = apps.get_model("incidents", "TimelineEntry")
    TimelineEntry.objects.filter(action="escalate", actor__isnull=True).update(system=True)


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0004_due_at_index_moves_to_stats"),
    ]

    operations = [
        migrations.AddField(
            model_name="timelineentry",
            name="system",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_escalations_as_the_systems, migrations.RunPython.noop),
    ]
