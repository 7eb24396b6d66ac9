"""Extra time in a real browser, in Arabic: HR of Demo Co gives a new trainee ×1.5 from the
dashboard; the trainee opens a 30-minute quiz and sees 45 minutes "extended from 30", and the
timer of the attempt counts down from 45. axe finds no critical or serious problem on either page."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import Trainee, assert_rtl_layout, click_and_wait, goto, log_in, open_course, shot, sign_up

pytestmark = pytest.mark.e2e

# A 30-minute quiz of its own in Arabic (the shipped quizzes stay as other browser tests expect
# them). Prints its id.
SEED = """
import json, uuid
from wagtail.models import Locale
from quizzes.models import Choice, Quiz, SingleChoiceQuestion
quiz = Quiz.objects.create(locale=Locale.objects.get(language_code="ar"), translation_key=uuid.uuid4(),
                           title="اختبار موقوت", pass_mark=50, time_limit_minutes=30)
question = SingleChoiceQuestion.objects.create(quiz=quiz, key="q1", sort_order=1, text="ما أفضل وقت للنشر؟",
                                               explanation="حين يكون جمهورك متصلًا.", points=1)
for n, (key, text, correct) in enumerate([("a", "حين يكون الجمهور متصلًا", True), ("b", "منتصف الليل دائمًا", False)]):
    Choice.objects.create(question=question, key=key, text=text, correct=correct, sort_order=n)
print(json.dumps({"quiz": quiz.pk}))
"""


@pytest.fixture(scope="module")
def timed_quiz(live_stack) -> int:
    return json.loads(live_stack.manage("shell", "-c", SEED).strip().splitlines()[-1])["quiz"]


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def test_hr_gives_extra_time_and_the_trainee_sees_the_extended_limit(new_page, timed_quiz):
    trainee = Trainee.new(language="ar", name_latin="Huda Saleh", name_arabic="هدى صالح")
    learner = new_page("ar")
    sign_up(learner, trainee)
    open_course(learner, "ar")  # enrolled, the trainee is on HR's dashboard
    click_and_wait(learner, learner.locator("main form[action*='/enroll/'] button[type=submit]"))
    goto(learner, f"/ar/quizzes/{timed_quiz}/")
    assert "المدة المحددة: ٣٠ دقيقة." in learner.locator("main li.time-limit").inner_text()

    hr = new_page("ar")
    log_in(hr, language="ar", username="hr")
    goto(hr, "/ar/hr/")
    hr.fill("#id_q", trainee.email)
    click_and_wait(hr, hr.locator("main form.filters button[type=submit]"))
    click_and_wait(hr, hr.locator("main table.members tbody tr a", has_text=trainee.name_arabic))
    assert hr.locator("main h1").inner_text().strip() == trainee.name_arabic
    assert_rtl_layout(hr)
    assert hr.locator("#current-extra-time").inner_text().strip() == "بلا وقت إضافي"
    assert serious_violations(hr) == []
    hr.select_option("#id_extra_time", "1.5")
    hr.fill("#id_reason", "تسهيلات متفق عليها")
    click_and_wait(hr, hr.locator("main form.stacked button[type=submit]"))
    assert hr.locator("#current-extra-time").inner_text().strip() == "×١٫٥ (وقت أطول بنسبة ٥٠٪)"
    log = hr.locator("main table tbody tr")
    assert log.count() == 1 and "تسهيلات متفق عليها" in log.inner_text() and "عمر خالد" in log.inner_text()
    shot(hr, "ar-hr-extra-time")
    assert serious_violations(hr) == []
    goto(hr, "/ar/hr/")
    assert "الوقت الإضافي:" in hr.locator("main table.members tbody").inner_text()

    # The trainee's next page says the extended limit; the attempt's timer runs from 45 minutes.
    goto(learner, f"/ar/quizzes/{timed_quiz}/")
    limit = " ".join(learner.locator("main li.time-limit").inner_text().split())
    assert "المدة المحددة: ٤٥ دقيقة (مُدِّدت من ٣٠)." in limit, limit
    shot(learner, "ar-quiz-extended-time")
    assert serious_violations(learner) == []
    click_and_wait(learner, learner.locator("main form[action*='/start/'] button[type=submit]"))
    seconds = int(learner.locator(".quiz-timer[data-seconds-left]").get_attribute("data-seconds-left"))
    assert 44 * 60 < seconds <= 45 * 60
