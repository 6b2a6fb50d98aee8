"""Create the single head row and make the ledger's tables append-only."""

from django.db import migrations

from dueprocess.lib.append_only import append_only


def create_head(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("ledger", "LedgerHead").objects.get_or_create(id=1, defaults={"size": 0})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        append_only("ledger_ledgerentry", dense_seq=True),
        append_only("ledger_checkpoint"),
        append_only("ledger_cosignature"),
    ]
