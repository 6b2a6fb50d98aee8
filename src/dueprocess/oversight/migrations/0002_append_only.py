"""Alerts, once raised, are never edited or deleted."""

from django.db import migrations

from dueprocess.lib.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]

    operations = [append_only("oversight_alert")]
