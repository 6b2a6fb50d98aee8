"""Approaches say which way they pushed; the interference register becomes append-only."""

from django.db import migrations, models

from dueprocess.lib.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_references_per_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="approach",
            name="direction",
            field=models.CharField(
                choices=[
                    ("lighter", "Towards a lighter outcome (or none)"),
                    ("harsher", "Towards a harsher outcome"),
                    ("neither", "Neither (information or timing only)"),
                    ("unclear", "Unclear"),
                ],
                default="unclear",
                max_length=10,
            ),
        ),
        append_only("cases_approach"),
    ]
