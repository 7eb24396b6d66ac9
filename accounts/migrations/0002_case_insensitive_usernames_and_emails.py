# Usernames and emails unique without regard to case: unique indexes on LOWER(username) and
# LOWER(email), and a manager that finds "Omar" when "OMAR" logs in.

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower

import accounts.models


def refuse_duplicates(apps, schema_editor):
    """Stop, saying which accounts, if two differ only in the case of their username or email:
    an administrator decides which one to rename, rather than the index creation failing."""
    User = apps.get_model("accounts", "User")
    clashes = []
    for field in ("username", "email"):
        duplicated = (
            User.objects.annotate(key=Lower(field))
            .values("key")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list("key", flat=True)
        )
        for key in duplicated:
            ids = sorted(User.objects.annotate(key=Lower(field)).filter(key=key).values_list("id", flat=True))
            clashes.append(f"{field} {key!r}: users {ids}")
    if clashes:
        raise RuntimeError(
            "Accounts differ only in the case of their username or email; rename or merge them, "
            "then migrate again:\n  " + "\n  ".join(clashes)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", accounts.models.UserManager()),
            ],
        ),
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message="This username is taken. Choose another one.",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="An account with this email already exists. Log in or reset your password.",
            ),
        ),
    ]
