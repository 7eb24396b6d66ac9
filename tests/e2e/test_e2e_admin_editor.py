"""The demo editor at work in the Wagtail admin, in Arabic and in English: logs in, writes a
lesson in a module of the language and publishes it, adds a true/false and a numeric question
from a quiz's own edit page (each comes back to the quiz), and opens an interview question and
the listings. On every admin page used, axe-core finds no critical problem and no missing label
or name of a field, button or link. The Arabic run switches the admin to Arabic on the account
page, as an editor would (then back, for the other browser tests)."""

import json
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import click_and_wait, goto, log_in, shot

pytestmark = pytest.mark.e2e

# Axe rules about names and labels: any impact counts, since an editor using a screen reader
# cannot fill in or press what has no name.
NAME_RULES = {"label", "button-name", "link-name", "select-name", "input-button-name", "aria-input-field-name"}

# The module page, quiz and interview question the editor works on, in each language.
FIND = """
import json
from courses.models import ModulePage
from interviews.models import InterviewQuestion
from quizzes.models import Quiz
out = {}
for lang in ("ar", "en"):
    module = ModulePage.objects.filter(locale__language_code=lang).order_by("path").first()
    quiz = Quiz.objects.filter(locale__language_code=lang, questions__isnull=False).order_by("pk").first()
    question = InterviewQuestion.objects.filter(locale__language_code=lang).order_by("pk").first()
    out[lang] = {"module": module.pk, "quiz": quiz.pk, "interview": question.pk}
print(json.dumps(out))
"""

RESET_LANGUAGE = """
from wagtail.users.models import UserProfile
from accounts.models import User
profile = UserProfile.get_for_user(User.objects.get(username="editor"))
profile.preferred_language = ""
profile.save()
"""

WORDS = {
    "ar": {
        "lesson": "قراءة موجز الحملة",
        "paragraph": "يحدد الموجز الجمهور والهدف والرسالة قبل أي منشور.",
        "true_false": "يجب أن يحدد موجز الحملة جمهورها قبل الكتابة",
        "numeric": "نشر الحساب ٢٠ منشورًا وحصل على ٥٠٠ تفاعل. ما متوسط التفاعل لكل منشور؟",
        "published": "نشر",
    },
    "en": {
        "lesson": "Reading a campaign brief",
        "paragraph": "A brief names the audience, the goal and the message before any post.",
        "true_false": "A campaign brief should name its audience before anyone writes",
        "numeric": "An account made 20 posts and got 500 engagements. What is the average per post?",
        "published": "Publish",
    },
}


@pytest.fixture(scope="module")
def targets(live_stack) -> dict:
    return json.loads(live_stack.manage("shell", "-c", FIND).strip().splitlines()[-1])


def problems(page, where: str) -> list[str]:
    results = Axe().run(page)
    return [
        f"{where}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] == "critical" or v["id"] in NAME_RULES
    ]


def footer_action(page, name: str):
    """A button of the edit page's action menu, opening the menu's dropdown when it is folded."""
    button = page.locator(f"footer button[name='{name}']")
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    return button


def save_question(page, quiz_id: int):
    click_and_wait(page, page.locator("footer button[type=submit]").first)
    assert f"/admin/snippets/quizzes/quiz/edit/{quiz_id}/" in page.url, f"saving did not return to the quiz: {page.url}"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_editor_writes_a_lesson_and_quiz_questions(language, new_page, live_stack, targets):
    words, ids = WORDS[language], targets[language]
    page = new_page("en-US")
    log_in(page, language="en", username="editor")
    found = []
    try:
        if language == "ar":
            # The editor switches the admin to Arabic on the account page, and saving works.
            goto(page, "/admin/account/")
            page.select_option("select[name='locale-preferred_language']", "ar")
            click_and_wait(page, page.locator("main form button[type=submit]").first)
            assert "/admin/account/" in page.url
            assert page.evaluate("document.documentElement.lang") == "ar"
            assert page.locator(".messages .success, .messages li.success").count() >= 1
        goto(page, "/admin/")
        assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
        found += problems(page, "dashboard")

        # A new lesson in a module of the language, published at once (no approval workflow).
        goto(page, f"/admin/pages/add/courses/lessonpage/{ids['module']}/")
        title = f"{words['lesson']} {uuid.uuid4().hex[:4]}"
        page.fill("#id_title", title)
        assert page.locator("#id_title").get_attribute("dir") == "auto"
        body = page.locator("[data-contentpath='body']")
        body.locator("button[aria-label], button.c-sf-add-button").first.click()
        rich_text = page.get_by_role("option", name="نص منسق" if language == "ar" else "Rich text")
        if rich_text.count() == 0:
            rich_text = page.locator("button", has_text="نص منسق" if language == "ar" else "Rich text")
        rich_text.first.click()
        editor = body.locator("[role='textbox'][contenteditable='true']").first
        editor.click()
        editor.type(words["paragraph"])
        found += problems(page, "lesson edit")
        shot(page, f"{language}-admin-lesson-edit")
        footer_action(page, "action-publish").click()
        page.wait_for_load_state("load")
        page.wait_for_url("**/admin/pages/**")
        goto(page, f"/admin/pages/{ids['module']}/")
        assert page.locator("main", has_text=title).count() == 1, "the new lesson is not under its module"
        found += problems(page, "page listing")

        # Two questions of two types, from the quiz's own edit page.
        quiz_url = f"/admin/snippets/quizzes/quiz/edit/{ids['quiz']}/"
        goto(page, quiz_url)
        panel = page.locator(
            "#panel-questions-section, [data-panel-id='questions'], section", has=page.locator(".quiz-questions__add")
        ).first
        found += problems(page, "quiz edit")
        before = page.locator("table.quiz-questions tbody tr").count()
        click_and_wait(page, panel.locator("a[href*='/quizzes/true-false/add/']"))
        assert page.locator("input[name='quiz']").first.get_attribute("value") == str(ids["quiz"])
        page.fill("textarea[name='text']", words["true_false"])
        found += problems(page, "question add")
        save_question(page, ids["quiz"])
        click_and_wait(page, page.locator("a[href*='/quizzes/numeric/add/']"))
        page.fill("textarea[name='text']", words["numeric"])
        page.fill("input[name='answer']", "25")
        page.fill("input[name='tolerance']", "0")
        save_question(page, ids["quiz"])
        rows = page.locator("table.quiz-questions tbody tr")
        assert rows.count() == before + 2
        assert words["true_false"][:20] in rows.nth(before).inner_text()
        assert words["numeric"][:20] in rows.nth(before + 1).inner_text()
        shot(page, f"{language}-admin-quiz-questions")
        found += problems(page, "quiz edit with questions")

        # Moving the last question up: the order changes and the page comes back.
        click_and_wait(page, rows.nth(before + 1).locator("button[formaction*='/move/up/']"))
        rows = page.locator("table.quiz-questions tbody tr")
        assert words["numeric"][:20] in rows.nth(before).inner_text()

        # An existing question's edit page, an interview question and the listings.
        click_and_wait(page, rows.nth(before).locator("a[href*='/edit/']"))
        assert page.locator("input[name='key']").first.is_disabled()
        found += problems(page, "question edit")
        goto(page, f"/admin/snippets/interviews/interviewquestion/edit/{ids['interview']}/")
        phrases = page.locator("textarea[name='key_points-0-phrases']")
        assert phrases.get_attribute("dir") == "auto" and "[" not in phrases.input_value()
        found += problems(page, "interview question edit")
        for listing in (
            "/admin/snippets/quizzes/quiz/",
            "/admin/quizzes/single-choice/",
            "/admin/snippets/interviews/interviewquestion/",
        ):
            goto(page, listing)
            found += problems(page, listing)
        if language == "ar":
            assert "False" not in page.locator("main").inner_text()
        assert found == [], "\n".join(found)
    finally:
        live_stack.manage("shell", "-c", RESET_LANGUAGE)
