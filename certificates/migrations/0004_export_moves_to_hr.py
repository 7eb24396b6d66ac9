"""The Export model moved to the hr app (hr/migrations/0001_initial.py): state only, its table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0003_revoked_certificates_and_outdated_exports'),
        ('hr', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='Export')],
        ),
    ]
