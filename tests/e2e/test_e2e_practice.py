"""Interview practice in a real browser: practice (answer, reveal, rate) and a mock interview
of three questions to its report, in Arabic, then the same pages in English."""

import json
import re

import pytest

from tests.e2e.helpers import click_and_wait, goto, log_in, shot, switch_language

pytestmark = pytest.mark.e2e

ANSWERS = {
    "ar": "أبدأ بتحديد الهدف والجمهور، ثم أختار المنصات والأدوات المناسبة، وأقيس النتائج بالمؤشرات مثل التفاعل والوصول.",
    "en": "I start from the goal and the audience, pick the platforms and tools, schedule the content and measure reach and engagement.",
}


def answer_question(page, language: str):
    assert "/interviews/answers/" in page.url, page.url
    page.fill("#id_answer", ANSWERS[language])
    click_and_wait(page, page.locator("main form[action*='/submit/'] button[type=submit]:not([name=give_up])"))


# Sets the model answer of the question shown (found by the answer in the page's URL: the prompt as
# shown may differ from the stored one, its digits Arabic-Indic on an Arabic page) and prints the old one.
MODEL_ANSWER_SET = """
import json
from interviews.models import InterviewQuestion, PracticeAnswer
question = PracticeAnswer.objects.get(pk={answer_id}).question
print(json.dumps(question.model_answer))
InterviewQuestion.objects.filter(pk=question.pk).update(model_answer={text!r})
"""
STAR = {
    "en": "Intro line.\nSituation: reach fell.\nTask: win it back.\nAction: <b>reels</b> twice a week.\nResult: reach up 40%.",
    "ar": "تمهيد.\nالموقف: تراجع الوصول.\nالمهمة: استعادته.\nالإجراء: مقاطع قصيرة مرتين أسبوعيًا.\nالنتيجة: ارتفع الوصول.",
}
STAR_PARTS = {"en": ["Situation:", "Task:", "Action:", "Result:"], "ar": ["الموقف:", "المهمة:", "الإجراء:", "النتيجة:"]}


def assert_star_parts_shown(page, live_stack, language: str):
    """On a reveal page: a STAR model answer reads as paragraphs, each part under its label, its
    text escaped; the question's own model answer is put back afterwards."""
    answer_id = int(re.search(r"/interviews/answers/(\d+)/", page.url).group(1))
    script = MODEL_ANSWER_SET.format(answer_id=answer_id, text=STAR[language])
    old = json.loads(live_stack.manage("shell", "-c", script).strip().splitlines()[-1])
    try:
        page.reload()
        answer = page.locator("main .model-answer")
        assert answer.locator("p").count() == 5
        assert answer.locator("strong.star-part").all_inner_texts() == STAR_PARTS[language]
        if language == "en":
            assert "<b>reels</b>" in answer.inner_text()  # shown as written, not as HTML
    finally:
        restore = MODEL_ANSWER_SET.format(answer_id=answer_id, text=old)
        live_stack.manage("shell", "-c", restore)


def test_practice_and_a_mock_interview(new_page, live_stack):
    page = new_page("ar")
    log_in(page, language="ar", username="trainee")
    goto(page, "/ar/interviews/")

    # Practice: answer, reveal the model answer, tick a key point, rate.
    click_and_wait(page, page.locator("main form[action$='/practice/start/'] button[type=submit]"))
    assert page.locator("main h1.interview-prompt").inner_text().strip()
    page.fill("#id_answer", ANSWERS["ar"])
    shot(page, "ar-practice")
    click_and_wait(page, page.locator("main form[action*='/submit/'] button[type=submit]:not([name=give_up])"))
    assert "/reveal/" in page.url, page.url
    assert page.locator("main .model-answer").inner_text().strip(), "no model answer revealed"
    # The model answer is written as paragraphs (a STAR answer's parts labelled), never one block.
    assert page.locator("main .model-answer p").count() >= 1
    assert page.locator("main .model-answer br").count() == 0
    assert page.locator("main .user-answer").inner_text().strip() == ANSWERS["ar"]
    shot(page, "ar-practice-reveal")
    assert_star_parts_shown(page, live_stack, "ar")
    points = page.locator("main form[action*='/rate/'] input[name=covered]")
    assert points.count() >= 1
    points.first.check()
    rated_prompt = page.locator("main h1.interview-prompt").inner_text().strip()
    click_and_wait(page, page.locator("main button[name=rating][value=good]"))
    # Rated: practice goes on with the next question; finishing it gives the summary.
    assert "/interviews/answers/" in page.url, page.url
    assert page.locator("main h1.interview-prompt").inner_text().strip() != rated_prompt
    click_and_wait(page, page.locator("main form[action*='/finish/'] button[type=submit]"))
    assert "/report/" in page.url, page.url
    summary = page.locator("main table tbody tr")
    assert summary.count() >= 1
    assert rated_prompt in summary.first.inner_text()
    assert page.locator("main table tbody tr td:last-child").first.inner_text().strip()  # the rating

    # A mock interview of three questions, to its report.
    goto(page, "/ar/interviews/")
    mock = page.locator("main form[action$='/mock/start/']")
    mock.locator("select[name=level]").select_option("specialist")
    mock.locator("select[name=count]").select_option("3")
    click_and_wait(page, mock.locator("button[type=submit]"))
    prompts = []
    for _ in range(3):
        prompts.append(page.locator("main h1.interview-prompt").inner_text().strip())
        assert page.locator("main .interview-timer").count() == 1
        answer_question(page, "ar")
    assert len(set(prompts)) == 3
    assert "/report/" in page.url, page.url
    rows = page.locator("main table tbody tr")
    assert rows.count() == 3
    for prompt, row in zip(prompts, rows.all(), strict=True):
        assert prompt in row.inner_text()
    assert page.locator("main form[action$='/rate/'] fieldset.rating-choices").count() == 3  # all rated in one form
    shot(page, "ar-mock-report")

    # The same report and a practice question in English.
    switch_language(page, "en")
    assert "/en/interviews/sessions/" in page.url and page.locator("main table tbody tr").count() == 3
    assert page.locator("main h1").inner_text().strip() == "Mock interview report"
    shot(page, "en-mock-report")
    goto(page, "/en/interviews/")
    click_and_wait(page, page.locator("main form[action$='/practice/start/'] button[type=submit]"))
    assert "/interviews/answers/" in page.url, page.url
    page.fill("#id_answer", ANSWERS["en"])
    shot(page, "en-practice")
    click_and_wait(page, page.locator("main form[action*='/submit/'] button[type=submit]:not([name=give_up])"))
    assert page.locator("main .model-answer").inner_text().strip()
    shot(page, "en-practice-reveal")
    assert_star_parts_shown(page, live_stack, "en")


# A trainee of its own with the weekly drills email on; prints its unsubscribe token.
UNSUBSCRIBER = """
from accounts.models import User
from interviews import services
user = User.objects.create_user(username="e2e-unsubscribe-{language}", email="e2e-unsubscribe-{language}@example.com",
                                name_latin="Una Subscriber", name_arabic="أُنى", preferred_language="{language}")
print(services.unsubscribe_token(user=user))
"""
REMINDERS_ON = """
from accounts.models import User
print(User.objects.get(username="e2e-unsubscribe-{language}").drill_reminders)
"""


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_weekly_drills_email_link_stops_it_without_logging_in(new_page, live_stack, language):
    """The link of the weekly email opens a page that asks first (a mail scanner's GET changes
    nothing) and stops the email with one button, with nobody signed in."""
    token = live_stack.manage("shell", "-c", UNSUBSCRIBER.format(language=language)).strip().splitlines()[-1]
    page = new_page(language)
    goto(page, f"/{language}/interviews/unsubscribe/?token={token}")
    assert "/accounts/login/" not in page.url, page.url
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    stop = page.locator("main form button[type=submit]")
    assert stop.inner_text().strip() == ("أوقف الرسالة الأسبوعية" if language == "ar" else "Stop the weekly email")
    assert live_stack.manage("shell", "-c", REMINDERS_ON.format(language=language)).strip().endswith("True")
    click_and_wait(page, stop)
    done = page.locator("main [role=status]").inner_text()
    assert ("لن تصلك بعد الآن" in done) if language == "ar" else ("you will no longer get" in done)
    assert live_stack.manage("shell", "-c", REMINDERS_ON.format(language=language)).strip().endswith("False")
    shot(page, f"{language}-drills-unsubscribed")
