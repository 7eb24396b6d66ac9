"""The rules of taking a quiz, as plain functions of what was read: when the next attempt may
start, which questions an attempt draws, and when the full review opens.

No queries here: selectors read, services write, and both call these, so the quiz page that
says "next attempt possible at ..." and the start that refuses one apply the same rule."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.utils import timezone


def percent(part, whole) -> int:
    """The one rounding rule for a score in percent, wherever it is shown or stored: the nearest
    whole number, halves up (2 of 3 is 67%, 1 of 8 is 13%); 0 when there is nothing to score."""
    if not whole:
        return 0
    exact = Decimal(part) * 100 / Decimal(whole)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def points(value) -> Decimal:
    """Points for a reader: at most one decimal, halves up (4.33 reads 4.3, 2.50 reads 2.5, 3.00 reads 3)."""
    rounded = Decimal(value or 0).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return rounded.quantize(Decimal(1)) if rounded == rounded.to_integral_value() else rounded


@dataclass(frozen=True)
class PoolQuestion:
    """A question an attempt may draw. `source` is the translation key of the quiz whose pool
    holds it (the quiz itself, or a module quiz an exam draws from) and `key` its key there:
    together they name the question in every language."""

    id: int
    points: int
    source: UUID
    key: str

    @property
    def name(self) -> tuple[UUID, str]:
        return self.source, self.key


# Retakes ----------------------------------------------------------------------------------


def _ended_at(attempt) -> datetime:
    return attempt.submitted_at or attempt.deadline or attempt.started_at


def pause_ends_at(quiz, attempts, *, now: datetime | None = None) -> datetime | None:
    """When the pause after a run of attempts ends, or None when an attempt may start now.

    Every `quiz.attempts_per_period` attempts in a row are followed by a pause of
    `quiz.cooldown_hours`, counted from the end of the last one; the first attempt after the
    pause starts a new run. Attempts are those of every language of the quiz."""
    run, hours = quiz.attempts_per_period, quiz.cooldown_hours
    if not run or not hours:
        return None
    ends, count = None, 0
    for attempt in sorted(attempts, key=lambda a: a.started_at):
        count += 1
        if count == run:
            ends, count = _ended_at(attempt) + timedelta(hours=hours), 0
    now = now or timezone.now()
    return ends if ends is not None and ends > now else None


# Drawing ----------------------------------------------------------------------------------


def _shares(sizes: dict, count: int, rng) -> dict:
    """Split `count` questions between the pools of `sizes` ({source: pool size}) as evenly as
    their sizes allow; the pools that get one more are chosen at random."""
    shares = dict.fromkeys(sizes, 0)
    left = min(count, sum(sizes.values()))
    while left:
        open_ = [source for source in sizes if shares[source] < sizes[source]]
        each = max(left // len(open_), 1)
        rng.shuffle(open_)
        for source in open_:
            if not left:
                break
            more = min(each, sizes[source] - shares[source], left)
            shares[source] += more
            left -= more
    return shares


def draw(pool: list[PoolQuestion], *, count: int, avoid=frozenset(), shuffle: bool, rng=None) -> list[PoolQuestion]:
    """Return the questions of a new attempt: `count` of `pool` (0 = all), spread evenly across
    the pools it comes from (an exam covers every module), taking in each pool first the
    questions not in `avoid` (the previous attempt's, by name), so a question comes back only
    when its pool has too few others. In the pools' order unless `shuffle`."""
    rng = rng or random.SystemRandom()
    if not count or count >= len(pool):
        chosen = list(pool)
    else:
        by_source: dict = {}
        for question in pool:
            by_source.setdefault(question.source, []).append(question)
        shares = _shares({source: len(questions) for source, questions in by_source.items()}, count, rng)
        picked = set()
        for source, questions in by_source.items():
            fresh = [q for q in questions if q.name not in avoid]
            seen = [q for q in questions if q.name in avoid]
            rng.shuffle(fresh)
            rng.shuffle(seen)
            picked.update(q.id for q in (fresh + seen)[: shares[source]])
        chosen = [q for q in pool if q.id in picked]
    if shuffle:
        rng.shuffle(chosen)
    return chosen


# Review -----------------------------------------------------------------------------------


def full_review_open(quiz, *, passed: bool, attempts_left: int | None) -> bool:
    """Whether a trainee sees the full review of their closed attempts (the choices they made,
    the right answers, the explanations): after every attempt, once passed (or when no attempt
    is left), or only when no attempt is left, as the quiz says. `attempts_left` None means
    unlimited."""
    if quiz.review == quiz.Review.IMMEDIATELY:
        return True
    none_left = attempts_left == 0
    if quiz.review == quiz.Review.AFTER_PASSING:
        return passed or none_left
    return none_left
