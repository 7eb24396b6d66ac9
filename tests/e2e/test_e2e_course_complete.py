"""Finishing a course in a real browser, in English and in Arabic: a trainee of a small course
with a final exam (seeded through the services) sees progress as "1 of 2 lessons · 0 of 3
quizzes", passes the exam, goes from its result to the course complete page, previews the
certificate as it will print, confirms the names on the step that cannot be undone and sees the
certificate, which links back. axe-core finds no serious or critical problem on these pages."""

import json
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import PHONE, RENDER_TIMEOUT_MS, click_and_wait, goto, log_in, norm, phone_shot, shot

pytestmark = pytest.mark.e2e

PASSWORD = "Fin1sh-the-course!"

# A course of 2 modules of 1 lesson, each module with a quiz, and a final exam; a trainee (names
# not confirmed yet) who has done the first lesson. Prints what the test needs.
SEED = """
import json
from accounts.models import User
from courses import services
from courses.models import LessonPage
from tests.courses.journey import course_with_exam
journey = course_with_exam(slug="finish-{tag}")
user = User.objects.create_user(username="finish-{tag}", email="finish-{tag}@example.com", password="{password}",
                                name_latin="Nadia Karim", name_arabic="نادية كريم", preferred_language="{language}")
course = journey["course"]["{language}"]
first = LessonPage.objects.descendant_of(course).live().order_by("path").first()
services.lesson_complete(user=user, lesson=first)
print(json.dumps({{"course": course.pk, "course_url": course.get_url(), "user": user.pk}}))
"""

# The rest of the course through the services: the second lesson, both module quizzes and the
# exam. Prints the exam attempt.
FINISH = """
import json
from accounts.models import User
from courses import services
from courses.models import CoursePage, LessonPage, ModulePage
from tests.courses.journey import take
user = User.objects.get(pk={user})
course = CoursePage.objects.get(pk={course})
for lesson in LessonPage.objects.descendant_of(course).live().order_by("path"):
    services.lesson_complete(user=user, lesson=lesson)
for module in ModulePage.objects.child_of(course).live().order_by("path"):
    take(user, module.quiz)
attempt = take(user, course.final_exam)
print(json.dumps({{"attempt": attempt.pk, "passed": attempt.passed}}))
"""

PROGRESS = {"en": "1 of 2 lessons · 0 of 3 quizzes", "ar": "١ من ٢ درسين · ٠ من ٣ اختبارات"}
TEXT = {
    "en": {"complete": "Course complete", "preview": "Preview", "final": "This cannot be undone"},
    "ar": {"complete": "أتممت الدورة", "preview": "اعرض", "final": "لا يمكن التراجع"},
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


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_trainee_finishes_a_course_and_confirms_the_names_after_a_preview(language, live_stack, new_page):
    tag = uuid.uuid4().hex[:8]
    seeded = last_json(live_stack.manage("shell", "-c", SEED.format(tag=tag, password=PASSWORD, language=language)))
    page = new_page("ar" if language == "ar" else "en-US")
    log_in(page, language=language, username=f"finish-{tag}", password=PASSWORD)
    text = TEXT[language]

    # Progress, in words, the same on the course page and the lesson sidebar.
    goto(page, seeded["course_url"])
    assert PROGRESS[language] in norm(page.locator("main aside").inner_text())
    assert page.locator("main .outline a[href*='/quizzes/']").count() == 2  # the module quizzes are links
    assert serious_violations(page) == []
    shot(page, f"{language}-course-progress")

    # The rest of the course, then the exam's result: it leads to the course complete page.
    finished = last_json(live_stack.manage("shell", "-c", FINISH.format(user=seeded["user"], course=seeded["course"])))
    assert finished["passed"]
    goto(page, f"/{language}/quizzes/attempts/{finished['attempt']}/result/")
    link = page.locator(f"main a[href='/{language}/certificates/courses/{seeded['course']}/complete/']")
    assert link.count() == 1, "the result does not lead to the course complete page"
    click_and_wait(page, link)
    assert norm(page.locator("main h1").inner_text()) == text["complete"]
    assert page.evaluate("document.documentElement.lang") == language
    assert "100" in page.locator("main ul").first.inner_text() or "١٠٠" in page.locator("main ul").first.inner_text()
    assert serious_violations(page) == []
    shot(page, f"{language}-course-complete")

    # The next step: preview the certificate as it will print, then confirm the names.
    click_and_wait(page, page.locator("main a.button[href*='/certificates/']").first)
    assert page.input_value("#id_name_latin") == "Nadia Karim"
    click_and_wait(page, page.locator("main form[action*='/names/'] button[type=submit]").first)
    frames = page.locator("main .certificate-preview iframe")
    assert frames.count() == 2
    previews = page.frame_locator("main .certificate-preview iframe")
    assert norm(previews.nth(0).locator(".name").inner_text()) == "نادية كريم"  # the Arabic certificate
    assert norm(previews.nth(1).locator(".name").inner_text()) == "Nadia Karim"
    assert text["final"] in page.locator("main .certificate-preview").inner_text()
    # The previews load the PDF's fonts (Amiri for the names, Plex for the text), not fallbacks.
    for frame in [f for f in page.frames if f != page.main_frame]:
        statuses = frame.evaluate(
            "Promise.all([...document.fonts].map(f => f.load().then(() => f.family + ' loaded', () => f.family + ' failed')))"
        )
        assert sorted(set(statuses)) == ["Amiri loaded", "Plex Arabic loaded"], statuses
    assert serious_violations(page) == []
    shot(page, f"{language}-certificate-names-preview")
    # On a phone (360 px) the preview and the confirmation fit: no sideways scroll.
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the names preview scrolls sideways at 360 px: {width} px"
    assert page.locator("main form[action*='/names/'] button[name=confirm]").is_visible()
    phone_shot(page, language, "certificate-names-preview")
    page.set_viewport_size(size)
    click_and_wait(page, page.locator("main form[action*='/names/'] button[name=confirm]"))

    # The certificate renders in the worker; its page links back to the course complete page.
    page.locator("main a.button[href$='.pdf']").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    assert (
        "Nadia Karim" in page.locator("main dl").inner_text() and "نادية كريم" in page.locator("main dl").inner_text()
    )
    back = page.locator(f"main a[href='/{language}/certificates/courses/{seeded['course']}/complete/']")
    assert back.count() == 1
    assert serious_violations(page) == []
    shot(page, f"{language}-certificate-ready")
