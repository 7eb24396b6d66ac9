import factory
from django.contrib.auth import get_user_model

from accounts.models import Organization


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    name_latin = factory.Sequence(lambda n: f"Trainee Number {n}")
    name_arabic = "متدرب تجريبي"
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HRFactory(UserFactory):
    role = "hr"
    organization = factory.SubFactory(OrganizationFactory)


def _join_group(user, group_name: str, codename: str) -> None:
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(Permission.objects.get(codename=codename))
    user.groups.add(group)


class SupportFactory(UserFactory):
    """Staff in a support group: may see the certificates and exports of every organization."""

    is_staff = True

    @factory.post_generation
    def _support(obj, create, extracted, **kwargs):
        if create:
            _join_group(obj, "Support", "view_every_organization")


class EditorFactory(UserFactory):
    """An editor as seed_demo makes one: staff in Wagtail's Editors group, marks essays."""

    is_staff = True
    role = "editor"

    @factory.post_generation
    def _editor(obj, create, extracted, **kwargs):
        if create:
            _join_group(obj, "Editors", "mark_answer")
