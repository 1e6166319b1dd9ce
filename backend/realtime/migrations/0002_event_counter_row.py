from django.db import migrations


def create_counter(apps, schema_editor):
    # One row, made here so that handing out a seq is a plain UPDATE, never a racy insert.
    apps.get_model("realtime", "EventCounter").objects.get_or_create(pk=1, defaults={"last": 0})


class Migration(migrations.Migration):
    dependencies = [("realtime", "0001_initial")]
    operations = [migrations.RunPython(create_counter, migrations.RunPython.noop)]
