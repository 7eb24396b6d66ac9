"""Interview drills in a real browser, in Arabic and in English: a mock interview with a skipped
question ends on a report that opens with its verdict, shows the skip as skipped and rates every
answer in one form; axe-core finds no serious or critical problem on the report before or after."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import Trainee, click_and_wait, goto, shot, sign_up

pytestmark = pytest.mark.e2e

ANSWER = {
    "ar": "أبدأ بتحديد الهدف والجمهور، ثم أختار المنصات والأدوات، وأقيس الوصول والتفاعل بالمؤشرات.",
    "en": "I start from the goal and the audience, pick the platforms and tools, and measure reach and engagement.",
}
WORDS = {
    "ar": {"skipped": "متخطّى", "verdict": "الخلاصة:", "saved": "حُفظت تقييماتك", "kind": "انتقل إلى السؤال التالي"},
    "en": {"skipped": "Skipped", "verdict": "Verdict:", "saved": "ratings are saved", "kind": "Pass on this one"},
}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_mock_report_verdict_and_rating_every_answer(new_page, language):
    words = WORDS[language]
    page = new_page("ar" if language == "ar" else "en-US")
    sign_up(page, Trainee.new(language=language, name_latin="Rana Khalil", name_arabic="رنا خليل"))
    goto(page, f"/{language}/interviews/")
    mock = page.locator("main form[action$='/mock/start/']")
    mock.locator("select[name=level]").select_option("specialist")
    mock.locator("select[name=count]").select_option("3")
    click_and_wait(page, mock.locator("button[type=submit]"))

    # The question is the page's one main heading; the second one is passed on, kindly worded.
    for index in range(3):
        assert page.locator("h1").count() == 1
        assert page.locator("main h1.interview-prompt").inner_text().strip()
        if index == 1:
            skip = page.locator("main button[name=give_up]")
            assert skip.inner_text().strip() == words["kind"]
            click_and_wait(page, skip)
        else:
            page.fill("#id_answer", ANSWER[language])
            click_and_wait(page, page.locator("main form[action*='/submit/'] button[type=submit]:not([name=give_up])"))
    assert "/report/" in page.url, page.url

    # The report opens with the verdict, before the table of answers.
    verdict = page.locator("main section.verdict")
    assert words["verdict"] in verdict.locator("h2").inner_text()
    assert page.evaluate(
        "() => Boolean(document.querySelector('main section.verdict').compareDocumentPosition("
        "document.querySelector('main table')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    rows = page.locator("main table tbody tr")
    assert rows.count() == 3
    assert words["skipped"] in rows.nth(1).inner_text()
    assert "(" not in rows.nth(1).locator("td").nth(4).inner_text()  # not "0 of 3 (hint)"
    assert serious_violations(page) == []
    shot(page, f"{language}-mock-report-verdict")

    # Every answer reviewed and rated in one form.
    form = page.locator("main form[action$='/rate/']")
    groups = form.locator("fieldset.rating-choices")
    assert groups.count() == 3
    for group in groups.all():
        group.locator("input[type=radio][value=good]").check()
    shot(page, f"{language}-mock-report-rate-all")
    click_and_wait(page, form.locator("button[type=submit]"))
    assert "/report/" in page.url, page.url
    assert words["saved"] in page.locator("ul.messages").inner_text()
    assert page.locator("main input[type=radio]").count() == 0
    for row in page.locator("main table tbody tr").all():
        assert row.locator("td").nth(5).inner_text().strip()  # each answer has its rating
    assert serious_violations(page) == []
    shot(page, f"{language}-mock-report-rated")
