"""Each trainee's own FSRS parameters: fitted by the periodic task from their review log once the
optimiser has enough to learn from, used for their schedule, refitted only after new reviews."""

import random
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from django.conf import settings
from django.core.management import call_command

from interviews import scheduling, selectors, services, tasks
from interviews.models import Card, ReviewLog, SchedulingParameters
from tests.factories import UserFactory
from tests.interviews.factories import forgetful_history, make_question

pytestmark = pytest.mark.django_db


def _first_easy(user, question, now):
    random.seed(20261202)  # py-fsrs fuzzes intervals with `random`: the same draw for both trainees
    return services.card_review(user=user, question=question, rating="easy", now=now)


def test_a_forgetful_trainee_gets_parameters_that_bring_questions_back_sooner(trainee, other_trainee, locales):
    reviews = forgetful_history(trainee, seed=7)
    assert reviews > 500

    assert tasks.parameters_refit() == 1  # the beat task, run in process: the real optimiser

    row = SchedulingParameters.objects.get(user=trainee)
    assert row.review_count == reviews == ReviewLog.objects.filter(card__user=trainee).count()
    assert len(row.parameters) == 21
    fsrs.Scheduler(parameters=row.parameters)  # py-fsrs accepts them as they are stored
    assert row.parameters != list(fsrs.scheduler.DEFAULT_PARAMETERS)
    # This trainee forgets: a first "easy" means less to them than FSRS's default expects.
    assert row.parameters[3] < 0.8 * fsrs.scheduler.DEFAULT_PARAMETERS[3]

    question = make_question("fresh")["en"]
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    fitted = _first_easy(trainee, question, now)
    default = _first_easy(other_trainee, question, now)
    assert fitted.stability == pytest.approx(row.parameters[3])
    assert default.stability == pytest.approx(fsrs.scheduler.DEFAULT_PARAMETERS[3])
    assert fitted.due < default.due


def test_the_fit_is_idempotent_and_waits_for_enough_new_reviews(trainee, settings):
    settings.INTERVIEWS_FSRS_REFIT_AFTER = 20
    forgetful_history(trainee, cards=20, seed=3)
    assert services.parameters_refit() == 1
    first = SchedulingParameters.objects.get(user=trainee)
    assert services.parameters_refit() == 0  # nothing new: nobody is fitted again
    assert SchedulingParameters.objects.get(user=trainee).fitted_at == first.fitted_at

    # 19 new reviews are not enough; the 20th is.
    card = Card.objects.filter(user=trainee).first()
    later = datetime(2026, 8, 1, 9, tzinfo=UTC)
    logs = [
        ReviewLog(card=card, rating=3, reviewed_at=later + timedelta(days=i), state=2, elapsed_days=1)
        for i in range(20)
    ]
    ReviewLog.objects.bulk_create(logs[:19])
    assert services.parameters_refit() == 0
    ReviewLog.objects.bulk_create(logs[19:])
    assert services.parameters_refit() == 1
    assert SchedulingParameters.objects.get(user=trainee).review_count == first.review_count + 20
    assert SchedulingParameters.objects.count() == 1


def _reviews_on_later_days(user, count):
    """`count` cards, each reviewed once and then again three days later."""
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for index in range(count):
        card = Card.objects.create(
            user=user,
            question_key=make_question(f"few-{user.pk}-{index}", languages=("en",))["en"].translation_key,
            category="tools-analytics",
            level="specialist",
            due=start,
        )
        ReviewLog.objects.create(card=card, rating=3, reviewed_at=start, state=0)
        ReviewLog.objects.create(
            card=card, rating=1 + index % 4, reviewed_at=start + timedelta(days=3), state=2, elapsed_days=3
        )


def test_under_the_optimisers_minimum_nothing_is_fitted(trainee, other_trainee, locales):
    _reviews_on_later_days(trainee, scheduling.OPTIMISER_MIN_ITEMS - 1)
    # Same-day repeats teach the optimiser nothing about forgetting: they do not count.
    card = Card.objects.filter(user=trainee).first()
    ReviewLog.objects.bulk_create(
        ReviewLog(card=card, rating=3, reviewed_at=datetime(2026, 3, 5, 10 + i, tzinfo=UTC), state=2) for i in range(10)
    )
    assert services.parameters_refit() == 0
    assert not SchedulingParameters.objects.exists()
    assert selectors.scheduling_parameters(user=trainee) is None

    _reviews_on_later_days(other_trainee, scheduling.OPTIMISER_MIN_ITEMS)
    assert selectors.fit_candidates(limit=10, refit_after=20) == [other_trainee.pk]


def test_each_run_fits_a_bounded_number_of_trainees_never_fitted_first(locales, settings):
    settings.INTERVIEWS_FSRS_FITS_PER_RUN = 2
    trainees = [UserFactory() for _ in range(3)]
    for index, user in enumerate(trainees):
        forgetful_history(user, cards=12, days=60, seed=index)
    assert services.parameters_refit() == 2
    assert services.parameters_refit() == 1
    assert services.parameters_refit() == 0
    assert SchedulingParameters.objects.count() == 3


def test_a_stored_value_py_fsrs_refuses_falls_back_to_the_defaults(trainee, locales):
    SchedulingParameters.objects.create(user=trainee, parameters=[1.0] * 5, fitted_at=datetime.now(UTC), review_count=0)
    question = make_question()["en"]
    card = services.card_review(user=trainee, question=question, rating="easy", now=datetime(2026, 6, 1, tzinfo=UTC))
    assert card.stability == pytest.approx(fsrs.scheduler.DEFAULT_PARAMETERS[3])


def test_fitted_float32_values_at_a_bound_are_clamped_to_what_py_fsrs_accepts():
    at_bounds = list(fsrs.scheduler.UPPER_BOUNDS_PARAMETERS)
    at_bounds[9] = 0.800000011920929  # 0.8 as float32, as fsrs-rs returns it
    with pytest.raises(ValueError):
        fsrs.Scheduler(parameters=at_bounds)
    cleaned = scheduling.parameters_clean(at_bounds)
    fsrs.Scheduler(parameters=cleaned)
    assert cleaned[9] == 0.8
    for bad in ([1.0] * 20, "abc", [float("nan")] * 21):
        with pytest.raises(ValueError):
            scheduling.parameters_clean(bad)


def test_the_beat_runs_the_fit_and_ops_can_run_it_once(trainee):
    assert settings.CELERY_BEAT_SCHEDULE["interviews-parameters-refit"]["task"] == tasks.parameters_refit.name
    forgetful_history(trainee, cards=12, days=60, seed=5)
    call_command("interview_parameters_fit")
    assert SchedulingParameters.objects.filter(user=trainee).exists()
