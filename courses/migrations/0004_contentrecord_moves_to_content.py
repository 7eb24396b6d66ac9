from django.db import migrations


class Migration(migrations.Migration):
    """ContentRecord moved to the content app (content/migrations/0001_initial.py), keeping its
    table courses_contentrecord and every row in it: only Django's state changes here."""

    dependencies = [
        ("courses", "0003_lessonpage_sources"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ContentRecord")],
            database_operations=[],
        ),
    ]
