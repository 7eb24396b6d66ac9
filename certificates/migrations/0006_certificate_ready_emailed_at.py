from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0005_certificate_assessment"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="ready_emailed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ready email sent at"),
        ),
    ]
