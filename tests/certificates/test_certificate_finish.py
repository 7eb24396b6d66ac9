"""Names confirmed after a preview of the certificate as it prints, and the email that says it is ready."""

import copy

import pytest
from django.core import mail
from django.utils.html import escape

from certificates import pdf, services
from certificates.models import Certificate
from tests.certificates.factories import issued
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(course):
    """A certificate waiting for its holder (an English speaker) to confirm the names."""
    user = UserFactory(name_latin="Omar Saleh", name_arabic="عمر صالح", preferred_language="en")
    return issued(user, course)


def test_names_are_previewed_as_they_will_print_before_the_step_that_cannot_be_undone(client, waiting):
    client.force_login(waiting.user)
    names = {"name_latin": "Omar  Saleh", "name_arabic": "عمر صالح"}
    page = client.post(f"/en/certificates/{waiting.code}/names/", names)
    assert page.status_code == 200
    html = page.content.decode()
    sample = copy.copy(waiting)
    sample.holder_name_latin, sample.holder_name_arabic = "Omar Saleh", "عمر صالح"
    for language in ("ar", "en"):  # the PDF's own HTML, in the page, with the fonts a browser can load
        preview = pdf.certificate_html(sample, language, font_urls=pdf.web_fonts())
        assert f'srcdoc="{escape(preview)}"' in html
        assert preview == pdf.certificate_html(sample, language).replace(
            pdf.fonts()["amiri_bold"], pdf.web_fonts()["amiri_bold"]
        ).replace(pdf.fonts()["amiri_regular"], pdf.web_fonts()["amiri_regular"]).replace(
            pdf.fonts()["plex_bold"], pdf.web_fonts()["plex_bold"]
        ).replace(pdf.fonts()["plex_regular"], pdf.web_fonts()["plex_regular"])
    assert "file:" not in html  # a browser's frame may not read the PDF's font files
    assert "This cannot be undone" in html
    assert 'name="confirm" value="1"' in html and 'type="hidden" name="name_latin" value="Omar Saleh"' in html
    waiting.refresh_from_db()
    waiting.user.refresh_from_db()
    assert waiting.awaiting_names and not waiting.user.names_locked  # nothing is confirmed yet

    confirmed = client.post(f"/en/certificates/{waiting.code}/names/", {**names, "confirm": "1"})
    assert confirmed.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.holder_name_latin, waiting.holder_name_arabic) == ("Omar Saleh", "عمر صالح")


def test_the_arabic_preview_says_it_cannot_be_undone_in_arabic(client, waiting):
    client.force_login(waiting.user)
    html = client.post(
        f"/ar/certificates/{waiting.code}/names/", {"name_latin": "Omar Saleh", "name_arabic": "عمر صالح"}
    )
    assert "لا يمكن التراجع عن هذه الخطوة" in html.content.decode()
    assert html.content.decode().count("<iframe") == 2


def test_a_name_that_fails_its_rules_is_not_previewed(client, waiting):
    client.force_login(waiting.user)
    page = client.post(f"/en/certificates/{waiting.code}/names/", {"name_latin": "Omar Saleh", "name_arabic": "Omar"})
    assert page.status_code == 400 and "<iframe" not in page.content.decode()


def test_the_holder_is_emailed_once_in_their_language_when_the_certificate_is_ready(
    eager_celery, django_capture_on_commit_callbacks, trainee, course
):
    trainee.preferred_language = "ar"
    trainee.save()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued(trainee, course)  # names confirmed: queued, rendered by the eager worker
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY and certificate.ready_emailed_at
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [trainee.email]
    assert message.subject == "شهادتك جاهزة: دورة تجريبية"
    assert f"/ar/certificates/{certificate.code}/" in message.body and "ليلى حداد" in message.body

    # A task delivered twice, or a render run again, sends nothing more.
    assert services.certificate_ready_email_send(certificate_id=certificate.pk) is False
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_render(certificate_id=certificate.pk)
    assert len(mail.outbox) == 1


def test_the_email_is_in_english_for_an_english_speaker(
    eager_celery, django_capture_on_commit_callbacks, waiting, client
):
    client.force_login(waiting.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/certificates/{waiting.code}/names/",
            {"name_latin": "Omar Saleh", "name_arabic": "عمر صالح", "confirm": "1"},
        )
    assert [m.subject for m in mail.outbox] == ["Your certificate is ready: Demo course"]
    assert "Hello Omar Saleh," in mail.outbox[0].body and f"/en/certificates/{waiting.code}/" in mail.outbox[0].body


def test_no_email_for_a_certificate_that_is_not_ready(waiting):
    assert services.certificate_ready_email_send(certificate_id=waiting.pk) is False
    assert mail.outbox == []
