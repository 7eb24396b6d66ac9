"""The verifier in a real browser, in English and in Arabic: someone pastes a certificate's signed
credential and reads that it is authentic, with its claims; a credential with one changed
character is called changed; the PDF certificate uploaded is authentic; a file that is not a PDF
is refused. axe-core finds no serious or critical problem on these pages."""

import json
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import click_and_wait, goto, norm, shot, switch_language

pytestmark = pytest.mark.e2e

# A ready certificate of a small course, rendered in the shell (so the PDF is on disk): prints its
# code, its credential and the path of its English PDF.
SEED = """
import json
from django.utils import timezone
from accounts.models import User
from certificates import credentials, services
from certificates.models import Certificate
from certificates.storage import private_storage
from courses.models import Enrollment
from tests.courses.journey import course_with_exam
journey = course_with_exam(slug="verify-{tag}")
course = journey["course"]["en"]
user = User.objects.create_user(username="verify-{tag}", email="verify-{tag}@example.com", password="x-Verify-9!",
                                name_latin="Omar Farouk", name_arabic="عمر فاروق", names_confirmed_at=timezone.now())
enrollment = Enrollment.objects.create(user=user, course_key=course.translation_key, completed_at=timezone.now())
certificate = services.certificate_issue(user=user, course=course, enrollment=enrollment)
services.certificate_render(certificate_id=certificate.pk)
certificate.refresh_from_db()
print(json.dumps({{"code": certificate.code, "jwt": credentials.credential_jwt(certificate),
                  "pdf": private_storage().path(certificate.pdf_en), "status": certificate.status}}))
"""

TEXT = {
    "en": {"authentic": "Authentic", "changed": "Changed or forged", "not_pdf": "Not a PDF", "holder": "Omar Farouk"},
    "ar": {"authentic": "أصلية", "changed": "معدَّل أو مزوَّر", "not_pdf": "ليس ملف PDF", "holder": "عمر فاروق"},
}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def verdict(page) -> str:
    return norm(page.locator("main #verdict h2").inner_text())


@pytest.mark.parametrize("language", ["en", "ar"])
def test_someone_verifies_a_pasted_credential_and_an_uploaded_pdf(language, live_stack, new_page, tmp_path):
    tag = uuid.uuid4().hex[:8]
    seeded = last_json(live_stack.manage("shell", "-c", SEED.format(tag=tag)))
    assert seeded["status"] == "ready"
    text = TEXT[language]
    page = new_page("ar" if language == "ar" else "en-US")

    goto(page, f"/verify/?lang={language}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    # The page's language switch (the page has no language prefix: ?lang=), there and back.
    other = "en" if language == "ar" else "ar"
    for switched in (other, language):
        switch_language(page, switched)
        assert page.locator("html").get_attribute("dir") == ("rtl" if switched == "ar" else "ltr")
        assert page.url.split("?")[0].endswith("/verify/") and f"lang={switched}" in page.url, page.url
        assert page.locator("#id_credential").count() == 1
    assert serious_violations(page) == []

    # Paste the credential: authentic, issued to the holder, every claim listed.
    page.fill("#id_credential", seeded["jwt"])
    click_and_wait(page, page.locator("main form[enctype] button[type=submit]"))
    assert verdict(page) == text["authentic"]
    claims = norm(page.locator("main #verdict dl").inner_text())
    assert text["holder"] in claims and "Omar Farouk" in claims and "عمر فاروق" in claims
    assert page.locator(f"main #verdict a[href='/verify/{seeded['code']}/']").count() == 1
    if language == "ar":  # dates, scores and hours in the page's digits; codes and URLs (dir=ltr) as written
        shown = page.locator("main #verdict dl dt, main #verdict dl dd[dir=auto]").all_inner_texts()
        assert not [t for t in shown if any(d in t for d in "0123456789")]
        assert any(d in "".join(shown) for d in "٠١٢٣٤٥٦٧٨٩")
    assert serious_violations(page) == []
    shot(page, f"{language}-verifier-authentic")

    # One changed character in the signed content.
    token = seeded["jwt"]
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    changed = f"{header}.{payload[:middle]}{'A' if payload[middle] != 'A' else 'B'}{payload[middle + 1 :]}.{signature}"
    page.fill("#id_credential", changed)
    click_and_wait(page, page.locator("main form[enctype] button[type=submit]"))
    assert verdict(page) == text["changed"]
    assert serious_violations(page) == []
    shot(page, f"{language}-verifier-changed")

    # Upload the PDF certificate: its signature and the credential inside it hold.
    page.set_input_files("#id_certificate", seeded["pdf"])
    click_and_wait(page, page.locator("main form[enctype] button[type=submit]"))
    assert verdict(page) == text["authentic"]
    assert text["holder"] in norm(page.locator("main #verdict dl").inner_text())
    shot(page, f"{language}-verifier-pdf")

    # A file that is not a PDF.
    fake = tmp_path / "certificate.pdf"
    fake.write_bytes(b"GIF89a this is a picture")
    page.set_input_files("#id_certificate", str(fake))
    click_and_wait(page, page.locator("main form[enctype] button[type=submit]"))
    assert verdict(page) == text["not_pdf"]
    assert serious_violations(page) == []
