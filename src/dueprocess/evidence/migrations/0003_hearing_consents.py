"""Consents to the recording of a hearing: the hearing they answer for, and the answer
(given, refused, withdrawn; the latest counts). SQLite rebuilds the table to add the columns,
which drops its append-only triggers, so they are made again."""

import django.db.models.deletion
from django.db import migrations, models

from dueprocess.lib.append_only import append_only_after_rebuild


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_hearings'),
        ('evidence', '0002_interviews_consent'),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='answer',
            field=models.CharField(choices=[('given', 'Consented'), ('refused', 'Refused'), ('withdrawn', 'Withdrew consent')], default='given', max_length=20),
        ),
        migrations.AddField(
            model_name='consent',
            name='hearing',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='cases.hearing'),
        ),
        append_only_after_rebuild("evidence_consent"),
    ]
