"""The item analysis in a real browser: the editor of the demo opens it in English and in Arabic,
reads the figures, downloads the CSV, and axe finds no critical or serious accessibility problem."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import click_and_wait, download, goto, log_in, read_csv, shot

pytestmark = pytest.mark.e2e

# Graded attempts at the first shipped quiz, half in each language, written straight in the live
# stack's database (the quiz pages are tested elsewhere): trainee n answers question m right when
# (n + m) % 3 != 0 (a right option, or the true statement's value), otherwise a wrong one.
# Prints the two quiz ids.
SEED = """
import json, uuid
from django.utils import timezone
from accounts.models import User
from quizzes.models import Answer, Attempt, Quiz
en = Quiz.objects.filter(locale__language_code="en", questions__isnull=False).order_by("pk").first()
ar = Quiz.objects.get(translation_key=en.translation_key, locale__language_code="ar")
now = timezone.now()
for n in range(24):
    quiz = en if n % 2 else ar
    name = f"e2e-ia-{uuid.uuid4().hex[:8]}"
    user = User.objects.create(username=name, email=f"{name}@example.com", password="!")
    questions = list(quiz.questions.order_by("sort_order", "pk"))
    attempt = Attempt.objects.create(user=user, quiz=quiz, quiz_key=quiz.translation_key,
                                     status="submitted", submitted_at=now, max_score=sum(q.points for q in questions))
    score = 0
    for m, question in enumerate(questions, start=1):
        choices = list(question.choices.all())
        right = (n + m) % 3 != 0
        picked = [c for c in choices if c.correct == right][:1]
        points = question.points if right else 0
        score += points
        truth = getattr(question, "correct_answer", None)  # a true/false statement
        answer = Answer.objects.create(attempt=attempt, question=question, position=m, points=points, correct=right,
                                       answered_at=now, answer_bool=None if truth is None else truth == right)
        answer.selected_choices.set(picked)
    attempt.score = score
    attempt.save(update_fields=["score"])
print(json.dumps({"en": en.pk, "ar": ar.pk}))
"""


@pytest.fixture(scope="module")
def analysed_quiz(live_stack) -> dict:
    return json.loads(live_stack.manage("shell", "-c", SEED).strip().splitlines()[-1])


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def test_the_editor_reads_the_item_analysis_in_english(new_page, analysed_quiz):
    page = new_page("en-US")
    log_in(page, language="en", username="editor")
    goto(page, "/admin/item-analysis/")
    click_and_wait(page, page.locator(f"main a[href='/admin/item-analysis/{analysed_quiz['en']}/']"))
    assert page.evaluate("document.documentElement.dir") == "ltr"
    main = page.locator("main")
    for heading in ("Facility index", "Discrimination index", "Options picked", "Flags"):
        assert main.locator("table thead th", has_text=heading).count() == 1, heading
    assert "pool the Arabic and English versions" in main.inner_text()
    rows = main.locator("table tbody tr")
    assert rows.count() >= 3
    assert "24" in main.locator("dl.item-analysis-summary").inner_text()
    shot(page, "en-admin-item-analysis")
    assert serious_violations(page) == []

    # Each trainee's first attempt: the choice is kept in the address and the form.
    page.locator("input[name=attempts][value=first]").check()
    click_and_wait(page, main.locator("form button[type=submit]"))
    assert "attempts=first" in page.url
    name, data = download(page, main.locator("a[href*='/csv/']"))
    assert name.endswith(".csv") and data.startswith(b"\xef\xbb\xbf")
    table = read_csv(data)
    assert table[0][:3] == ["Question key", "Question", "Type"]
    assert len(table) > rows.count()


def test_the_editor_reads_the_item_analysis_in_arabic(new_page, analysed_quiz):
    page = new_page("ar")
    log_in(page, language="ar", username="editor")
    goto(page, f"/admin/item-analysis/{analysed_quiz['ar']}/")
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.querySelector('main table')).direction") == "rtl"
    main = page.locator("main")
    for heading in ("مؤشر السهولة", "مؤشر التمييز", "الخيارات المختارة", "التنبيهات"):
        assert main.locator("table thead th", has_text=heading).count() == 1, heading
    assert "٢٤" in main.locator("dl.item-analysis-summary").inner_text()  # the admin's Arabic-Indic digits
    # The table runs right to left: the question column is the rightmost.
    first, last = (
        main.locator("table thead th").first.bounding_box(),
        main.locator("table thead th").last.bounding_box(),
    )
    assert first["x"] > last["x"]
    shot(page, "ar-admin-item-analysis")
    assert serious_violations(page) == []
    name, data = download(page, main.locator("a[href*='/csv/']"))
    assert read_csv(data)[0][0] == "مفتاح السؤال"
