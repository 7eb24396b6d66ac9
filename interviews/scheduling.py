"""FSRS for interview practice, without the database: the scheduler a trainee's reviews go
through, fitting a trainee's own parameters from their review log, and "comes back in 3 days".

Two libraries, one model. py-fsrs (`fsrs`) schedules; its optimiser needs torch, which Masar
does not install, so parameters are fitted by fsrs-rs-python (the Rust optimiser Anki uses,
a wheel with no Python dependency). Both implement FSRS-6: 21 parameters in the same order,
the same defaults and the same bounds. fsrs-rs computes in float32, so a fitted value at a
bound can come back a hair outside py-fsrs's float64 bound (0.8 as 0.800000011920929), which
py-fsrs refuses: `parameters_clean` rounds and clamps to py-fsrs's bounds, and is the only way
fitted parameters reach a Scheduler."""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache

import fsrs
import fsrs_rs_python
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from core.i18n import localize_digits

PARAMETER_COUNT = len(fsrs.scheduler.DEFAULT_PARAMETERS)  # 21: FSRS-6

# fsrs-rs's compute_parameters returns its default parameters when fewer than 8 reviews are
# left to learn from (a review of a card on a later day than its previous one; the first
# review of a card and same-day repeats only seed it); from 8 to 63 it fits only the four
# initial stabilities, from 64 all 21. Below 8 there is nothing to fit.
OPTIMISER_MIN_ITEMS = 8

if len(fsrs_rs_python.DEFAULT_PARAMETERS) != PARAMETER_COUNT:  # pragma: no cover - a wrong pin
    raise ImportError("fsrs-rs-python and fsrs disagree on the number of FSRS parameters; pin matching versions.")


def parameters_clean(values: Sequence[float]) -> tuple[float, ...]:
    """Return `values` as parameters py-fsrs accepts: 21 floats, rounded, inside its bounds.

    Raise ValueError when `values` is not a list of 21 numbers."""
    if isinstance(values, (str, bytes)) or len(values) != PARAMETER_COUNT:
        raise ValueError(f"Expected {PARAMETER_COUNT} FSRS parameters.")
    cleaned = []
    for value, low, high in zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True):
        number = float(value)
        if number != number:  # NaN
            raise ValueError("An FSRS parameter is not a number.")
        cleaned.append(min(max(round(number, 6), low), high))
    return tuple(cleaned)


@lru_cache(maxsize=256)
def _scheduler(parameters: tuple[float, ...] | None) -> fsrs.Scheduler:
    return fsrs.Scheduler() if parameters is None else fsrs.Scheduler(parameters=parameters)


def scheduler_for(parameters: Sequence[float] | None) -> fsrs.Scheduler:
    """Return the scheduler for a trainee's fitted parameters, or FSRS's defaults for None
    (or for a stored value py-fsrs would refuse, so a bad row never stops a review)."""
    if parameters is None:
        return _scheduler(None)
    try:
        return _scheduler(parameters_clean(parameters))
    except (TypeError, ValueError):
        return _scheduler(None)


def _day(moment: datetime) -> date:
    # The site's time zone, not the reader's: the logged elapsed days and the optimiser's
    # must agree whoever's request wrote the log.
    return timezone.localdate(moment, timezone.get_default_timezone())


def optimiser_items(reviews: Iterable[tuple[int, datetime, int]]) -> list:
    """Turn (card id, reviewed at, rating) rows, ordered by card then time, into the optimiser's
    items: for each review of a card after its first, the card's history up to that review,
    each review with the days since the previous one (calendar days in the site's time zone,
    as Anki counts them). Items with no review on a later day are left out: they teach the
    optimiser nothing about forgetting and it refuses them."""
    items = []
    card_id, history, previous = None, [], None
    for card, reviewed_at, rating in reviews:
        if card != card_id:
            card_id, history, previous = card, [], None
        days = 0 if previous is None else days_between(previous, reviewed_at)
        history.append(fsrs_rs_python.FSRSReview(int(rating), days))
        previous = reviewed_at
        if len(history) > 1:
            item = fsrs_rs_python.FSRSItem(list(history))
            if item.long_term_review_cnt() > 0:
                items.append(item)
    return items


def parameters_fit(reviews: Iterable[tuple[int, datetime, int]]) -> tuple[float, ...] | None:
    """Fit FSRS-6 parameters to one trainee's reviews; None when the optimiser has too little
    to learn from (fewer than OPTIMISER_MIN_ITEMS items)."""
    items = optimiser_items(reviews)
    if len(items) < OPTIMISER_MIN_ITEMS:
        return None
    fitted = fsrs_rs_python.FSRS(fsrs_rs_python.DEFAULT_PARAMETERS).compute_parameters(items)
    return parameters_clean(fitted)


# "Comes back in ..." -------------------------------------------------------------------


def comes_back_in(due: datetime, now: datetime) -> str:
    """Return how long until `due`, in the active language ("in 3 days", "بعد ٣ أيام")."""
    seconds = max(0, (due.astimezone(UTC) - now.astimezone(UTC)).total_seconds())
    minutes = round(seconds / 60)
    if minutes < 1:
        return _("in under a minute")
    if minutes < 60:
        count, text = minutes, ngettext("in %(count)s minute", "in %(count)s minutes", minutes)
    elif minutes < 24 * 60:
        hours = round(minutes / 60)
        count, text = hours, ngettext("in %(count)s hour", "in %(count)s hours", hours)
    elif seconds < 60 * 86400:
        days = round(seconds / 86400)
        count, text = days, ngettext("in %(count)s day", "in %(count)s days", days)
    elif seconds < 365 * 86400:
        months = round(seconds / (30 * 86400))
        count, text = months, ngettext("in %(count)s month", "in %(count)s months", months)
    else:
        years = round(seconds / (365 * 86400))
        count, text = years, ngettext("in %(count)s year", "in %(count)s years", years)
    return text % {"count": localize_digits(count)}


def days_between(earlier: datetime, later: datetime) -> int:
    """Calendar days from `earlier` to `later` in the site's time zone (0 on the same day)."""
    return max(0, (_day(later) - _day(earlier)).days)
