"""HR gives a trainee of their organization extra time on the trainee's page, reached from the
dashboard; the page shows the current value and who changed it when, from what to what."""

import pytest
from django.utils import translation

from accounts.models import ExtraTimeChange, User
from courses.services import enrollment_create
from tests.factories import HRFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_url(trainee, lang="en"):
    return f"/{lang}/hr/trainees/{trainee.pk}/"


@pytest.fixture
def hr_client(client, organization):
    hr = HRFactory(organization=organization, name_latin="Omar Khaled", name_arabic="عمر خالد")
    client.force_login(hr)
    client.hr = hr
    return client


def test_the_dashboard_links_each_trainee_to_their_page_and_shows_their_extra_time(hr_client, trainee, demo_course):
    enrollment_create(user=trainee, course=demo_course["en"])
    page = hr_client.get("/en/hr/").text
    assert f'href="{page_url(trainee)}"' in page
    assert "Extra time:" not in page
    User.objects.filter(pk=trainee.pk).update(extra_time="1.5")
    assert "Extra time: ×1.5 (50% more time)" in hr_client.get("/en/hr/").text


def test_hr_sets_extra_time_and_sees_the_log(hr_client, trainee):
    page = hr_client.get(page_url(trainee))
    assert page.status_code == 200
    assert "No change yet." in page.text
    response = hr_client.post(page_url(trainee), {"extra_time": "1.5", "reason": "Agreed accommodation"})
    assert response.status_code == 302 and response["Location"] == page_url(trainee)
    assert User.objects.get(pk=trainee.pk).extra_time == "1.5"
    page = hr_client.get(page_url(trainee)).text
    assert 'id="current-extra-time">×1.5 (50% more time)<' in page
    assert "Agreed accommodation" in page and "Omar Khaled" in page
    assert "Extra time for Layla Haddad: ×1.5 (50% more time)." in page  # the message after saving
    hr_client.post(page_url(trainee), {"extra_time": "unlimited"})
    log = list(ExtraTimeChange.objects.filter(user=trainee).values_list("old", "new", "changed_by"))
    assert log == [("1.5", "unlimited", hr_client.hr.pk), ("", "1.5", hr_client.hr.pk)]  # newest first


def test_the_page_in_arabic(hr_client, trainee):
    hr_client.post(page_url(trainee), {"extra_time": "2"})
    page = hr_client.get(page_url(trainee, "ar")).text
    assert "الوقت الإضافي الحالي:" in page and "×٢ (ضعف الوقت)" in page
    assert "عمر خالد" in page and "ليلى حداد" in page


@pytest.mark.parametrize("value", ["3", "1.50", "x2", "unlimited ", "2; DROP TABLE"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_value_not_in_the_list_is_a_translated_400_and_changes_nothing(hr_client, trainee, value, lang):
    hr_client.post(page_url(trainee), {"extra_time": "1.25"})
    response = hr_client.post(page_url(trainee, lang), {"extra_time": value})
    assert response.status_code == 400
    with translation.override(lang):
        expected = translation.gettext("Choose one of the extra time options: none, ×1.25, ×1.5, ×2 or no time limit.")
    assert expected in response.text
    if lang == "ar":
        assert "اختر أحد خيارات الوقت الإضافي" in response.text
    assert User.objects.get(pk=trainee.pk).extra_time == "1.25"
    assert ExtraTimeChange.objects.count() == 1


def test_a_reason_too_long_is_a_400(hr_client, trainee):
    response = hr_client.post(page_url(trainee), {"extra_time": "2", "reason": "x" * 301})
    assert response.status_code == 400
    assert User.objects.get(pk=trainee.pk).extra_time == ""


def test_another_organizations_trainee_is_a_404(hr_client):
    stranger = UserFactory(organization=OrganizationFactory(name="Elsewhere"))
    assert hr_client.get(page_url(stranger)).status_code == 404
    assert hr_client.post(page_url(stranger), {"extra_time": "2"}).status_code == 404
    assert User.objects.get(pk=stranger.pk).extra_time == ""
    assert not ExtraTimeChange.objects.exists()


def test_a_colleague_in_hr_is_no_trainee_page(hr_client, organization):
    colleague = HRFactory(organization=organization)
    assert hr_client.post(page_url(colleague), {"extra_time": "2"}).status_code == 404
    assert User.objects.get(pk=colleague.pk).extra_time == ""


def test_the_page_reads_the_log_in_a_fixed_number_of_queries(hr_client, trainee, django_assert_max_num_queries):
    for value in ("1.25", "1.5", "2", "unlimited", ""):
        hr_client.post(page_url(trainee), {"extra_time": value})
    hr_client.get(page_url(trainee))
    with django_assert_max_num_queries(8):
        page = hr_client.get(page_url(trainee))
    assert page.text.count("Omar Khaled") >= 5
