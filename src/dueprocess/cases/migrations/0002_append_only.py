"""Status changes, recommendations, decisions, notes and evidence are never edited or deleted."""

from django.db import migrations

from dueprocess.lib.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        append_only("cases_statuschange"),
        append_only("cases_recommendation"),
        append_only("cases_decision"),
        append_only("cases_note"),
        append_only("cases_evidenceitem"),
    ]
