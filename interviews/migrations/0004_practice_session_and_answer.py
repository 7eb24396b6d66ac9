"""The interview practice engine's models get the UI's name (one name per thing):
`DrillSession` becomes `PracticeSession`, `DrillAnswer` becomes `PracticeAnswer`, and the FSRS
`Card` is shown as a "review card". The tables and every row are renamed in place (the
`mode` values "practice" and "mock" are stored and stay). The permissions follow with their
grants: each permission row keeps its id and content type (contenttypes renames the content
types right after each RenameModel), only its codename and name change, so every group and
user granted a drill permission holds the practice one."""

from django.conf import settings
from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")
# (content type model after the rename, old codename suffix, new codename suffix, old name, new name)
MODELS = [
    ("practicesession", "drillsession", "practicesession", "drill session", "practice session"),
    ("practiceanswer", "drillanswer", "practiceanswer", "drill answer", "practice answer"),
    ("card", "card", "card", "drill card", "review card"),
]


def _rename_permissions(apps, *, forwards: bool) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    for model, old_suffix, new_suffix, old_name, new_name in MODELS:
        content_type = ContentType.objects.filter(app_label="interviews", model=model).first()
        if content_type is None:  # a new database: post_migrate creates the permissions afterwards
            continue
        if not forwards:
            old_suffix, new_suffix, old_name, new_name = new_suffix, old_suffix, new_name, old_name
        for action in ACTIONS:
            old_codename, new_codename = f"{action}_{old_suffix}", f"{action}_{new_suffix}"
            new_label = f"Can {action} {new_name}"
            old = Permission.objects.filter(content_type=content_type, codename=old_codename).first()
            if old is None:
                continue
            if old_codename != new_codename:
                new = Permission.objects.filter(content_type=content_type, codename=new_codename).first()
                if new is not None:  # both exist: move the grants to the new one
                    for through, column in (
                        (Group.permissions.through, "group_id"),
                        (User.user_permissions.through, "user_id"),
                    ):
                        holders = set(through.objects.filter(permission_id=new.pk).values_list(column, flat=True))
                        through.objects.filter(permission_id=old.pk).exclude(**{f"{column}__in": holders}).update(
                            permission_id=new.pk
                        )
                    old.delete()
                    new.name = new_label
                    new.save(update_fields=["name"])
                    continue
            old.codename, old.name = new_codename, new_label
            old.save(update_fields=["codename", "name"])


def forwards(apps, schema_editor):
    _rename_permissions(apps, forwards=True)


def backwards(apps, schema_editor):
    _rename_permissions(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0003_interviewcategory"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("DrillSession", "PracticeSession"),
        migrations.RenameModel("DrillAnswer", "PracticeAnswer"),
        migrations.AlterModelOptions(
            name="card",
            options={"verbose_name": "review card", "verbose_name_plural": "review cards"},
        ),
        migrations.AlterModelOptions(
            name="practicesession",
            options={
                "ordering": ["-started_at"],
                "verbose_name": "practice session",
                "verbose_name_plural": "practice sessions",
            },
        ),
        migrations.AlterModelOptions(
            name="practiceanswer",
            options={
                "ordering": ["session", "position"],
                "verbose_name": "practice answer",
                "verbose_name_plural": "practice answers",
            },
        ),
        migrations.AlterField(
            model_name="practicesession",
            name="user",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="practice_sessions", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.RenameIndex(
            model_name="practicesession",
            new_name="interviews_session_user_start",
            old_name="interviews__user_id_eafbba_idx",
        ),
        migrations.RunPython(forwards, backwards),
    ]
