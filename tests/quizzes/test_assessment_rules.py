"""Quizzes a retake cannot game: the review held back until the trainee passes (or has no attempt
left), a pause after a run of attempts shown in the trainee's language and time zone, and fresh
questions at every attempt."""

import re
import uuid
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import rules, selectors, services
from quizzes.models import Attempt, Quiz
from quizzes.services import QuizError
from tests.quizzes.factories import right_values, wrong_values

ARABIC_DIGIT = re.compile("[٠-٩]")


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"quizzes:{name}", args=args)


def take(user, quiz, *, right: bool):
    """Start, answer every question (all right or all wrong) and submit an attempt."""
    attempt = services.attempt_start(user=user, quiz=quiz)
    rows = selectors.attempt_rows(attempt=attempt)
    pick = right_values if right else wrong_values
    services.answers_save(attempt=attempt, answers={r.question_id: pick(r.question) for r in rows})
    return services.attempt_submit(attempt=attempt)


def module_quiz(make_quiz, **fields):
    """A quiz as the shipped module quizzes are: 4 of 8 asked, review after passing, 3 then 24 hours."""
    rules_ = {"max_questions": 4, "review": Quiz.Review.AFTER_PASSING, "attempts_per_period": 3, "cooldown_hours": 24}
    return make_quiz(kinds=["single"] * 8, **(rules_ | fields))


# The rules alone ----------------------------------------------------------------------------


def attempt_at(hours_ago: float):
    start = timezone.now() - timedelta(hours=hours_ago)
    return SimpleNamespace(started_at=start, submitted_at=start + timedelta(minutes=10), deadline=None)


def test_three_attempts_in_a_row_then_a_pause_of_24_hours_from_the_end_of_the_third():
    quiz = SimpleNamespace(attempts_per_period=3, cooldown_hours=24)
    assert rules.pause_ends_at(quiz, [attempt_at(3), attempt_at(2)]) is None
    three = [attempt_at(3), attempt_at(2), attempt_at(1)]
    ends = rules.pause_ends_at(quiz, three)
    assert ends == three[-1].submitted_at + timedelta(hours=24)
    # Once the pause is over, a new run of three starts.
    old_run = [attempt_at(50), attempt_at(49), attempt_at(48)]
    assert rules.pause_ends_at(quiz, old_run) is None
    assert rules.pause_ends_at(quiz, old_run + [attempt_at(2), attempt_at(1)]) is None
    assert rules.pause_ends_at(quiz, old_run + three) is not None


def test_no_pause_without_both_settings():
    attempts = [attempt_at(3), attempt_at(2), attempt_at(1)]
    assert rules.pause_ends_at(SimpleNamespace(attempts_per_period=0, cooldown_hours=24), attempts) is None
    assert rules.pause_ends_at(SimpleNamespace(attempts_per_period=3, cooldown_hours=0), attempts) is None


@pytest.mark.parametrize(
    "review, passed, left, full",
    [
        ("immediately", False, 2, True),
        ("after_passing", False, 2, False),
        ("after_passing", False, None, False),
        ("after_passing", True, 2, True),
        ("after_passing", False, 0, True),
        ("after_last_attempt", True, 1, False),
        ("after_last_attempt", False, 0, True),
        ("after_last_attempt", True, None, False),
    ],
)
def test_when_the_full_review_opens(review, passed, left, full):
    quiz = SimpleNamespace(review=review, Review=Quiz.Review)
    assert rules.full_review_open(quiz, passed=passed, attempts_left=left) is full


def pool_of(sizes: list[int]) -> list[rules.PoolQuestion]:
    sources = [uuid.UUID(int=n + 1) for n in range(len(sizes))]
    return [
        rules.PoolQuestion(id=n * 100 + i, points=1, source=source, key=f"q{i}")
        for n, (source, size) in enumerate(zip(sources, sizes, strict=True))
        for i in range(size)
    ]


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=6),
    count=st.integers(min_value=0, max_value=40),
    seen_share=st.floats(min_value=0, max_value=1),
    shuffle=st.booleans(),
    seed=st.integers(),
)
def test_a_draw_is_the_right_size_spread_evenly_and_fresh_where_the_pool_allows(
    sizes, count, seen_share, shuffle, seed
):
    import random

    pool = pool_of(sizes)
    rng = random.Random(seed)
    avoid = {q.name for q in pool if rng.random() < seen_share}
    drawn = rules.draw(pool, count=count, avoid=avoid, shuffle=shuffle, rng=rng)
    expected = len(pool) if not count else min(count, len(pool))
    assert len(drawn) == expected
    assert len({q.id for q in drawn}) == expected  # no question twice
    if not shuffle:
        assert [pool.index(q) for q in drawn] == sorted(pool.index(q) for q in drawn)
    # Each pool gives as many as the others, give or take one, unless it has fewer questions.
    per_source = Counter(q.source for q in drawn)
    by_source = Counter(q.source for q in pool)
    smallest_open = min((per_source[s] for s in by_source if per_source[s] < by_source[s]), default=None)
    if smallest_open is not None:
        assert max(per_source.values()) - smallest_open <= 1
    # Within a pool, a question seen last time comes back only when its pool has no fresh one left.
    for source in by_source:
        fresh_left = [q for q in pool if q.source == source and q.name not in avoid and q not in drawn]
        repeated = [q for q in drawn if q.source == source and q.name in avoid]
        assert not (fresh_left and repeated)


# Through the services and pages ----------------------------------------------------------


@pytest.mark.django_db
def test_every_attempt_draws_questions_the_previous_one_did_not_ask_in_any_language(make_quiz, trainee):
    english = module_quiz(make_quiz)
    arabic = module_quiz(make_quiz, lang="ar", translation_key=english.translation_key)
    first = take(trainee, english, right=False)
    second = take(trainee, arabic, right=False)  # the Arabic version: same keys, other rows
    keys = {a.pk: set(a.answers.values_list("question__key", flat=True)) for a in (first, second)}
    assert len(keys[first.pk]) == len(keys[second.pk]) == 4
    assert not keys[first.pk] & keys[second.pk]


@pytest.mark.django_db
def test_a_failed_attempt_shows_the_score_topics_and_missed_questions_but_not_the_answers(
    client, make_quiz, trainee, course_tree
):
    from wagtail.models import Site

    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": course_tree["home"]}
    )
    quiz = module_quiz(make_quiz)
    lesson = course_tree["lesson"]
    quiz.questions.update(lesson_key=lesson.translation_key)
    attempt = take(trainee, quiz, right=False)
    client.force_login(trainee)
    response = client.get(url("result", attempt.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Questions to work on" in page
    assert "open once you pass this quiz" in page
    assert "EXPLANATION-" not in page and "Correct answer" not in page and "Your answer:" not in page
    assert "By topic" in page
    asked = list(attempt.answers.order_by("position").select_related("question"))
    for answer in asked:
        assert answer.question.text in page  # which questions were missed
    link = reverse("courses:lesson_by_key", args=[lesson.translation_key])
    # One link per missed question, and one under "Lessons to read again" for the weak topic.
    assert page.count(f'href="{link}"') == 5
    # The lesson link lands on the lesson.
    assert client.get(link).url == lesson.get_url()


@pytest.mark.django_db
def test_passing_opens_the_full_review_of_every_attempt(client, make_quiz, trainee):
    quiz = module_quiz(make_quiz)
    failed = take(trainee, quiz, right=False)
    take(trainee, quiz, right=True)
    client.force_login(trainee)
    page = client.get(url("result", failed.pk)).content.decode()
    assert "Questions to work on" not in page
    assert "EXPLANATION-" in page and "Correct answer" in page


@pytest.mark.django_db
def test_the_last_allowed_attempt_opens_the_full_review(client, make_quiz, trainee):
    quiz = make_quiz(kinds=["single"] * 4, attempts_allowed=2, review=Quiz.Review.AFTER_LAST_ATTEMPT)
    client.force_login(trainee)
    first = take(trainee, quiz, right=True)  # passing is not enough for this quiz
    assert "EXPLANATION-" not in client.get(url("result", first.pk)).content.decode()
    take(trainee, quiz, right=False)
    assert "EXPLANATION-" in client.get(url("result", first.pk)).content.decode()


@pytest.mark.django_db
def test_after_three_attempts_the_next_waits_24_hours_in_both_languages(client, make_quiz, trainee):
    english = module_quiz(make_quiz)
    arabic = module_quiz(make_quiz, lang="ar", translation_key=english.translation_key)
    take(trainee, english, right=False)
    take(trainee, arabic, right=False)
    third = take(trainee, english, right=False)
    client.force_login(trainee)
    # The quiz page says when, in the trainee's language and time zone, and offers no start.
    client.cookies["tz"] = "Asia/Riyadh"
    page = client.get(url("detail", arabic.pk, lang="ar")).content.decode()
    assert "المحاولة التالية" in page and "(Asia/Riyadh)" in page
    riyadh = timezone.localtime(third.submitted_at + timedelta(hours=24), timezone.get_fixed_timezone(180))
    assert f"{riyadh:%H:%M}".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) in page
    assert url("start", arabic.pk, lang="ar") not in page
    # The server refuses a start anyway, with a translated 409, and opens no attempt.
    response = client.post(url("start", arabic.pk, lang="ar"))
    assert response.status_code == 409
    assert ARABIC_DIGIT.search(response.content.decode())
    assert Attempt.objects.filter(user=trainee).count() == 3
    # A day later the next run starts.
    Attempt.objects.filter(user=trainee).update(
        started_at=timezone.now() - timedelta(hours=25), submitted_at=timezone.now() - timedelta(hours=25)
    )
    response = client.post(url("start", english.pk))
    assert response.status_code == 302
    assert Attempt.objects.filter(user=trainee, status=Attempt.Status.IN_PROGRESS).count() == 1


@pytest.mark.django_db
def test_a_start_during_the_pause_is_refused_by_the_service(make_quiz, trainee):
    quiz = module_quiz(make_quiz, attempts_per_period=1, cooldown_hours=48)
    take(trainee, quiz, right=False)
    with translation.override("en"), pytest.raises(QuizError) as refused:
        services.attempt_start(user=trainee, quiz=quiz)
    assert refused.value.status == 409
    assert "next attempt is possible" in refused.value.message


@pytest.mark.django_db
def test_a_bad_time_zone_cookie_is_ignored(client, make_quiz, trainee):
    quiz = module_quiz(make_quiz, attempts_per_period=1)
    take(trainee, quiz, right=False)
    client.force_login(trainee)
    client.cookies["tz"] = "Mars/Olympus_Mons"
    response = client.get(url("detail", quiz.pk))
    assert response.status_code == 200
    assert "(UTC)" in response.content.decode()


@pytest.mark.django_db
def test_a_quiz_that_shows_answers_after_each_question_cannot_hold_back_its_review(make_quiz):
    from django.core.exceptions import ValidationError

    quiz = make_quiz(answers_at_end=False, review=Quiz.Review.AFTER_PASSING)
    with pytest.raises(ValidationError):
        quiz.full_clean()
    quiz = make_quiz(attempts_per_period=3, cooldown_hours=0)
    with pytest.raises(ValidationError):
        quiz.full_clean()


@pytest.mark.django_db
def test_an_unknown_lesson_key_is_a_404(client):
    assert client.get(reverse("courses:lesson_by_key", args=[uuid.uuid4()])).status_code == 404
