from django.db import models


class ContentRecord(models.Model):
    """What `load_content` last wrote for one key and language, to spot editors' changes.

    `source_hash` is the hash of what the file said, `fingerprint` the state of the object
    right after loading (content/driver.py decides with both)."""

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=120)
    language = models.CharField(max_length=5)
    source_hash = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64, help_text="State of the object right after loading.")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table the model had in the courses app, kept: moving the model moved no rows.
        db_table = "courses_contentrecord"
        constraints = [models.UniqueConstraint(fields=["kind", "key", "language"], name="one_record_per_content")]

    def __str__(self):
        return f"{self.kind}:{self.key} ({self.language})"
