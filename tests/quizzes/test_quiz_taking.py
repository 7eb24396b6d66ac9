"""Taking a quiz (issue 15): the summary before submitting, the question page, one rounding rule
for scores, the timer and answers saved as they change, the result's next steps, and an attempt
that goes on in the other language."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Site

from core.templatetags.masar import local_datetime
from courses.models import ModulePage
from quizzes import rules, selectors, services
from quizzes.models import Answer, Attempt, Choice
from quizzes.templatetags.quiz_scores import percent_sign, points_text
from tests.quizzes.factories import right_values, wrong_values

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_X_MASAR_AUTOSAVE": "1"}


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"quizzes:{name}", args=args)


def rows_of(attempt):
    return selectors.attempt_rows(attempt=attempt)


def post_of(row, values, **extra):
    return {"question": [str(row.question_id)], f"q-{row.question_id}": values, "position": row.position, **extra}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(autouse=True)
def language_restored():
    """An Arabic page leaves Arabic active in the thread; the next test expects the default."""
    yield
    translation.deactivate()


@pytest.fixture
def signed_in(client, trainee):
    client.force_login(trainee)
    return client


# One rounding rule ----------------------------------------------------------------------------


def test_a_percent_rounds_to_the_nearest_whole_number_halves_up():
    assert rules.percent(2, 3) == 67  # int() gave 66
    assert rules.percent(1, 3) == 33
    assert rules.percent(1, 8) == 13  # 12.5: half up
    assert rules.percent(Decimal("4.33"), 10) == 43
    assert rules.percent(5, 0) == 0
    assert Attempt(score=2, max_score=3).percent == 67


def test_points_read_with_one_decimal_at_most_and_percent_in_the_pages_sign():
    assert points_text(Decimal("4.33"), "en") == "4.3"
    assert points_text(Decimal("2.50"), "en") == "2.5"
    assert points_text(Decimal("10.00"), "en") == "10"
    assert points_text(Decimal("4.33"), "ar") == "٤٫٣"
    assert percent_sign(67, "en") == "67%"
    assert percent_sign(67, "ar") == "٦٧٪"


@pytest.mark.parametrize("lang, expected", [("en", "(67%)"), ("ar", "(٦٧٪)")])
def test_two_of_three_is_67_percent_on_the_result_and_in_the_certificates_snapshot(
    make_quiz, trainee, signed_in, lang, expected
):
    quiz = make_quiz(lang=lang, kinds=["single", "single", "single"], pass_mark=60)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    rows = rows_of(attempt)
    values = [right_values(rows[0].question), right_values(rows[1].question), wrong_values(rows[2].question)]
    services.answers_save(attempt=attempt, answers={r.question_id: v for r, v in zip(rows, values, strict=True)})
    attempt = services.attempt_submit(attempt=attempt)
    page = signed_in.get(url("result", attempt.pk, lang=lang)).content.decode()
    assert expected in text(page)
    assert "66" not in text(page).replace("٦٦", "66")
    # The best pass a certificate records uses the same rule.
    assert selectors.best_passes(user=trainee, quiz_keys=[quiz.translation_key])[quiz.translation_key].percent == 67
    assert signed_in.get(url("my_results", lang=lang)).content.decode().count(expected.strip("()")) == 1


def test_partial_points_read_without_noise(make_quiz, trainee, signed_in):
    quiz = make_quiz(kinds=["multiple", "single"], review="immediately")
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    rows = rows_of(attempt)
    services.answers_save(attempt=attempt, answers={rows[0].question_id: right_values(rows[0].question)})
    attempt = services.attempt_submit(attempt=attempt)
    Answer.objects.filter(pk=rows[0].pk).update(points=Decimal("0.33"))
    Attempt.objects.filter(pk=attempt.pk).update(score=Decimal("1.33"), max_score=3)
    page = text(signed_in.get(url("result", attempt.pk)).content.decode())
    assert "1.3 of 3 points (44%)" in page
    assert "1.33" not in page and "0.33" not in page


# The question page and the summary ------------------------------------------------------------


def navigator(page: str) -> list[str]:
    return re.findall(r"<li[^>]*>.*?</li>", re.search(r'<ul class="quiz-navigator".*?</ul>', page, re.S).group(0), re.S)


def test_the_navigator_marks_answered_questions_and_the_current_one(make_quiz, trainee, signed_in):
    quiz = make_quiz(kinds=["single", "multiple", "true_false"])
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    rows = rows_of(attempt)
    services.answers_save(attempt=attempt, answers={rows[1].question_id: right_values(rows[1].question)})
    items = navigator(signed_in.get(url("take", attempt.pk) + "?q=3").content.decode())
    assert items == [
        '<li><button type="submit" form="quiz-form" name="go" value="1" class="quiz-number"'
        ' aria-label="Question 1, not answered">1</button></li>',
        '<li class="answered"><button type="submit" form="quiz-form" name="go" value="2" class="quiz-number"'
        ' aria-label="Question 2, answered">2</button></li>',
        '<li><button type="submit" form="quiz-form" name="go" value="3" class="quiz-number" aria-current="step"'
        ' aria-label="Question 3, not answered">3</button></li>',
    ]
    with translation.override("ar"):
        arabic = navigator(signed_in.get(url("take", attempt.pk, lang="ar") + "?q=1").content.decode())
    assert 'value="2"' in arabic[1] and 'aria-label="السؤال ٢، مُجاب عنه">٢</button>' in arabic[1]
    assert 'aria-current="step" aria-label="السؤال ١، لم تُجب عنه بعد">١</button>' in arabic[0]


def test_the_navigator_of_an_exam_paper_links_to_each_question(make_quiz, trainee, signed_in):
    quiz = make_quiz(kinds=["single", "true_false"], exam_paper=True)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    items = navigator(signed_in.get(url("take", attempt.pk)).content.decode())
    assert items == [
        '<li><a href="#question-1" class="quiz-number" aria-label="Question 1, not answered">1</a></li>',
        '<li><a href="#question-2" class="quiz-number" aria-label="Question 2, not answered">2</a></li>',
    ]


def test_the_question_page_has_no_submit_and_its_text_is_in_the_legend(make_quiz, trainee, signed_in):
    quiz = make_quiz(kinds=["single", "multiple"])
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    first, second = rows_of(attempt)
    page = signed_in.get(url("take", attempt.pk) + "?q=1").content.decode()
    assert url("submit", attempt.pk) not in page
    legend = re.search(r"<legend>(.*?)</legend>", page, re.S).group(1)
    assert first.question.text in legend and 'class="question-heading" tabindex="-1"' in legend
    # The navigator reads a number; its name says which question and whether it is answered.
    assert re.search(r'aria-label="Question 1, not answered">1</button>', page)
    assert "Question 1</button>" not in page
    last = signed_in.get(url("take", attempt.pk) + "?q=2").content.decode()
    assert 'name="go" value="summary"' in last and "Save and review" in last
    assert url("submit", attempt.pk) not in last
    # Multiple choice: the penalty said once on the page.
    assert last.count("A wrong choice takes points away.") == 1


def test_save_and_review_leads_to_the_summary_that_names_the_unanswered(make_quiz, trainee, signed_in):
    quiz = make_quiz(kinds=["single", "true_false", "single"])
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    rows = rows_of(attempt)
    response = signed_in.post(url("take", attempt.pk), post_of(rows[0], right_values(rows[0].question), go="summary"))
    assert response.status_code == 302 and response.url == url("summary", attempt.pk)
    page = signed_in.get(response.url).content.decode()
    unanswered = re.search(r'<div class="message warning" id="unanswered">(.*?)</div>', page, re.S).group(1)
    assert "2 questions are not answered yet" in text(unanswered)
    assert '?q=2">Question 2</a>' in unanswered and '?q=3">Question 3</a>' in unanswered
    assert "?q=1" not in unanswered
    assert text(page).count("Not answered") == 2 and "1 of 3 answered" in text(page)
    assert f'action="{url("submit", attempt.pk)}"' in page and "quiz-submit-button" in page
    assert signed_in.post(url("submit", attempt.pk)).url == url("result", attempt.pk)
    assert signed_in.get(url("summary", attempt.pk)).url == url("result", attempt.pk)


def test_the_summary_in_arabic_uses_arabic_plurals(make_quiz, trainee, signed_in):
    quiz = make_quiz(lang="ar", kinds=["single", "single"])
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    page = text(signed_in.get(url("summary", attempt.pk, lang="ar")).content.decode())
    assert "سؤالان لم تُجب عنهما بعد" in page and "سلِّم الاختبار" in page


def test_the_rules_page_says_that_a_wrong_choice_costs_points_when_the_quiz_has_such_questions(make_quiz, signed_in):
    with_multiple = make_quiz(kinds=["single", "multiple"])
    without = make_quiz(kinds=["single", "true_false"])
    rule = "a wrong choice takes points away"
    assert rule in signed_in.get(url("detail", with_multiple.pk)).content.decode()
    assert rule not in signed_in.get(url("detail", without.pk)).content.decode()
    arabic = make_quiz(lang="ar", kinds=["multiple"])
    assert "يُنقص كل اختيار خاطئ" in signed_in.get(url("detail", arabic.pk, lang="ar")).content.decode()


# The timer and answers saved as they change -------------------------------------------------------


def test_the_timer_is_silent_with_a_polite_region_beside_it(make_quiz, trainee, signed_in):
    quiz = make_quiz(kinds=["single"], time_limit_minutes=20)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    page = signed_in.get(url("take", attempt.pk, lang="ar")).content.decode()
    assert 'role="timer" aria-live="off"' in page
    assert 'class="quiz-hidden quiz-timer-news" aria-live="polite"' in page
    assert 'data-say-minutes-10="بقيت ١٠ دقائق."' in page and 'data-say-seconds-30="بقيت ٣٠ ثانية."' in page
    assert "quizzes/answers.js" in page


def test_a_background_save_keeps_the_answer_and_answers_no_content(make_quiz, trainee, signed_in):
    quiz = make_quiz(kinds=["single", "true_false"])
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    row = rows_of(attempt)[1]
    response = signed_in.post(url("take", attempt.pk), post_of(row, ["false"]), **AUTOSAVE)
    assert response.status_code == 204
    assert Answer.objects.get(pk=row.pk).answer_bool is False
    refused = signed_in.post(url("take", attempt.pk), {"question": ["999999"], "q-999999": ["x"]}, **AUTOSAVE)
    assert refused.status_code == 400 and refused["Content-Type"].startswith("text/plain")


def test_after_the_deadline_a_background_save_is_refused_and_the_result_says_it_once(make_quiz, trainee, signed_in):
    quiz = make_quiz(kinds=["single", "true_false"], time_limit_minutes=5)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    row = rows_of(attempt)[1]
    assert signed_in.post(url("take", attempt.pk), post_of(row, ["true"]), **AUTOSAVE).status_code == 204
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    late = signed_in.post(url("take", attempt.pk), post_of(row, ["false"]), **AUTOSAVE)
    assert late.status_code == 409
    response = signed_in.get(url("take", attempt.pk), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == url("result", attempt.pk)
    assert page.count("Time ran out") + page.count("Time is up") == 1
    assert Answer.objects.get(pk=row.pk).answer_bool is True  # the answer saved in time counts


# The result's next steps ----------------------------------------------------------------------


@pytest.fixture
def site(course_tree):
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": course_tree["home"]}
    )
    return course_tree


def test_a_pass_offers_the_next_module_which_leads_there_or_to_the_course(site, make_quiz, trainee, signed_in):
    quiz = site["quiz"]
    second_quiz = make_quiz(kinds=["single"])
    second = site["course"].add_child(instance=ModulePage(title="Module 2", slug="module-2", quiz=second_quiz))
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    services.answers_save(attempt=attempt, answers={r.question_id: right_values(r.question) for r in rows_of(attempt)})
    attempt = services.attempt_submit(attempt=attempt)
    page = signed_in.get(url("result", attempt.pk)).content.decode()
    link = reverse("courses:module_after_quiz", args=[quiz.translation_key])
    assert f'href="{link}"' in page and "Next module" in page
    assert signed_in.get(link).url == second.get_url()
    last = reverse("courses:module_after_quiz", args=[second_quiz.translation_key])
    assert signed_in.get(last).url == site["course"].get_url()
    nowhere = reverse("courses:module_after_quiz", args=["00000000-0000-0000-0000-000000000000"])
    assert signed_in.get(nowhere).url == reverse("courses:my_learning")


def test_a_fail_offers_try_again_or_the_time_it_becomes_possible(make_quiz, trainee, signed_in):
    quiz = make_quiz(kinds=["single"], attempts_per_period=2, cooldown_hours=24)
    first = services.attempt_start(user=trainee, quiz=quiz)
    services.answers_save(attempt=first, answers={r.question_id: wrong_values(r.question) for r in rows_of(first)})
    first = services.attempt_submit(attempt=first)
    page = signed_in.get(url("result", first.pk)).content.decode()
    assert f'action="{url("start", quiz.pk)}"' in page and "Try again" in page
    assert "Next module" not in page
    second = services.attempt_start(user=trainee, quiz=quiz)
    services.answers_save(attempt=second, answers={r.question_id: wrong_values(r.question) for r in rows_of(second)})
    second = services.attempt_submit(attempt=second)
    page = signed_in.get(url("result", second.pk)).content.decode()
    assert f'action="{url("start", quiz.pk)}"' not in page
    overview = selectors.quiz_overview(user=trainee, quiz=quiz)
    with translation.override("en"):
        when = local_datetime(overview.pause_ends)
    assert f"Try again from {when}." in text(page)


def test_a_fail_links_the_lessons_of_the_weak_topics(site, make_quiz, trainee, signed_in):
    quiz = site["quiz"]
    lesson = site["lesson"]
    quiz.questions.filter(key="q1").update(lesson_key=lesson.translation_key, category="pricing")
    quiz.questions.exclude(key="q1").update(category="other")
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    answers = {
        r.question_id: (wrong_values if r.question.key == "q1" else right_values)(r.question) for r in rows_of(attempt)
    }
    services.answers_save(attempt=attempt, answers=answers)
    attempt = services.attempt_submit(attempt=attempt)
    page = signed_in.get(url("result", attempt.pk)).content.decode()
    weak = re.search(r'<ul class="quiz-weak-topics">(.*?)</ul>', page, re.S).group(1)
    assert reverse("courses:lesson_by_key", args=[lesson.translation_key]) in weak
    assert "(0%)" in text(weak) and "other" not in weak


# The same attempt in the other language ---------------------------------------------------------


def test_switching_language_shows_the_same_attempt_translated_with_its_answers(make_quiz, trainee, signed_in):
    english = make_quiz(lang="en", kinds=["single", "true_false"])
    arabic = make_quiz(lang="ar", kinds=["single", "true_false"], translation_key=english.translation_key)
    Choice.objects.filter(question__quiz=arabic).update(text="خيار عربي")
    attempt = services.attempt_start(user=trainee, quiz=english)
    first = rows_of(attempt)[0]
    chosen = right_values(first.question)
    services.answers_save(attempt=attempt, answers={first.question_id: chosen})

    page = signed_in.get(url("take", attempt.pk, lang="ar") + "?q=1").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    # The text's digits in the page's own (Arabic-Indic) style: one digit style on an Arabic page.
    assert "[ar] Question ١ (single)" in page and "[en] Question" not in page
    assert "خيار عربي" in page and "Choice a of 1" not in page
    assert arabic.title in page
    # The stored choice is still the one checked: ids are the attempt's own.
    assert re.search(rf'value="{chosen[0]}" checked', page)
    # Answering on the Arabic page saves to the same attempt; grading uses the stored rows.
    second = rows_of(attempt)[1]
    assert signed_in.post(url("take", attempt.pk, lang="ar"), post_of(second, ["true"])).status_code == 302
    attempt = services.attempt_submit(attempt=attempt)
    assert attempt.percent == 100
    result = signed_in.get(url("result", attempt.pk, lang="ar")).content.decode()
    assert "(١٠٠٪)" in text(result)


def test_the_take_page_in_another_language_costs_a_fixed_number_of_queries(
    make_quiz, trainee, signed_in, django_assert_max_num_queries
):
    kinds = ["single", "multiple", "true_false", "numeric", "ordering"] * 4
    english = make_quiz(lang="en", kinds=kinds)
    make_quiz(lang="ar", kinds=kinds, translation_key=english.translation_key, exam_paper=True)
    english.exam_paper = True
    english.save()
    attempt = services.attempt_start(user=trainee, quiz=english)
    signed_in.get(url("take", attempt.pk, lang="ar"))
    with django_assert_max_num_queries(16):
        page = signed_in.get(url("take", attempt.pk, lang="ar")).content.decode()
    assert page.count("[ar] Question") == len(kinds)
