"""Sealed provisional decisions: a decision may be recorded sealed, and is announced by a row
of its own (append-only). SQLite rebuilds ``cases_decision`` to add the columns, which drops
its append-only triggers, so they are made again. A hearing's record also lists anyone else
present (a recording needs each one's consent), with its table's triggers made again too."""

import django.db.models.deletion
import django.db.models.manager
from django.conf import settings
from django.db import migrations, models

from dueprocess.lib.append_only import append_only, append_only_after_rebuild


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_reviews'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='decision',
            options={'base_manager_name': 'records', 'default_manager_name': 'objects', 'ordering': ['decided_at', 'id']},
        ),
        migrations.AlterModelManagers(
            name='decision',
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('records', django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddField(
            model_name='decision',
            name='seal_salt',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='decision',
            name='sealed',
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name='DecisionAnnouncement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('announced_at', models.DateTimeField()),
                ('announced_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('decision', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='announcement', to='cases.decision')),
            ],
            options={
                'ordering': ['announced_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='hearingrecord',
            name='others_present',
            field=models.JSONField(blank=True, default=list),
        ),
        append_only_after_rebuild("cases_decision"),
        append_only("cases_decisionannouncement"),
        append_only_after_rebuild("cases_hearingrecord"),
    ]
