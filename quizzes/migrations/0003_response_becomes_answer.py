"""The quiz model `Response` becomes `Answer` (one name per thing: `Response` is also Django's
HTTP response). The table, its many-to-many table and every row are renamed in place, and the
permissions follow with their grants: each permission row keeps its id and only its codename
and name change, so every group and user that could mark essays (or view, change, ...
responses) still can."""

from django.conf import settings
from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")
OLD_TO_NEW = {
    **{f"{action}_response": (f"{action}_answer", f"Can {action} answer") for action in ACTIONS},
    "mark_response": ("mark_answer", "Can mark essay answers"),
}
NEW_TO_OLD = {
    **{f"{action}_answer": (f"{action}_response", f"Can {action} response") for action in ACTIONS},
    "mark_answer": ("mark_response", "Can mark essay answers"),
}


def _rename_permissions(apps, renames: dict) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    # contenttypes renames the model's content type right after RenameModel (and back, after
    # this step is undone): here it is "answer" both ways.
    content_type = ContentType.objects.filter(app_label="quizzes", model="answer").first()
    if content_type is None:  # a new database: post_migrate creates the permissions afterwards
        return
    for old_codename, (new_codename, new_name) in renames.items():
        old = Permission.objects.filter(content_type__app_label="quizzes", codename=old_codename).first()
        if old is None:
            continue
        new = Permission.objects.filter(content_type=content_type, codename=new_codename).first()
        if new is not None:  # both exist: move the grants to the new one
            for through, column in ((Group.permissions.through, "group_id"), (User.user_permissions.through, "user_id")):
                holders = set(through.objects.filter(permission_id=new.pk).values_list(column, flat=True))
                through.objects.filter(permission_id=old.pk).exclude(**{f"{column}__in": holders}).update(
                    permission_id=new.pk
                )
            old.delete()
            continue
        old.codename, old.name, old.content_type = new_codename, new_name, content_type
        old.save(update_fields=["codename", "name", "content_type"])


def forwards(apps, schema_editor):
    _rename_permissions(apps, OLD_TO_NEW)


def backwards(apps, schema_editor):
    _rename_permissions(apps, NEW_TO_OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_choice_parental_key"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Response", "Answer"),
        migrations.AlterModelOptions(
            name="answer",
            options={
                "ordering": ["attempt", "position"],
                "permissions": [("mark_answer", "Can mark essay answers")],
                "verbose_name": "answer",
                "verbose_name_plural": "answers",
            },
        ),
        migrations.AlterField(
            model_name="answer",
            name="attempt",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="answers", to="quizzes.attempt"
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="question",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT, related_name="answers", to="quizzes.question"
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="selected_choices",
            field=models.ManyToManyField(blank=True, related_name="answers", to="quizzes.choice"),
        ),
        migrations.RemoveConstraint(model_name="answer", name="one_response_per_question"),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.UniqueConstraint(fields=("attempt", "question"), name="one_answer_per_question"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
