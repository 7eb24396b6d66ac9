"""Taking a quiz in a real browser (issue 15), in English and Arabic: the summary page is the one
place to submit and names the unanswered questions; the question text is in the legend and
focus lands on its heading; answers save as they change, so switching language mid-attempt
shows the same answers laid out right to left; the timer is silent, speaks at 5 minutes and 30 seconds,
changes colour near the end and stays in sight at 360 px; at expiry the answer on screen is
counted and the result says so once; a pass offers the next module, a fail "Try again" and the
lessons of its weak topics. axe finds no critical or serious problem on any of these pages."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import (
    ARABIC_DIGITS,
    QUIZ_SEEDING,
    Trainee,
    answer_current_question,
    assert_ltr_layout,
    assert_rtl_layout,
    click_and_wait,
    goto,
    phone_shot,
    shot,
    sign_up,
    switch_language,
    wait_until,
)

pytestmark = pytest.mark.e2e

# Two quizzes of their own in both languages (the questions share keys), their questions taught
# by the shipped course's first lesson; and the shipped course's first module quiz and the
# second module's address. Prints their ids as JSON.
SEED = (
    QUIZ_SEEDING
    + """
lesson = LessonPage.objects.live().filter(locale__language_code="en").order_by("path").first()
TEXTS = {
    "en": ("When is the best time to post?", "When your audience is online", "Always at midnight",
           "Which of these are engagement metrics?", "Comments", "Shares", "Page load time"),
    "ar": ("ما أفضل وقت للنشر؟", "حين يكون جمهورك متصلًا", "منتصف الليل دائمًا",
           "أيٌّ مما يلي من مقاييس التفاعل؟", "التعليقات", "المشاركات", "زمن تحميل الصفحة"),
}

def make(minutes):
    titles = {"en": f"Timing quiz {minutes}", "ar": f"اختبار التوقيت {minutes}"}
    return two_question_quiz(texts=TEXTS, titles=titles, topics=("timing", "metrics"), lesson=lesson,
                             time_limit_minutes=minutes)

modules = list(ModulePage.objects.live().filter(locale__language_code="en", quiz__isnull=False).order_by("path"))
first = modules[0]
following = ModulePage.objects.live().sibling_of(first, inclusive=False).filter(path__gt=first.path).order_by("path").first()
print(json.dumps({"long": make(30), "short": make(20),
                  "module_quiz": first.quiz_id, "next_module": following.url, "lesson": lesson.url}))
"""
)

# Brings an attempt's deadline to `seconds` from now (the quiz's own limit is whole minutes).
DEADLINE = """
from datetime import timedelta
from django.utils import timezone
from quizzes.models import Attempt
Attempt.objects.filter(pk={attempt}).update(deadline=timezone.now() + timedelta(seconds={seconds}))
"""


@pytest.fixture(scope="module")
def seeded(live_stack) -> dict:
    return json.loads(live_stack.manage("shell", "-c", SEED).strip().splitlines()[-1])


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def start(page, quiz: int, language: str) -> int:
    goto(page, f"/{language}/quizzes/{quiz}/")
    click_and_wait(page, page.locator("main form[action*='/start/'] button[type=submit]"))
    return int(re.search(r"/attempts/(\d+)/", page.url).group(1))


def digits(text: str) -> str:
    return text.translate(ARABIC_DIGITS)


def test_summary_autosave_and_the_same_attempt_in_arabic(new_page, seeded):
    page = new_page("en-US")
    sign_up(page, Trainee.new(language="en", name_latin="Rana Aziz", name_arabic="رنا عزيز"))
    goto(page, f"/en/quizzes/{seeded['long']['en']}/")
    assert "a wrong choice takes points away" in page.locator("main li.wrong-choice-rule").inner_text()
    goto(page, f"/ar/quizzes/{seeded['long']['ar']}/")  # the rules page says it in Arabic too
    assert "يُنقص كل اختيار خاطئ من درجتك" in page.locator("main li.wrong-choice-rule").inner_text()
    attempt = start(page, seeded["long"]["en"], "en")

    # The first question: its text in the legend, no Submit on the page, numbers in the navigator.
    legend = page.locator("main fieldset.question legend")
    assert "When is the best time to post?" in legend.inner_text()
    assert page.locator("main form[action*='/submit/'], main button[formaction*='/submit/']").count() == 0
    assert page.locator("aside .quiz-navigator .quiz-number").all_inner_texts() == ["1", "2"]
    timer = page.locator(".quiz-timer .timer")
    assert timer.get_attribute("role") == "timer" and timer.get_attribute("aria-live") == "off"
    assert page.locator(".quiz-timer-news[aria-live=polite]").count() == 1
    assert_ltr_layout(page)
    assert serious_violations(page) == []

    # Picking an answer saves it in the background: nothing clicked but the choice.
    page.get_by_label("When your audience is online").check()
    wait_until(
        lambda: page.locator(".quiz-save-status").inner_text().strip() == "Answer saved.",
        timeout=10,
        what="the background save",
    )
    # The next question gets the focus on its heading.
    save_next = page.locator("main button[name=go][value=next]")
    save_next_colour = save_next.evaluate("b => getComputedStyle(b).backgroundColor")
    click_and_wait(page, save_next)
    assert page.evaluate("document.activeElement.classList.contains('question-heading')")
    assert "2 points" in page.locator("main fieldset.question legend h2").inner_text()
    assert page.locator("main fieldset.question").inner_text().count("A wrong choice takes points away.") == 1

    # Back to the first question from the navigator, then the page's language switch: the same
    # attempt in Arabic, the saved answer kept, the page right to left, Arabic texts.
    click_and_wait(page, page.locator("aside .quiz-navigator button.quiz-number[value='1']"))
    assert "When is the best time to post?" in legend.inner_text()
    switch_language(page, "ar")
    assert re.search(rf"/ar/quizzes/attempts/{attempt}/(\?|$)", page.url), page.url
    assert_rtl_layout(page)
    assert "ما أفضل وقت للنشر؟" in page.locator("main fieldset.question legend").inner_text()
    assert page.get_by_label("حين يكون جمهورك متصلًا").is_checked()
    assert page.locator("aside .quiz-navigator .quiz-number").all_inner_texts() == ["١", "٢"]
    assert page.locator("aside .quiz-navigator li.answered").count() == 1
    shot(page, "ar-quiz-question")
    assert serious_violations(page) == []

    # In Arabic too the next question gets the focus on its heading, and the help text of the
    # several-answers question says once that a wrong choice costs points.
    click_and_wait(page, page.locator("main button[name=go][value=next]"))
    assert page.evaluate("document.activeElement.classList.contains('question-heading')")
    assert page.locator("main fieldset.question").inner_text().count("كل اختيار خاطئ يُنقص من درجتك") == 1
    assert page.locator("main form[action*='/submit/'], main button[formaction*='/submit/']").count() == 0
    # Save and review on the last question: the summary names the one left unanswered.
    click_and_wait(page, page.locator("main .quiz-pager button[name=go][value=summary]"))
    assert "/summary/" in page.url
    assert "السؤال ٢" in page.locator("#unanswered").inner_text()
    assert page.locator("main .quiz-summary-list .badge.bad").count() == 1
    submit = page.locator("main form[action*='/submit/'] button[type=submit]")
    assert submit.count() == 1
    assert submit.evaluate("b => getComputedStyle(b).backgroundColor") != save_next_colour
    shot(page, "ar-quiz-summary")
    assert serious_violations(page) == []
    # Back to the unanswered question from its link, answer it, submit from the summary.
    click_and_wait(page, page.locator("#unanswered a"))
    page.get_by_label("التعليقات").check()
    page.get_by_label("المشاركات").check()
    click_and_wait(page, page.locator("main .quiz-pager button[name=go][value=summary]"))
    assert page.locator("#unanswered").count() == 0
    click_and_wait(page, page.locator("main form[action*='/submit/'] button[type=submit]"))
    assert "/result/" in page.url
    score = page.locator("main .result-score strong").inner_text()
    assert "(١٠٠٪)" in score and "٣ من ٣" in score
    assert serious_violations(page) == []


TIMER = {
    "ar": {
        "clock": r"[٠-٩]{2}:[٠-٩]{2}",
        "five": "بقيت ٥ دقائق.",
        "thirty": "بقيت ٣٠ ثانية.",
        "right": "حين يكون جمهورك متصلًا",
        "expired": ("انتهى الوقت",),
        "score": "١ من ٣",
    },
    "en": {
        "clock": r"[0-9]{2}:[0-9]{2}",
        "five": "5 minutes left.",
        "thirty": "30 seconds left.",
        "right": "When your audience is online",
        "expired": ("Time ran out", "Time is up"),
        "score": "1 of 3",
    },
}


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_answer_on_screen_when_time_runs_out_is_counted_and_said_once(language, new_page, seeded, live_stack):
    words = TIMER[language]
    page = new_page("ar" if language == "ar" else "en-US")
    sign_up(page, Trainee.new(language=language, name_latin="Omar Nasser", name_arabic="عمر ناصر"))
    page.set_viewport_size({"width": 360, "height": 740})  # a phone, once signed in
    attempt = start(page, seeded["short"][language], language)
    box = page.locator(".quiz-timer")
    assert box.evaluate("b => getComputedStyle(b).position") == "sticky"
    timer = page.locator(".quiz-timer .timer")
    assert timer.get_attribute("role") == "timer" and timer.get_attribute("aria-live") == "off"
    assert re.fullmatch(words["clock"], timer.inner_text().strip())
    assert "ending" not in (box.get_attribute("class") or "")
    calm = box.evaluate("b => getComputedStyle(b).backgroundColor")
    assert serious_violations(page) == []

    # Five minutes before the end the polite region says so, and the box changes.
    live_stack.manage("shell", "-c", DEADLINE.format(attempt=attempt, seconds=320))
    goto(page, f"/{language}/quizzes/attempts/{attempt}/?q=1")
    wait_until(
        lambda: page.locator(".quiz-timer-news").inner_text().strip() == words["five"],
        timeout=45,
        what="the 5 minutes notice",
    )
    assert "ending" in box.get_attribute("class") and "last-minute" not in box.get_attribute("class")
    assert box.evaluate("b => getComputedStyle(b).backgroundColor") != calm

    live_stack.manage("shell", "-c", DEADLINE.format(attempt=attempt, seconds=45))
    goto(page, f"/{language}/quizzes/attempts/{attempt}/?q=1")
    assert "last-minute" in box.get_attribute("class")
    wait_until(
        lambda: page.locator(".quiz-timer-news").inner_text().strip() == words["thirty"],
        timeout=25,
        what="the 30 seconds notice",
    )
    phone_shot(page, language, "quiz-timer")
    # The answer is picked and nothing else, and the save its change sends is lost on the way:
    # the timer's own save before the end (at 3 s and at 0) still counts it.
    lost = []

    def lose_the_first_save(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(rf"/quizzes/attempts/{attempt}/$"), lose_the_first_save)
    page.get_by_label(words["right"]).check()
    page.wait_for_url(re.compile(rf"/attempts/{attempt}/result/"), timeout=60_000)
    assert lost, "the change of answer sent no save"
    page.wait_for_load_state("load")
    main = page.locator("main").inner_text()
    assert sum(main.count(said) for said in words["expired"]) == 1, main
    assert words["score"] in page.locator("main .result-score strong").inner_text()
    assert page.locator(".messages .message, main .message.warning").count() == 1
    assert serious_violations(page) == []


def test_a_fail_offers_try_again_and_the_lessons_and_a_pass_the_next_module(new_page, seeded):
    page = new_page("en-US")
    sign_up(page, Trainee.new(language="en", name_latin="Sami Odeh", name_arabic="سامي عودة"))

    # A fail: Try again, and the lesson that teaches the weak topic. The first question wrong,
    # both right answers of the second (2 points): 2 of 3 points, 66.7% shown as 67%.
    failed = start(page, seeded["long"]["en"], "en")
    page.get_by_label("Always at midnight").check()
    click_and_wait(page, page.locator("main button[name=go][value=next]"))
    page.get_by_label("Comments").check()
    page.get_by_label("Shares").check()
    click_and_wait(page, page.locator("main .quiz-pager button[name=go][value=summary]"))
    # The English summary: every question answered, so none is named; Submit is there alone.
    assert "/summary/" in page.url and page.locator("#unanswered").count() == 0
    assert page.locator("main .quiz-summary-list li").count() == 2
    assert page.locator("main .quiz-summary-list .badge.bad").count() == 0
    assert_ltr_layout(page)
    shot(page, "en-quiz-summary")
    click_and_wait(page, page.locator("main form[action*='/submit/'] button[type=submit]"))
    assert "2 of 3 points (67%)" in page.locator("main .result-score strong").inner_text()
    assert page.locator("main .result-score .badge.bad").count() == 1
    assert "inline-size: 67%" in page.locator("main .result-score + .progress > span").get_attribute("style")
    assert page.locator("main .quiz-next-steps form[action*='/start/'] button", has_text="Try again").count() == 1
    weak = page.locator("main .quiz-weak-topics a[href*='/learn/lessons/']")
    assert weak.count() >= 1
    assert serious_violations(page) == []
    click_and_wait(page, weak.first)
    assert page.locator("main article.lesson").count() == 1
    # The same rounding wherever the score shows: My results, and both pages in Arabic (the
    # attempt is of the English quiz: its title stays English).
    goto(page, "/en/quizzes/mine/")
    assert "67%" in page.locator("main tr", has_text="Timing quiz 30").inner_text()
    goto(page, f"/ar/quizzes/attempts/{failed}/result/")
    assert "٢ من ٣" in page.locator("main .result-score strong").inner_text()
    assert "(٦٧٪)" in page.locator("main .result-score strong").inner_text()
    goto(page, "/ar/quizzes/mine/")
    assert "٦٧٪" in page.locator("main tr", has_text="Timing quiz").inner_text()

    # A pass of the course's first module quiz: Next module leads to the second module.
    goto(page, f"/en/quizzes/{seeded['module_quiz']}/")
    click_and_wait(page, page.locator("main form[action*='/start/'] button[type=submit]"))
    for _ in range(30):
        answer_current_question(page)
        following = page.locator("main button[name=go][value=next]")
        if following.count() == 0:
            break
        click_and_wait(page, following)
    click_and_wait(page, page.locator("main .quiz-pager button[name=go][value=summary]"))
    click_and_wait(page, page.locator("main form[action*='/submit/'] button[type=submit]"))
    assert page.locator("main .result-score .badge.ok").count() == 1
    assert "(100%)" in digits(page.locator("main .result-score strong").inner_text())
    shot(page, "en-quiz-result-next-module")
    assert serious_violations(page) == []
    click_and_wait(page, page.locator("main .quiz-next-steps a", has_text="Next module"))
    assert page.url.endswith(seeded["next_module"]), page.url
