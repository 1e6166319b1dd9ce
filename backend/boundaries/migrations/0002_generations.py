"""Boundary generations: grids are retired, never overwritten, when a street is re-gridded.

Existing grids stay current and are put in the first generation (made here, also in an empty
database), so that every grid has the generation it was made in.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def existing_grids_into_first_generation(apps, schema_editor) -> None:
    Grid = apps.get_model("boundaries", "Grid")
    Generation = apps.get_model("boundaries", "Generation")
    first = Generation.objects.create(note="initial")
    Grid.objects.update(generation=first)


class Migration(migrations.Migration):
    dependencies = [
        ("boundaries", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "note",
                    models.CharField(
                        blank=True, help_text="What was imported, and why", max_length=300
                    ),
                ),
            ],
            options={"ordering": ["id"]},
        ),
        migrations.AlterField(
            model_name="grid",
            name="code",
            field=models.CharField(max_length=14),
        ),
        migrations.AddField(
            model_name="grid",
            name="generation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="grids",
                to="boundaries.generation",
            ),
        ),
        migrations.AddField(
            model_name="grid",
            name="retired_in",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="retired_grids",
                to="boundaries.generation",
            ),
        ),
        migrations.RunPython(existing_grids_into_first_generation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="grid",
            name="generation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="grids",
                to="boundaries.generation",
            ),
        ),
        migrations.AlterModelOptions(
            name="grid",
            options={"default_manager_name": "objects", "ordering": ["code"]},
        ),
        migrations.AddConstraint(
            model_name="grid",
            constraint=models.UniqueConstraint(
                condition=models.Q(("retired_in__isnull", True)),
                fields=("code",),
                name="grid_code_unique_among_current",
            ),
        ),
    ]
