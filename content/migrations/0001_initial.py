from django.db import migrations, models


class Migration(migrations.Migration):
    """ContentRecord, moved from the courses app with its table (courses_contentrecord): on a
    database migrated before, the table and its rows are already there; on a new one, courses'
    first migration made it. Only Django's state changes here."""

    initial = True

    dependencies = [
        ("courses", "0004_contentrecord_moves_to_content"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=20)),
                        ("key", models.CharField(max_length=120)),
                        ("language", models.CharField(max_length=5)),
                        ("source_hash", models.CharField(max_length=64)),
                        (
                            "fingerprint",
                            models.CharField(help_text="State of the object right after loading.", max_length=64),
                        ),
                        ("loaded_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "db_table": "courses_contentrecord",
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "key", "language"), name="one_record_per_content")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
