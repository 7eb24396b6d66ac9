"""The Arabic trainee's whole path to a certificate; the Arabic test asserts on it, and the HR
test reuses its graduate (or walks the path itself when run alone)."""

import re
from dataclasses import dataclass

from tests.e2e.helpers import (
    RENDER_TIMEOUT_MS,
    VERIFY_URL,
    Trainee,
    assert_lines_of_at_most_75_characters,
    assert_rtl_layout,
    click_and_wait,
    download,
    goto,
    norm,
    open_course,
    pdf_text,
    progress_percent,
    read_module,
    shot,
    sign_up,
    switch_language,
    take_quiz,
)

# A certificate's code: 26 characters of Crockford's base32 (no I, L, O or U) in groups of four.
CERTIFICATE_CODE = re.compile(r"(?:[0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{2}")


@dataclass
class Graduate:
    trainee: Trainee
    code: str
    certificate_path: str
    verify_url: str
    saw_preparing: bool


def arabic_journey(page, stack) -> Graduate:
    trainee = Trainee.new(language="ar", name_latin="Salma Youssef", name_arabic="سلمى يوسف")
    sign_up(page, trainee)
    assert_rtl_layout(page)
    shot(page, "ar-home")

    open_course(page, "ar")
    course_path = page.url
    assert_lines_of_at_most_75_characters(page)
    shot(page, "ar-course")
    click_and_wait(page, page.locator("main form[action*='/enroll/'] button[type=submit]"))
    assert_lines_of_at_most_75_characters(page)  # the first lesson
    assert read_module(page, screenshot="ar-lesson") == 3
    take_quiz(page, screenshots="ar")
    # The passed module quiz's result leads on to the next module.
    next_module = page.locator("main .quiz-next-steps a", has_text="الوحدة التالية")
    assert next_module.count() == 1, "no Next module link on the Arabic result"
    click_and_wait(page, next_module)
    assert page.url.startswith(course_path) and page.url != course_path, page.url  # a module of the course
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert_lines_of_at_most_75_characters(page)  # the Arabic module page

    goto(page, course_path)
    assert progress_percent(page) == 50
    click_and_wait(page, page.locator("main aside a.button"))  # Continue where you left off
    assert read_module(page) == 3
    # The last required assessment passed: the browser lands on the course complete page.
    landed = take_quiz(page)
    assert re.search(r"/ar/certificates/courses/[^/]+/complete/$", landed), f"not the course complete page: {landed}"
    assert page.locator("main h1").count() == 1

    goto(page, course_path)
    assert progress_percent(page) == 100
    assert page.locator("main aside .badge.ok").count() == 1, "the course is not shown as completed"
    assert_rtl_layout(page)
    click_and_wait(page, page.locator("main aside a.button[href*='/certificates/']"))
    # My certificates: the new one waits for the names to print.
    click_and_wait(page, page.locator("main a.button[href*='/certificates/']").first)
    match = re.search(r"/ar/certificates/([A-Za-z0-9_-]+)/$", page.url)
    assert match, page.url
    code = match.group(1)
    assert CERTIFICATE_CODE.fullmatch(code), f"not a Crockford code in groups of four: {code}"
    assert page.input_value("#id_name_arabic") == trainee.name_arabic
    assert page.input_value("#id_name_latin") == trainee.name_latin

    # The worker is held still while the page shows the certificate being prepared and polls
    # its status; then it renders, and the page updates itself: no reload from the test.
    polls = []
    page.on("response", lambda r: polls.append(r.status) if r.url.endswith(f"/{code}/status/") else None)
    # First a preview of both certificates as they will print, then the step that cannot be undone.
    click_and_wait(page, page.locator("main form[action*='/names/'] button[type=submit]").first)
    assert page.locator("main .certificate-preview iframe").count() == 2, "no preview of the certificates"
    with stack.worker.paused():
        click_and_wait(page, page.locator("main form[action*='/names/'] button[name=confirm]"))
        assert page.locator("main [data-poll-url]").count() == 1, "the page does not show the certificate preparing"
        assert page.locator("main .badge.wait").count() == 1
        assert page.locator("main a[href$='.pdf']").count() == 0
        shot(page, "ar-certificate-preparing")
        with page.expect_response(lambda r: r.url.endswith(f"/{code}/status/"), timeout=15_000):
            pass  # the page asked for the status on its own at least once
    arabic_pdf = page.locator("main a.button[href$='/ar.pdf']")
    arabic_pdf.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    saw_preparing = bool(polls) and all(status == 200 for status in polls)
    assert page.locator("main [data-poll-url]").count() == 0
    assert page.locator("main .badge.ok").count() == 1
    assert_rtl_layout(page)
    shot(page, "ar-certificate")

    name, data = download(page, arabic_pdf)
    assert name == f"masar-certificate-{code}-ar.pdf", name
    text = pdf_text(data)
    assert norm(trainee.name_arabic) in text, f"the Arabic name is not in the Arabic PDF: {text[:300]}"
    # The issuer and the signatory named (settings' defaults), the code under its label.
    for said in ("صادرة عن مسار", "فريق التدريب في مسار", "رمز الشهادة"):
        assert said in text, f"{said!r} is not in the Arabic PDF: {text}"
    label = text.index("رمز الشهادة")  # the code follows its label (its letters spaced out or not)
    assert code in text[label:].replace(" ", ""), f"the code is not under its label: {text[label:]}"
    urls = VERIFY_URL.findall(text)
    assert urls, f"no verification URL in the PDF: {text[:300]}"
    verify_url = urls[0]
    assert verify_url.endswith(f"/verify/{code}/"), verify_url
    english_name, english = download(page, page.locator("main a.button[href$='/en.pdf']"))
    assert english_name == f"masar-certificate-{code}-en.pdf", english_name
    english_text = pdf_text(english)
    assert trainee.name_latin in english_text
    for said in ("Issued by Masar", "Masar training team", "Certificate ID"):
        assert said in english_text, f"{said!r} is not in the English PDF: {english_text}"
    label = english_text.index("Certificate ID")
    assert code in english_text[label:].replace(" ", ""), f"the code is not under its label: {english_text[label:]}"

    certificate_path = f"/ar/certificates/{code}/"
    switch_language(page, "en")
    assert page.locator("main a.button[href$='/en.pdf']").count() == 1
    shot(page, "en-certificate")

    goto(page, verify_url)
    arabic = page.locator("main section[lang=ar]")
    english = page.locator("main section[lang=en]")
    assert english.locator(".badge.ok").inner_text().strip() == "Valid"
    assert "valid" in english.locator("h2").inner_text().lower()
    assert arabic.locator(".badge.ok").count() == 1
    assert trainee.name_arabic in arabic.inner_text()
    assert trainee.name_latin in english.inner_text()
    assert_rtl_layout(page)
    shot(page, "ar-verification")
    # The code typed by hand, in lower case and without its dashes, finds the same certificate.
    goto(page, f"/verify/{code.replace('-', '').lower()}/")
    assert page.locator("main section[lang=en] .badge.ok").inner_text().strip() == "Valid"
    assert trainee.name_latin in page.locator("main section[lang=en]").inner_text()
    return Graduate(
        trainee=trainee,
        code=code,
        certificate_path=certificate_path,
        verify_url=verify_url,
        saw_preparing=saw_preparing,
    )
