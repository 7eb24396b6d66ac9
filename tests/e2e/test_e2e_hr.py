"""HR of Demo Co in a real browser: filter the dashboard, download a certificate, export the
CSV, build a ZIP of certificates and download it."""

import io
import re
import zipfile

import pytest

from tests.e2e.helpers import (
    RENDER_TIMEOUT_MS,
    assert_rtl_layout,
    click_and_wait,
    download,
    goto,
    log_in,
    pdf_text,
    read_csv,
    shot,
    switch_language,
)
from tests.e2e.journeys import arabic_journey

pytestmark = pytest.mark.e2e


@pytest.fixture
def graduate(live_stack, journeys, new_page):
    """The Arabic trainee of Demo Co with a ready certificate (walked here if not already)."""
    if "ar" not in journeys:
        journeys["ar"] = arabic_journey(new_page("ar"), live_stack)
    return journeys["ar"]


def test_hr_filters_downloads_exports_and_zips(graduate, new_page):
    trainee = graduate.trainee
    page = new_page("en-US")
    log_in(page, language="en", username="hr")
    goto(page, "/en/hr/")
    assert "Demo Co" in page.locator("main h1").inner_text()
    shot(page, "en-hr-dashboard")

    # Filter: by name and "certificate ready".
    page.fill("#id_q", trainee.name_latin)
    page.select_option("#id_status", "certificate_ready")
    click_and_wait(page, page.locator("main form.filters button[type=submit]"))
    assert "q=" in page.url and "status=certificate_ready" in page.url
    rows = page.locator("main table.members tbody tr")
    assert rows.count() == 1, rows.all_inner_texts()
    row = rows.first
    assert trainee.email in row.inner_text()
    assert row.locator(".badge.ok").count() == 1
    # Progress as the trainee sees it: the same words, a bar named for the trainee, at 100%.
    bar = row.locator("[role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == "100"
    assert trainee.name_latin in bar.get_attribute("aria-label")
    steps = row.locator(".progress-steps").inner_text()
    assert re.fullmatch(r"(\d+) of \1 lessons · (\d+) of \2 quizzes", steps.strip()), steps

    # One certificate.
    name, data = download(page, row.locator("a[href$='/ar.pdf']"))
    assert graduate.code in name
    assert trainee.name_arabic in pdf_text(data)

    # The filtered CSV: a byte order mark, the Arabic name, one trainee.
    name, data = download(page, page.locator("main a.button[href*='trainees.csv']"))
    assert name.endswith(".csv")
    table = read_csv(data)
    assert len(table) == 2, table
    header, line = table
    assert trainee.name_arabic in line and trainee.name_latin in line and graduate.code in line
    assert graduate.verify_url in line
    assert len(header) == len(line)

    # A ZIP of the filtered certificates, built by the worker while the page polls.
    click_and_wait(page, page.locator("main form[action*='/exports/'] button[type=submit]"))
    assert "/hr/exports/" in page.url, page.url
    link = page.locator("main a.button[href$='/download/']")
    link.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    name, data = download(page, link)
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == 2, archive.namelist()  # the Arabic and the English PDF of the one certificate
        for n in pdfs:
            assert archive.read(n).startswith(b"%PDF")

    # The dashboard in Arabic; the verification page as an English reader sees it.
    goto(page, "/en/hr/")
    switch_language(page, "ar")
    assert_rtl_layout(page)
    shot(page, "ar-hr-dashboard")
    page = new_page("en-US")
    goto(page, graduate.verify_url)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("main section[lang=en] .badge.ok").inner_text().strip() == "Valid"
    shot(page, "en-verification")
