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
