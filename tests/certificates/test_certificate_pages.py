import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from certificates.models import Certificate
from tests.certificates.factories import issued
from tests.factories import EditorFactory, HRFactory, OrganizationFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(trainee, course):
    return issued(trainee, course, render=True)


# --- the trainee's pages ---------------------------------------------------------------


def test_my_certificates_lists_only_mine(client, trainee, course, ready, organization):
    other = issued(UserFactory(organization=organization, names_confirmed_at=timezone.now()), course)
    client.force_login(trainee)
    response = client.get("/en/certificates/")
    assert response.status_code == 200
    assert f"/en/certificates/{ready.code}/" in response.text
    assert other.code not in response.text
    assert client.get("/ar/certificates/").status_code == 200
    assert "دورة تجريبية" in client.get("/ar/certificates/").text


def test_the_nav_links_to_my_certificates(client, trainee):
    client.force_login(trainee)
    assert 'href="/en/certificates/"' in client.get("/en/certificates/").text


def test_a_pending_certificate_page_refreshes_itself_until_ready(client, trainee, course):
    certificate = issued(trainee, course)
    client.force_login(trainee)
    page = client.get(f"/en/certificates/{certificate.code}/")
    assert page.status_code == 200
    assert f'data-poll-url="/en/certificates/{certificate.code}/status/"' in page.text
    assert "certificates/poll.js" in page.text
    assert '<meta http-equiv="refresh"' in page.text  # without JavaScript
    status = client.get(f"/en/certificates/{certificate.code}/status/").json()
    assert status == {"status": "pending", "awaiting_names": False, "done": False}
    assert "Download the Arabic PDF" not in page.text


def test_a_ready_certificate_offers_both_pdfs_and_linkedin(client, trainee, ready):
    client.force_login(trainee)
    page = client.get(f"/en/certificates/{ready.code}/")
    assert client.get(f"/en/certificates/{ready.code}/status/").json()["done"] is True
    assert "data-poll-url" not in page.text
    assert f"/en/certificates/{ready.code}/ar.pdf" in page.text
    assert f"/en/certificates/{ready.code}/en.pdf" in page.text
    link = page.context["linkedin_url"]
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == "Demo course" and query["organizationName"] == "Masar"
    assert query["issueYear"] == str(ready.completed_on.year) and query["issueMonth"] == str(ready.completed_on.month)
    assert query["certUrl"].endswith(f"/verify/{ready.code}/") and query["certId"] == ready.code


def test_the_owner_downloads_both_pdfs(client, trainee, ready):
    client.force_login(trainee)
    for language in ("ar", "en"):
        response = client.get(f"/en/certificates/{ready.code}/{language}.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(f"/en/certificates/{ready.code}/fr.pdf").status_code == 404


def test_pdfs_are_not_under_a_public_url(client, ready, settings):
    assert client.get(f"{settings.MEDIA_URL}{ready.pdf_ar}").status_code == 404
    assert client.get(f"/media/private/{ready.pdf_ar}").status_code == 404


# --- access (each rule of the issue) ---------------------------------------------------


def _viewers(trainee, organization):
    other_org = OrganizationFactory(name="Other Org")
    return {
        "owner": (trainee, 200),
        "hr of the organization": (HRFactory(organization=organization), 200),
        "support": (SupportFactory(), 200),
        "an editor (staff)": (EditorFactory(organization=organization), 404),
        "another trainee of the organization": (UserFactory(organization=organization), 404),
        "hr of another organization": (HRFactory(organization=other_org), 404),
        "a trainee of another organization": (UserFactory(organization=other_org), 404),
        "an hr user without organization": (UserFactory(role="hr"), 404),
    }


@pytest.mark.parametrize(
    "who",
    [
        "owner",
        "hr of the organization",
        "support",
        "an editor (staff)",
        "another trainee of the organization",
        "hr of another organization",
        "a trainee of another organization",
        "an hr user without organization",
    ],
)
def test_who_may_download_a_pdf(client, trainee, organization, ready, who):
    user, expected = _viewers(trainee, organization)[who]
    client.force_login(user)
    for url in (
        f"/en/certificates/{ready.code}/ar.pdf",
        f"/en/certificates/{ready.code}/en.pdf",
        f"/en/certificates/{ready.code}/",
        f"/en/certificates/{ready.code}/status/",
    ):
        assert client.get(url).status_code == expected, url


def test_anonymous_visitors_are_sent_to_log_in(client, ready):
    response = client.get(f"/en/certificates/{ready.code}/ar.pdf")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_unknown_and_odd_codes_are_404(client, trainee):
    client.force_login(trainee)
    for code in ("nope", "x" * 300, "%00", "..%2F..%2Fetc", "ليلى"):
        assert client.get(f"/en/certificates/{code}/").status_code == 404
        assert client.get(f"/en/certificates/{code}/ar.pdf").status_code == 404


def test_a_revoked_certificate_is_not_downloadable(client, trainee, ready):
    Certificate.objects.filter(pk=ready.pk).update(status=Certificate.Status.REVOKED, revoked_at=timezone.now())
    client.force_login(trainee)
    assert client.get(f"/en/certificates/{ready.code}/ar.pdf").status_code == 404
    assert "was revoked" in client.get(f"/en/certificates/{ready.code}/").text


def test_names_can_be_confirmed_by_the_owner_only(client, course, organization):
    waiting = issued(UserFactory(organization=organization), course)
    hr = HRFactory(organization=organization)
    client.force_login(hr)
    response = client.post(f"/en/certificates/{waiting.code}/names/", {"name_latin": "X Y", "name_arabic": "س ص"})
    assert response.status_code == 404
    assert Certificate.objects.get(pk=waiting.pk).awaiting_names


# --- verification (revoking: tests/hr/test_hr_revoke.py) -------------------------------


def test_verification_of_a_valid_certificate_is_bilingual_and_public(client, trainee, ready):
    response = client.get(f"/verify/{ready.code}/")
    assert response.status_code == 200
    text = response.text
    for expected in (
        "Valid certificate",
        "Layla Haddad",
        "ليلى حداد",
        "Demo course",
        "دورة تجريبية",
        "Acme Media",
        'lang="ar" dir="rtl"',
        'lang="en" dir="ltr"',
    ):
        assert expected in text, expected
    assert trainee.email not in text
    data = client.get(f"/verify/{ready.code}/", {"format": "json"}).json()
    assert data == {
        "code": ready.code,
        "status": "valid",
        "holder": {"en": "Layla Haddad", "ar": "ليلى حداد"},
        "course": {"en": "Demo course", "ar": "دورة تجريبية"},
        "completed_on": ready.completed_on.isoformat(),
        "hours": 2,
        # the demo course has a quiz-less module and no exam: nothing was assessed
        "assessment": {"modules_passed": 0, "modules": [], "exam": None},
        "organization": "Acme Media",
        "issuer": "Masar",
    }
    assert trainee.email not in json.dumps(data)


def test_verification_scores_are_in_each_columns_digits_and_percent_sign(client, ready):
    ready.assessment = {
        "modules": [{"title": {"en": "Basics", "ar": "الأساسيات"}, "percent": 90}],
        "exam": {"title": {"en": "Final exam", "ar": "الاختبار النهائي"}, "percent": 82, "pass_mark": 75},
    }
    ready.save(update_fields=["assessment"])
    text = client.get(f"/verify/{ready.code}/").text
    arabic, english = text.split('lang="ar" dir="rtl"', 1)[1].split('lang="en" dir="ltr"', 1)
    assert "الأساسيات: ٩٠٪" in arabic and "الاختبار النهائي: ٨٢٪" in arabic
    assert "90" not in arabic and "%" not in arabic
    assert "Basics: 90%" in english and "Final exam: 82%" in english


def test_verification_of_an_unknown_or_unready_code(client, trainee, course):
    pending = issued(trainee, course)
    for code in ("does-not-exist-1234567", pending.code, "x" * 500, "..", "<script>", "ليلى"):
        response = client.get(f"/verify/{code}/")
        assert response.status_code == 200, code
        assert "Unknown certificate" in response.text
        data = client.get(f"/verify/{code}/?format=json").json()
        assert data["status"] == "unknown" and set(data) == {"code", "status"}
    assert "<script>" not in client.get("/verify/<script>/").text


def test_the_verification_form(client, ready):
    page = client.get("/verify/")
    assert page.status_code == 200 and 'name="code"' in page.text
    response = client.get("/verify/", {"code": f"  {ready.code} "})
    assert response.status_code == 302 and response.url == f"/verify/{ready.code}/"
    bad = client.get("/verify/", {"code": "no spaces allowed!"})
    assert bad.status_code == 400 and "letters, digits" in bad.text
