"""Item analysis for editors (quizzes/statistics.py and its admin pages): the indices on a small
data set computed by hand, the flags, the CSV, who may see it, and a fixed number of queries."""

import csv
import io
import math
import re
import statistics as py_statistics
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from quizzes import statistics
from quizzes.models import Answer, Attempt, Choice, Question
from tests.factories import EditorFactory, HRFactory, UserFactory
from tests.quizzes.factories import mixed, question_add

pytestmark = pytest.mark.django_db

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def record(user, quiz, answers: dict, *, status=Attempt.Status.SUBMITTED) -> Attempt:
    """Write a closed attempt of `user` at `quiz` as the services leave one: one answer row per
    question asked, with its points. `answers`: {question: (points, picked choice keys | True |
    False | None)}; None leaves the question blank."""
    now = timezone.now()
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        quiz_key=quiz.translation_key,
        status=status,
        submitted_at=now,
        score=sum(points for points, _given in answers.values() if points is not None),
        max_score=sum(q.points for q in answers),
    )
    for position, (question, (points, given)) in enumerate(answers.items(), start=1):
        answer = Answer.objects.create(
            attempt=attempt,
            question=question,
            position=position,
            points=points,
            correct=None if points is None else points == question.points,
            answer_bool=given if isinstance(given, bool) else None,
            answered_at=None if given is None else now,
        )
        if isinstance(given, set):
            answer.selected_choices.set(Choice.objects.filter(question=question, key__in=given))
    return attempt


@pytest.fixture
def bilingual(make_quiz):
    """The same quiz in English and Arabic: q1 single choice (a right), q2 true/false (true is
    right), q3 multiple choice worth 2 points (a and b right)."""
    key = uuid.uuid4()
    quizzes = {lang: make_quiz(lang=lang, translation_key=key, kinds=()) for lang in ("en", "ar")}
    for quiz in quizzes.values():
        question_add(quiz, "single", 1)
        question_add(quiz, "true_false", 2)
        question_add(quiz, "multiple", 3, points=2)
    return quizzes


def questions_of(quiz) -> list[Question]:
    return list(quiz.questions.order_by("sort_order"))


@pytest.fixture
def hand_data(bilingual):
    """Four graded attempts, two in each language, that the figures below were computed from:

    attempt  q1 (1 pt)  q2 (1 pt)   q3 (2 pts)      score
    A1 en    a: 1       true: 1     a, b: 2         4
    A2 en    a: 1       false: 0    a: 1            2
    A3 ar    b: 0       true: 1     c: 0            1
    A4 ar    b: 0       false: 0    blank: 0        0

    Also, which must not count: an attempt in progress, one waiting for an essay mark."""
    en1, en2, en3 = questions_of(bilingual["en"])
    ar1, ar2, ar3 = questions_of(bilingual["ar"])
    users = [UserFactory() for _ in range(4)]
    record(users[0], bilingual["en"], {en1: (1, {"a"}), en2: (1, True), en3: (2, {"a", "b"})})
    record(users[1], bilingual["en"], {en1: (1, {"a"}), en2: (0, False), en3: (1, {"a"})})
    record(users[2], bilingual["ar"], {ar1: (0, {"b"}), ar2: (1, True), ar3: (0, {"c"})})
    record(users[3], bilingual["ar"], {ar1: (0, {"b"}), ar2: (0, False), ar3: (0, None)})
    record(users[0], bilingual["en"], {en1: (0, {"d"}), en2: (0, False), en3: (0, {"d"})}, status="in_progress")
    record(users[1], bilingual["en"], {en1: (0, {"d"}), en2: (None, None), en3: (0, {"d"})}, status="awaiting_marking")
    return users


def by_key(analysis) -> dict:
    return {stat.question.key: stat for stat in analysis.questions}


def test_indices_pool_both_languages_and_match_the_hand_computation(bilingual, hand_data):
    analysis = statistics.item_analysis(quiz=bilingual["en"], min_responses=4)
    assert (analysis.attempts, analysis.trainees) == (4, 4)
    assert analysis.mean_score == pytest.approx((4 / 4 + 2 / 4 + 1 / 4 + 0) / 4)
    stats = by_key(analysis)
    assert list(stats) == ["q1", "q2", "q3"]
    assert all(s.responses == 4 for s in stats.values())

    # q1: x = 1, 1, 0, 0; rest of the attempt y = 3, 1, 1, 0 (mean 1.25).
    # Deviations: x ±0.5; y 1.75, -0.25, -0.25, -1.25. Sxy = 1.5, Sxx = 1, Syy = 4.75.
    q1 = stats["q1"]
    assert q1.facility == pytest.approx(0.5)
    assert q1.sd == pytest.approx(math.sqrt(1 / 3))
    assert q1.discrimination == pytest.approx(1.5 / math.sqrt(4.75))  # 0.6882
    # q2: x = 1, 0, 1, 0; y = 3, 2, 0, 0. Sxy = 0.5, Sxx = 1, Syy = 6.75.
    q2 = stats["q2"]
    assert q2.facility == pytest.approx(0.5)
    assert q2.discrimination == pytest.approx(0.5 / math.sqrt(6.75))  # 0.1925
    # q3 (2 points, partial credit): x = 1, 0.5, 0, 0; y = 2, 1, 1, 0. Sxy = 1, Sxx = 0.6875, Syy = 2.
    q3 = stats["q3"]
    assert q3.facility == pytest.approx(0.375)
    assert q3.sd == pytest.approx(math.sqrt(0.6875 / 3))
    assert q3.discrimination == pytest.approx(1 / math.sqrt(1.375))  # 0.8528
    assert q3.blank == 1
    # The same figures from Python's own correlation, as a second opinion.
    assert q3.discrimination == pytest.approx(py_statistics.correlation([1, 0.5, 0, 0], [2, 1, 1, 0]))
    assert (q1.facility_percent, q1.discrimination_percent, q2.discrimination_percent) == (50, 69, 19)


def test_options_are_counted_by_key_across_languages(bilingual, hand_data):
    stats = by_key(statistics.item_analysis(quiz=bilingual["ar"], min_responses=4))
    assert stats["q1"].question.quiz_id == bilingual["ar"].pk  # shown in the quiz's language
    assert [(o.key, o.correct, o.picked) for o in stats["q1"].options] == [
        ("a", True, 2),
        ("b", False, 2),
        ("c", False, 0),
        ("d", False, 0),
    ]
    assert stats["q1"].options[0].share_percent == 50
    assert [(o.key, o.correct, o.picked) for o in stats["q2"].options] == [("true", True, 2), ("false", False, 2)]
    assert [(o.key, o.picked) for o in stats["q3"].options] == [("a", 2), ("b", 1), ("c", 1), ("d", 0)]


def test_flags(bilingual, hand_data):
    stats = by_key(statistics.item_analysis(quiz=bilingual["en"], min_responses=4))
    assert stats["q1"].flags == [statistics.UNCHOSEN_DISTRACTOR]  # c and d: nobody
    assert stats["q2"].flags == [statistics.NOT_DISCRIMINATING]  # 19% < 20%
    assert stats["q3"].flags == [statistics.UNCHOSEN_DISTRACTOR]  # d
    # Four responses are too few to judge by the default rule.
    assert all(not s.flags for s in statistics.item_analysis(quiz=bilingual["en"]).questions)


def test_too_easy_and_too_hard(bilingual):
    q1, q2, q3 = questions_of(bilingual["en"])
    for n in range(statistics.MIN_RESPONSES):
        strong = n % 2 == 0
        record(
            UserFactory(),
            bilingual["en"],
            {
                q1: (1 if n else 0, {"a"} if n else {"b"}),
                q2: (0, False),
                q3: (2 if strong else 0, {"a", "b"} if strong else {"c"}),
            },
        )
    stats = by_key(statistics.item_analysis(quiz=bilingual["en"]))
    assert stats["q1"].facility == pytest.approx(19 / 20)
    assert statistics.TOO_EASY in stats["q1"].flags
    assert stats["q2"].flags[0] == statistics.TOO_HARD  # nobody right: no discrimination to speak of
    assert stats["q2"].discrimination is None and statistics.NOT_DISCRIMINATING not in stats["q2"].flags
    assert stats["q2"].flags == [statistics.TOO_HARD]  # the unchosen option is the right one: no distractor flag
    assert stats["q3"].facility == pytest.approx(0.5)
    assert statistics.UNCHOSEN_DISTRACTOR in stats["q3"].flags and statistics.TOO_EASY not in stats["q3"].flags


def test_first_attempts_only(bilingual, hand_data):
    en1, en2, en3 = questions_of(bilingual["en"])
    # A retake by the trainee of A4, fully right, later than the first.
    record(hand_data[3], bilingual["en"], {en1: (1, {"a"}), en2: (1, True), en3: (2, {"a", "b"})})
    all_attempts = statistics.item_analysis(quiz=bilingual["en"])
    first = statistics.item_analysis(quiz=bilingual["en"], scope=statistics.FIRST_ATTEMPTS)
    assert (all_attempts.attempts, first.attempts) == (5, 4)
    assert by_key(all_attempts)["q1"].facility == pytest.approx(3 / 5)
    assert by_key(first)["q1"].facility == pytest.approx(0.5)
    with pytest.raises(ValueError):
        statistics.item_analysis(quiz=bilingual["en"], scope="best")


def test_a_quiz_without_attempts(bilingual):
    analysis = statistics.item_analysis(quiz=bilingual["en"])
    assert analysis.attempts == 0 and analysis.mean_score is None
    assert [(s.responses, s.facility, s.discrimination, s.flags) for s in analysis.questions] == [
        (0, None, None, [])
    ] * 3


def grow(quiz, *, trainees: int, questions: int):
    """Add questions of every type to `quiz` and `trainees` graded attempts of mixed results."""
    for index, kind in enumerate(mixed(questions), start=10):
        question_add(quiz, kind, index)
    asked = questions_of(quiz)
    for n in range(trainees):
        answers = {}
        for m, question in enumerate(asked):
            right = (n + m) % 3 != 0
            picks = {"a"} if right else {"c"}
            given = picks if question.choice_list else (right if hasattr(question, "correct_answer") else None)
            answers[question] = (question.points if right else 0, given)
        record(UserFactory(), quiz, answers)


def test_a_fixed_number_of_queries_whatever_the_size(bilingual, hand_data, django_assert_num_queries):
    with django_assert_num_queries(statistics.ITEM_ANALYSIS_QUERIES):
        small = statistics.item_analysis(quiz=bilingual["en"])
    grow(bilingual["en"], trainees=30, questions=8)
    with django_assert_num_queries(statistics.ITEM_ANALYSIS_QUERIES):
        large = statistics.item_analysis(quiz=bilingual["en"], scope=statistics.FIRST_ATTEMPTS)
    assert (len(small.questions), len(large.questions)) == (3, 11)
    assert large.attempts == 34


# The admin pages -----------------------------------------------------------------------------


def page_url(quiz, **params):
    url = reverse("quizzes_item_analysis", args=[quiz.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def csv_url(quiz, **params):
    return reverse("quizzes_item_analysis_csv", args=[quiz.pk]) + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )


@pytest.fixture
def editor(db):
    return EditorFactory()


def test_the_editor_sees_the_page_in_english(client, editor, bilingual, hand_data):
    client.force_login(editor)
    response = client.get(page_url(bilingual["en"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.text
    for question in questions_of(bilingual["en"]):
        assert question.text in text
    assert "Facility index" in text and "Discrimination index" in text
    assert "pool the Arabic and English versions" in text
    assert "69%" in text  # q1's discrimination
    assert csv_url(bilingual["en"], attempts="all") in text
    index = client.get(reverse("quizzes_item_analysis_index"), HTTP_ACCEPT_LANGUAGE="en")
    assert index.status_code == 200 and page_url(bilingual["ar"]) in index.text


def test_the_page_in_arabic(client, editor, bilingual, hand_data):
    client.force_login(editor)
    response = client.get(page_url(bilingual["ar"], attempts="first"), HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    text = response.text
    assert 'dir="rtl"' in text
    assert "[ar] Question 1" in text
    assert "مؤشر السهولة" in text and "مؤشر التمييز" in text
    assert "69".translate(ARABIC_INDIC) + "\u066a" in text  # the Arabic percent sign
    assert not re.search(r"[0-9\u0660-\u0669]%", text)  # never the Latin one after a number
    assert "Facility index" not in text  # every string of the page is translated


def test_the_link_on_the_quiz_listing(client, bilingual):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(reverse(bilingual["en"].snippet_viewset.get_url_name("list")), {"locale": "en"})
    assert listing.status_code == 200
    assert page_url(bilingual["en"]) in listing.text


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # a byte order mark: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv(client, editor, bilingual, hand_data):
    q1 = questions_of(bilingual["en"])[0]
    q1.text = '=HYPERLINK("http://evil.example","Click")'
    q1.save()
    Choice.objects.filter(question=q1, key="c").update(text="+SUM(1,2)")
    client.force_login(editor)
    response = client.get(csv_url(bilingual["en"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:8] == [
        "Question key",
        "Question",
        "Type",
        "Responses",
        "Facility index (%)",
        "Standard deviation (%)",
        "Discrimination index (%)",
        "Flags",
    ]
    body = rows[1:]
    assert len(body) == 4 + 2 + 4  # one row per option
    first = body[0]
    assert first[0] == "q1" and first[1] == "'" + q1.text  # no formula runs
    assert first[3:7] == ["4", "50.0", "57.7", "68.8"]
    assert first[8:] == ["a", "Choice a of 1", "yes", "2", "50.0"]
    assert body[2][9] == "'+SUM(1,2)"
    assert body[4][8:11] == ["true", "True", "yes"]


def test_the_csv_in_arabic(client, editor, bilingual, hand_data):
    client.force_login(editor)
    rows = read_csv(client.get(csv_url(bilingual["ar"], attempts="first"), HTTP_ACCEPT_LANGUAGE="ar"))
    assert rows[0][0] == "مفتاح السؤال"
    assert rows[1][1] == "[ar] Question 1 (single)"
    assert rows[5][9] == "صواب"  # the true/false option, in Arabic
    assert rows[1][4] == "50.0"  # Western digits in the CSV, so spreadsheets compute with them


def test_negative_discrimination_stays_a_number_in_the_csv(client, editor, bilingual):
    q1, q2, q3 = questions_of(bilingual["en"])
    # Those who get q1 right do worse on the rest: a negative index, written as a number.
    for n in range(4):
        right = n % 2 == 0
        record(UserFactory(), bilingual["en"], {q1: (1 if right else 0, {"a"}), q2: (0 if right else 1, True)})
    client.force_login(editor)
    rows = read_csv(client.get(csv_url(bilingual["en"])))
    assert rows[1][6] == "-100.0"


@pytest.mark.parametrize("make_user", [HRFactory, UserFactory], ids=["hr", "trainee"])
def test_hr_and_trainees_are_turned_away(client, bilingual, make_user):
    client.force_login(make_user())
    for url in (page_url(bilingual["en"]), csv_url(bilingual["en"]), reverse("quizzes_item_analysis_index")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_access_without_quiz_rights_is_refused(client, bilingual):
    """Someone who may use the Wagtail admin but is neither staff nor may change quizzes (the
    Editors group may change them: interviews/migrations/0007)."""
    user = UserFactory()
    group = Group.objects.create(name="Admin access only")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    for url in (page_url(bilingual["en"]), csv_url(bilingual["en"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, bilingual):
    response = client.get(page_url(bilingual["en"]))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_bad_input_gets_a_translated_4xx(client, editor, bilingual):
    client.force_login(editor)
    response = client.get(page_url(bilingual["en"], attempts="best"), HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 400
    assert "اختر" in response.text
    assert client.get(csv_url(bilingual["en"], attempts="x")).status_code == 400
    # An unknown quiz, an id no database holds: not found (after the language redirect of every 404).
    assert client.get(reverse("quizzes_item_analysis", args=[987654]), follow=True).status_code == 404
    assert client.get(f"/admin/item-analysis/{2**64}/", follow=True).status_code == 404


class QueryCounter:
    """Counts the SQL a request runs (the test client resets `connection.queries` when a request starts)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def queries_of(client, url) -> int:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        assert client.get(url).status_code == 200
    return counter.count


def test_the_page_and_the_csv_make_the_same_queries_whatever_the_size(client, editor, bilingual, hand_data):
    client.force_login(editor)
    urls = [page_url(bilingual["en"]), csv_url(bilingual["en"], attempts="first")]
    client.get(urls[0])  # the session, the admin's first-request work
    small = [queries_of(client, url) for url in urls]
    grow(bilingual["en"], trainees=25, questions=6)
    large = [queries_of(client, url) for url in urls]
    assert large == small
    assert small[1] >= statistics.ITEM_ANALYSIS_QUERIES
