"""The Export model moves here from the certificates app, its rows kept where they are.

Only Django's state changes: the table stays `certificates_export` (Export.Meta.db_table), and
certificates/migrations/0004 removes the model from the certificates app's state. The content
type moves too, so the permissions on exports, and the groups holding them, keep working."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    """Relabel the content type of exports, keeping its permissions and their groups. A new
    database has none yet (post_migrate creates it after every migration)."""
    ContentType = apps.get_model('contenttypes', 'ContentType')
    types = ContentType.objects.using(schema_editor.connection.alias).filter(model='export')
    if not types.filter(app_label=target).exists():
        types.filter(app_label=source).update(app_label=target)


def content_type_to_hr(apps, schema_editor):
    _move_content_type(apps, schema_editor, source='certificates', target='hr')


def content_type_to_certificates(apps, schema_editor):
    _move_content_type(apps, schema_editor, source='hr', target='certificates')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_case_insensitive_usernames_and_emails'),
        ('certificates', '0003_revoked_certificates_and_outdated_exports'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Export',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('filters', models.JSONField(blank=True, default=dict, verbose_name='filters')),
                        ('status', models.CharField(choices=[('pending', 'Waiting'), ('running', 'Building'), ('ready', 'Ready'), ('failed', 'Failed'), ('outdated', 'Out of date')], default='pending', max_length=20, verbose_name='status')),
                        ('total', models.PositiveIntegerField(default=0, verbose_name='certificates')),
                        ('done', models.PositiveIntegerField(default=0, verbose_name='certificates added')),
                        ('file', models.CharField(blank=True, help_text='Path in private storage.', max_length=255, verbose_name='file')),
                        ('certificate_ids', models.JSONField(blank=True, default=list, verbose_name='certificates in the file')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='size')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exports', to='accounts.organization', verbose_name='organization')),
                        ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'verbose_name': 'certificate export',
                        'verbose_name_plural': 'certificate exports',
                        'db_table': 'certificates_export',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_type_to_hr, content_type_to_certificates),
    ]
