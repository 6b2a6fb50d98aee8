"""Full tlog-tiles hash tiles, kept once computed; append-only like the rest of the ledger."""

from django.db import migrations, models

from dueprocess.lib.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_row_state"),
    ]

    operations = [
        migrations.CreateModel(
            name="LedgerTile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("level", models.PositiveSmallIntegerField()),
                ("index", models.BigIntegerField()),
                ("hashes", models.BinaryField()),
                ("root", models.BinaryField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("level", "index"), name="one_tile")
                ],
            },
        ),
        append_only("ledger_ledgertile"),
    ]
