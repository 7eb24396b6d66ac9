"""The Editors group can do an editor's whole job on every install, not only in the demo:
publish pages anywhere in the tree (lessons, modules, courses), add, change and delete quizzes,
every type of question and interview questions, and start a translation. Nothing about people:
no user, attempt, certificate or export permission is given here.

Wagtail's own migrations made the group (it may edit pages and images); this migration sits in
interviews, the highest of the three content apps, so every model it names exists."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = {
    "quizzes": [
        "quiz",
        "question",
        "singlechoicequestion",
        "multiplechoicequestion",
        "truefalsequestion",
        "essayquestion",
        "orderingquestion",
        "numericquestion",
        "choice",
    ],
    "interviews": ["interviewquestion", "keypoint"],
}
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def _permissions(apps):
    """Make sure the permission rows exist (on a new database they come only after migrate)."""
    for label in ("quizzes", "interviews", "simple_translation", "wagtailcore"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    _permissions(apps)
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, models in CONTENT_MODELS.items():
        for model in models:
            for action in ("add", "change", "delete", "view"):
                editors.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="simple_translation", codename="submit_translation")
    )
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    editors.permissions.remove(
        *editors.permissions.filter(content_type__app_label__in=list(CONTENT_MODELS)),
        *editors.permissions.filter(codename="submit_translation"),
    )
    GroupPagePermission.objects.filter(group=editors, permission__codename="publish_page", page__depth=1).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0006_backfill_review_logs"),
        ("quizzes", "0007_ordering_and_numeric_questions"),
        ("courses", "0006_lesson_image_alt_text"),
        ("simple_translation", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
