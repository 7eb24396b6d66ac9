"""Confirming the names on a certificate while the profile is saved at the same moment: the
certificate and the profile end with the same frozen names, whichever commits first."""

import threading

import pytest
from django.db import connections

from accounts import services as account_services
from accounts.models import User
from certificates import services
from certificates.models import Certificate
from tests.certificates.conftest import complete
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(organization):
    return UserFactory(organization=organization, name_latin="First Name", name_arabic="الاسم الأول")


def test_a_profile_saved_from_a_page_read_before_the_confirmation_keeps_the_frozen_names(newcomer, course):
    complete(newcomer, course)
    profile_page_copy = User.objects.get(pk=newcomer.pk)  # the profile form's request read this
    services.certificate_names_confirm(user=newcomer, name_latin="Confirmed Name", name_arabic="الاسم المؤكد")
    account_services.user_profile_update(
        user=profile_page_copy, name_latin="Changed Later", name_arabic="اسم لاحق", preferred_language="ar"
    )
    stored = User.objects.get(pk=newcomer.pk)
    certificate = Certificate.objects.get(user=newcomer)
    assert (stored.name_latin, stored.name_arabic) == ("Confirmed Name", "الاسم المؤكد")
    assert (certificate.holder_name_latin, certificate.holder_name_arabic) == ("Confirmed Name", "الاسم المؤكد")
    assert stored.preferred_language == "ar"  # the rest of the profile is saved
    assert profile_page_copy.name_latin == "Confirmed Name"  # the caller's copy says what is stored


@pytest.mark.django_db(transaction=True)
def test_confirming_and_saving_the_profile_at_once_leave_one_set_of_names(organization, course):
    newcomer = UserFactory(organization=organization, name_latin="First Name", name_arabic="الاسم الأول")
    complete(newcomer, course)
    copies = [User.objects.get(pk=newcomer.pk) for _ in range(2)]
    start = threading.Barrier(2)

    def confirm():
        try:
            start.wait()
            services.certificate_names_confirm(user=copies[0], name_latin="Confirmed Name", name_arabic="الاسم المؤكد")
        finally:
            connections.close_all()

    def save_profile():
        try:
            start.wait()
            account_services.user_profile_update(
                user=copies[1], name_latin="Profile Name", name_arabic="اسم الملف", preferred_language="en"
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm), threading.Thread(target=save_profile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stored = User.objects.get(pk=newcomer.pk)
    certificate = Certificate.objects.get(user=newcomer)
    assert stored.names_confirmed_at is not None
    assert (certificate.holder_name_latin, certificate.holder_name_arabic) == (stored.name_latin, stored.name_arabic)
