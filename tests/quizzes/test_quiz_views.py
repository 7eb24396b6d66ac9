"""The quiz pages, as a trainee and a marker uses them, in both languages."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.i18n import arabic_text_digits
from quizzes import selectors, services
from quizzes.models import Answer, Attempt, Choice
from tests.factories import UserFactory
from tests.quizzes.factories import mixed, right_values, wrong_values

pytestmark = pytest.mark.django_db

ARABIC = re.compile("[\u0600-\u06ff]")


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"quizzes:{name}", args=args)


def answer_post(row, values, **extra):
    return {"question": [str(row.question_id)], f"q-{row.question_id}": values, "position": row.position, **extra}


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def strip_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# The whole flow ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_take_a_quiz_from_start_to_result(make_quiz, trainee, client_of, lang):
    english = make_quiz(lang="en", kinds=["single", "multiple", "true_false"], success_text="Well done!")
    arabic = make_quiz(
        lang="ar",
        kinds=["single", "multiple", "true_false"],
        success_text="أحسنت!",
        translation_key=english.translation_key,
    )
    quiz = arabic if lang == "ar" else english
    client = client_of(trainee)

    # The other language's quiz page leads to this language's quiz.
    other = english if lang == "ar" else arabic
    response = client.get(url("detail", other.pk, lang=lang))
    assert response.status_code == 302 and response.url == url("detail", quiz.pk, lang=lang)

    page = client.get(url("detail", quiz.pk, lang=lang))
    assert page.status_code == 200
    assert quiz.title in page.text
    assert bool(ARABIC.search(page.text.split("<main", 1)[1])) == (lang == "ar")

    response = client.post(url("start", quiz.pk, lang=lang))
    attempt = Attempt.objects.get(user=trainee)
    assert response.url == url("take", attempt.pk, lang=lang)

    rows = selectors.attempt_rows(attempt=attempt)
    for row in rows:
        page = client.get(url("take", attempt.pk, lang=lang), {"q": row.position})
        assert page.status_code == 200
        # On an Arabic page the text's digits are the interface's (one digit style on the page).
        shown = arabic_text_digits(row.question.text) if lang == "ar" else row.question.text
        assert shown in page.text
        assert lang != "ar" or row.question.text not in page.text  # "[ar] Question ١ ..." not "1"
        response = client.post(
            url("take", attempt.pk, lang=lang), answer_post(row, right_values(row.question), go="next")
        )
        assert response.status_code == 302
        assert response.url.endswith(f"?q={row.position + 1}")

    response = client.post(url("submit", attempt.pk, lang=lang))
    assert response.url == url("result", attempt.pk, lang=lang)
    result = client.get(response.url)
    assert result.status_code == 200
    assert quiz.success_text in result.text
    for row in rows:
        explanation = arabic_text_digits(row.question.explanation) if lang == "ar" else row.question.explanation
        assert explanation in result.text  # the review comes after submission
    attempt.refresh_from_db()
    assert attempt.passed is True and attempt.score == 3

    mine = client.get(url("my_results", lang=lang))
    assert mine.status_code == 200
    assert url("result", attempt.pk, lang=lang) in mine.text


def test_exam_paper_saves_every_answer_at_once(make_quiz, trainee, client_of):
    quiz = make_quiz(kinds=mixed(8), exam_paper=True)
    client = client_of(trainee)
    client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=trainee)
    page = client.get(url("take", attempt.pk))
    rows = selectors.attempt_rows(attempt=attempt)
    for row in rows:
        assert row.question.text in page.text
    data = {"question": [str(r.question_id) for r in rows]}
    for row in rows:
        data[f"q-{row.question_id}"] = right_values(row.question)
    response = client.post(url("submit", attempt.pk), data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AWAITING_MARKING
    assert attempt.score == 6  # the two essays wait for a marker
    assert Answer.objects.filter(attempt=attempt, answered_at__isnull=False).count() == 8


# Correct answers never reach the browser before submission -------------------------------


def test_take_pages_do_not_reveal_the_answers(make_quiz, trainee, client_of):
    quiz = make_quiz(kinds=["single", "multiple", "true_false", "essay"])
    client = client_of(trainee)
    client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=trainee)

    def pages():
        return [strip_csrf(client.get(url("take", attempt.pk), {"q": p}).text) for p in range(1, 5)]

    before = pages()
    for html in before:
        assert "EXPLANATION-" not in html
        assert "correct" not in html.lower()
    # Flip which choices are right and what the statement is: the pages must not change at all.
    for choice in Choice.objects.filter(question__quiz=quiz):
        choice.correct = not choice.correct
        choice.save()
    for question in quiz.questions.all():
        if hasattr(question, "correct_answer"):
            question.correct_answer = not question.correct_answer
            question.save()
    assert pages() == before


def test_exam_paper_does_not_reveal_the_answers(make_quiz, trainee, client_of):
    quiz = make_quiz(kinds=mixed(8), exam_paper=True)
    client = client_of(trainee)
    client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=trainee)
    before = strip_csrf(client.get(url("take", attempt.pk)).text)
    assert "EXPLANATION-" not in before
    Choice.objects.filter(question__quiz=quiz, key="a").update(correct=False)
    Choice.objects.filter(question__quiz=quiz, key="d").update(correct=True)
    assert strip_csrf(client.get(url("take", attempt.pk)).text) == before
    # A result page of an attempt in progress is not shown: it leads back to the quiz.
    response = client.get(url("result", attempt.pk))
    assert response.status_code == 302 and response.url == url("take", attempt.pk)


def test_feedback_after_each_question(make_quiz, trainee, client_of):
    quiz = make_quiz(kinds=["single", "true_false"], answers_at_end=False)
    client = client_of(trainee)
    client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=trainee)
    first, second = selectors.attempt_rows(attempt=attempt)
    page = client.get(url("take", attempt.pk), {"q": 1})
    assert 'name="go" value="1"' in page.text and "Check my answer" in page.text
    response = client.post(url("take", attempt.pk), answer_post(first, wrong_values(first.question), go="1"))
    assert response.url.endswith("?q=1")
    page = client.get(url("take", attempt.pk), {"q": 1})
    assert first.question.explanation in page.text
    assert "Correct answer" in page.text
    page = client.get(url("take", attempt.pk), {"q": 2})
    assert second.question.explanation not in page.text
    # Changing the answer once it was shown is refused.
    response = client.post(url("take", attempt.pk), answer_post(first, right_values(first.question)))
    assert response.status_code == 409


# Time limit -------------------------------------------------------------------------------


def test_time_limit_is_shown_and_enforced_on_the_server(make_quiz, trainee, client_of):
    quiz = make_quiz(time_limit_minutes=10)
    client = client_of(trainee)
    client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=trainee)
    page = client.get(url("take", attempt.pk))
    assert 'data-seconds-left="' in page.text and "quizzes/timer.js" in page.text

    row = selectors.attempt_rows(attempt=attempt)[0]
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    response = client.post(url("take", attempt.pk, lang="ar"), answer_post(row, right_values(row.question)))
    assert response.status_code == 409
    assert ARABIC.search(response.context["message"])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
    assert Answer.objects.get(pk=row.pk).answered_at is None


def test_opening_an_expired_attempt_closes_it(make_quiz, trainee, client_of):
    quiz = make_quiz(time_limit_minutes=10)
    client = client_of(trainee)
    client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=trainee)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    response = client.get(url("take", attempt.pk))
    assert response.url == url("result", attempt.pk)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED


# Bad input: a clear translated 4xx, never a 500, nothing lost ----------------------------


@pytest.fixture
def started(make_quiz, trainee, client_of):
    quiz = make_quiz(kinds=["single", "multiple", "true_false"])
    other_quiz = make_quiz(kinds=["single"])
    client = client_of(trainee)
    client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=trainee, quiz=quiz)
    rows = selectors.attempt_rows(attempt=attempt)
    client.post(url("take", attempt.pk), answer_post(rows[0], right_values(rows[0].question)))
    return {"client": client, "attempt": attempt, "rows": rows, "other_quiz": other_quiz}


def assert_refused(response, status, *, arabic=True):
    assert response.status_code == status, response.status_code
    if arabic:
        assert ARABIC.search(response.context["message"]), response.context["message"]


def assert_first_answer_kept(started):
    row = started["rows"][0]
    stored = Answer.objects.get(pk=row.pk)
    assert [str(c.pk) for c in stored.selected_choices.all()] == right_values(row.question)


def test_choice_of_another_question_is_refused(started):
    single, multiple = started["rows"][0], started["rows"][1]
    foreign = multiple.question.choices.first().pk
    response = started["client"].post(
        url("take", started["attempt"].pk, lang="ar"), answer_post(single, [str(foreign)])
    )
    assert_refused(response, 400)
    assert_first_answer_kept(started)


@pytest.mark.parametrize("value", ["999999", "abc", ""])
def test_unknown_choice_is_refused(started, value):
    multiple = started["rows"][1]
    data = answer_post(multiple, [str(multiple.question.choices.first().pk), value])
    response = started["client"].post(url("take", started["attempt"].pk, lang="ar"), data)
    if value == "":
        assert response.status_code == 302  # an empty value is "nothing chosen", not an error
    else:
        assert_refused(response, 400)


def test_question_not_in_the_attempt_is_refused(started):
    question = started["other_quiz"].questions.first()
    data = {"question": [str(question.pk)], f"q-{question.pk}": [str(question.choices.first().pk)]}
    response = started["client"].post(url("take", started["attempt"].pk, lang="ar"), data)
    assert_refused(response, 400)
    response = started["client"].post(url("take", started["attempt"].pk, lang="ar"), {"question": ["x"]})
    assert_refused(response, 400)
    assert_first_answer_kept(started)


def test_second_submission_is_harmless(started):
    client, attempt = started["client"], started["attempt"]
    assert client.post(url("submit", attempt.pk)).status_code == 302
    attempt.refresh_from_db()
    response = client.post(url("submit", attempt.pk, lang="ar"))
    assert_refused(response, 409)
    again = Attempt.objects.get(pk=attempt.pk)
    assert (again.score, again.submitted_at, again.status) == (attempt.score, attempt.submitted_at, attempt.status)


def test_answer_after_submission_is_refused(started):
    client, attempt, row = started["client"], started["attempt"], started["rows"][1]
    client.post(url("submit", attempt.pk))
    response = client.post(url("take", attempt.pk, lang="ar"), answer_post(row, right_values(row.question)))
    assert_refused(response, 409)
    assert Answer.objects.get(pk=row.pk).answered_at is None


def test_someone_elses_attempt_is_not_found(started, other_trainee, client):
    attempt, row = started["attempt"], started["rows"][1]
    client.force_login(other_trainee)
    assert client.get(url("take", attempt.pk)).status_code == 404
    assert client.post(url("take", attempt.pk), answer_post(row, right_values(row.question))).status_code == 404
    assert client.post(url("submit", attempt.pk)).status_code == 404
    assert client.get(url("result", attempt.pk)).status_code == 404
    assert Answer.objects.get(pk=row.pk).answered_at is None


def test_the_take_page_reads_the_attempt_and_its_answers_in_one_query(started, trainee, other_trainee):
    attempt = started["attempt"]
    selectors.quiz_by_id(attempt.quiz_id)  # the quiz's content, as a page finds it cached
    with CaptureQueriesContext(connection) as queries:
        read, answers = selectors.attempt_with_answers(user=trainee, pk=attempt.pk)
    # Besides the content version (read once per request, here by the call).
    reads = [q["sql"] for q in queries.captured_queries if "masar_content_version" not in q["sql"]]
    assert len(reads) == 1, reads
    assert read == attempt and read.quiz == attempt.quiz and read.status == Attempt.Status.IN_PROGRESS
    expected = selectors.attempt_answers(attempt=attempt)
    assert [(a.pk, a.position, a.value) for a in answers] == [(a.pk, a.position, a.value) for a in expected]
    assert answers[0].answered and not answers[1].answered
    with pytest.raises(Http404):
        selectors.attempt_with_answers(user=other_trainee, pk=attempt.pk)
    # An attempt left without answers (its questions deleted since) is still found, with none.
    Answer.objects.filter(attempt=attempt).delete()
    assert selectors.attempt_with_answers(user=trainee, pk=attempt.pk) == (attempt, [])
    assert started["client"].get(url("take", attempt.pk)).status_code == 404


def test_starting_a_single_attempt_quiz_again_is_refused(make_quiz, trainee, client_of):
    quiz = make_quiz(single_attempt=True)
    client = client_of(trainee)
    client.post(url("start", quiz.pk))
    client.post(url("submit", Attempt.objects.get(user=trainee).pk))
    response = client.post(url("start", quiz.pk, lang="ar"))
    assert_refused(response, 409)
    assert Attempt.objects.filter(user=trainee).count() == 1
    assert "no attempts left" in client.get(url("detail", quiz.pk)).text


def test_draft_quiz_is_hidden_from_trainees(make_quiz, trainee, client_of):
    quiz = make_quiz(draft=True)
    client = client_of(trainee)
    assert client.get(url("detail", quiz.pk)).status_code == 404
    assert_refused(client.post(url("start", quiz.pk, lang="ar")), 403)
    assert not Attempt.objects.exists()
    editor = UserFactory(is_staff=True)
    client.force_login(editor)
    assert client.get(url("detail", quiz.pk)).status_code == 200
    assert client.post(url("start", quiz.pk)).status_code == 302


def test_odd_requests_get_4xx(started, make_quiz, client):
    client_, attempt = started["client"], started["attempt"]
    assert client_.get(url("start", attempt.quiz_id)).status_code == 405
    assert client_.get(url("take", attempt.pk), {"q": "99"}).status_code == 404
    assert client_.get(url("take", attempt.pk), {"q": "abc"}).status_code == 404
    assert client_.post(url("take", attempt.pk), {"go": "abc"}).status_code == 404
    assert client_.get(url("detail", 999999)).status_code == 404
    assert client_.post(url("start", 999999)).status_code == 404
    assert client_.get(url("result", 999999)).status_code == 404
    client.logout()
    response = client.get(url("take", attempt.pk))
    assert response.status_code == 302 and "login" in response.url


# Marking ----------------------------------------------------------------------------------


def test_marking_flow(make_quiz, trainee, marker, client_of, client):
    quiz = make_quiz(kinds=["essay"], pass_mark=50, success_text="Passed it")
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    row = selectors.attempt_rows(attempt=attempt)[0]
    services.answer_save(attempt=attempt, question_id=row.question_id, values=["My essay about brands"])
    services.attempt_submit(attempt=attempt)

    trainee_client = client_of(trainee)
    assert_refused(trainee_client.get(url("marking_queue", lang="ar")), 403)
    assert_refused(trainee_client.post(url("mark", row.pk, lang="ar"), {"points": "1"}), 403)
    result = trainee_client.get(url("result", attempt.pk))
    assert "Awaiting marking" in result.text

    client.force_login(marker)
    queue = client.get(url("marking_queue"))
    assert queue.status_code == 200 and url("mark", row.pk) in queue.text
    page = client.get(url("mark", row.pk))
    assert "My essay about brands" in page.text and row.question.explanation in page.text
    assert client.post(url("mark", row.pk), {"points": "5"}).status_code == 400
    assert client.post(url("mark", row.pk), {"points": "abc"}).status_code == 400
    assert client.get(url("mark", 999999)).status_code == 404
    response = client.post(url("mark", row.pk), {"points": "1", "comment": "Clear and complete."})
    assert response.status_code == 302
    assert url("mark", row.pk) not in client.get(url("marking_queue")).text

    attempt.refresh_from_db()
    assert attempt.passed is True and attempt.status == Attempt.Status.SUBMITTED
    result = client_of(trainee).get(url("result", attempt.pk))
    assert "Clear and complete." in result.text and "Passed it" in result.text


def test_module_quiz_passed_through_the_pages_completes_the_module(course_tree, trainee, client_of):
    from courses.selectors import course_outline
    from courses.services import lesson_complete

    lesson_complete(user=trainee, lesson=course_tree["lesson"])
    # Read (and cache) the trainee's progress before the quiz: passing it must clear that.
    assert not course_outline(course=course_tree["course"], user=trainee).modules[0].quiz_passed
    client = client_of(trainee)
    quiz = course_tree["quiz"]
    client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=trainee)
    rows = selectors.attempt_rows(attempt=attempt)
    data = {"question": [str(r.question_id) for r in rows]}
    for row in rows:
        data[f"q-{row.question_id}"] = right_values(row.question)
    client.post(url("submit", attempt.pk), data)
    outline = course_outline(course=course_tree["course"], user=trainee)
    assert outline.modules[0].quiz_passed and outline.modules[0].complete and outline.complete


# Query counts do not grow with the quiz ---------------------------------------------------


def flow_queries(make_quiz, client, size: int, *, exam_paper: bool) -> dict[str, int]:
    user = UserFactory()
    client.force_login(user)
    quiz = make_quiz(kinds=mixed(size), exam_paper=exam_paper)
    counts = {}

    def measure(name, call):
        with CaptureQueriesContext(connection) as queries:
            response = call()
        assert response.status_code in (200, 302), (name, response.status_code)
        counts[name] = len(queries)
        return response

    measure("detail", lambda: client.get(url("detail", quiz.pk)))
    measure("start", lambda: client.post(url("start", quiz.pk)))
    attempt = Attempt.objects.get(user=user)
    rows = selectors.attempt_rows(attempt=attempt)
    measure("take", lambda: client.get(url("take", attempt.pk), {"q": 2}))
    if exam_paper:
        data = {"question": [str(r.question_id) for r in rows]}
        for row in rows:
            data[f"q-{row.question_id}"] = right_values(row.question)
        measure("answer", lambda: client.post(url("take", attempt.pk), data))
    else:
        measure(
            "answer", lambda: client.post(url("take", attempt.pk), answer_post(rows[1], right_values(rows[1].question)))
        )
    measure("submit", lambda: client.post(url("submit", attempt.pk)))
    measure("result", lambda: client.get(url("result", attempt.pk)))
    measure("my_results", lambda: client.get(url("my_results")))
    return counts


@pytest.mark.parametrize("exam_paper", [False, True])
def test_query_counts_do_not_grow_with_the_quiz(make_quiz, client, django_assert_max_num_queries, exam_paper):
    small = flow_queries(make_quiz, client, 10, exam_paper=exam_paper)
    user = UserFactory()
    client.force_login(user)
    quiz = make_quiz(kinds=mixed(50), exam_paper=exam_paper)
    client.get(url("detail", quiz.pk))  # as in flow_queries: the signed-in user is cached from here on

    with django_assert_max_num_queries(small["start"]):
        client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=user)
    rows = selectors.attempt_rows(attempt=attempt)
    assert len(rows) == 50
    with django_assert_max_num_queries(small["take"]):
        assert client.get(url("take", attempt.pk), {"q": 2}).status_code == 200
    if exam_paper:
        data = {"question": [str(r.question_id) for r in rows]}
        for row in rows:
            data[f"q-{row.question_id}"] = right_values(row.question)
    else:
        data = answer_post(rows[1], right_values(rows[1].question))
    with django_assert_max_num_queries(small["answer"]):
        assert client.post(url("take", attempt.pk), data).status_code == 302
    with django_assert_max_num_queries(small["submit"]):
        assert client.post(url("submit", attempt.pk)).status_code == 302
    with django_assert_max_num_queries(small["result"]):
        assert client.get(url("result", attempt.pk)).status_code == 200


def test_a_malformed_answer_sent_with_the_submit_is_refused_and_the_attempt_stays_open(started):
    """Found by the fuzz test: an empty question id in the submit's form was a 500."""
    client, attempt = started["client"], started["attempt"]
    for data in ({"question": ""}, {"question": "x"}, {"question": str(started["other_quiz"].pk * 1000)}):
        assert_refused(client.post(url("submit", attempt.pk, lang="ar"), data), 400)
    attempt.refresh_from_db()
    assert attempt.is_open
    assert_first_answer_kept(started)


def test_ids_and_positions_too_large_for_the_database_are_refused(started):
    """Found by the fuzz test: SQLite raised OverflowError (a 500) past 64-bit integers."""
    client, attempt = started["client"], started["attempt"]
    huge = "9" * 30
    response = client.post(url("take", attempt.pk, lang="ar"), {"question": [huge], f"q-{huge}": ["1"]})
    assert_refused(response, 400)
    assert client.get(url("take", attempt.pk), {"q": huge}).status_code == 404
    assert client.post(url("take", attempt.pk), {"go": huge}).status_code == 404
    assert_first_answer_kept(started)


def test_saving_an_answer_reads_the_attempt_once(make_quiz, client):
    """The question page's post finds the trainee's attempt as it locks it, not once before."""
    user = UserFactory()
    client.force_login(user)
    quiz = make_quiz(kinds=mixed(3))
    client.post(url("start", quiz.pk))
    attempt = Attempt.objects.get(user=user)
    rows = selectors.attempt_rows(attempt=attempt)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url("take", attempt.pk), answer_post(rows[0], right_values(rows[0].question)))
    assert response.status_code == 302
    reads = [query["sql"] for query in queries if 'FROM "quizzes_attempt"' in query["sql"]]
    assert len(reads) == 1, reads
    assert Answer.objects.get(pk=rows[0].pk).answered_at is not None
