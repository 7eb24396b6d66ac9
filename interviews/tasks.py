"""Celery tasks of interview practice: thin wrappers calling one service each."""

from celery import shared_task


@shared_task(name="interviews.tasks.parameters_refit", acks_late=True, soft_time_limit=100, time_limit=150)
def parameters_refit() -> int:
    """Fit the FSRS parameters of the trainees with enough new reviews (a bounded batch per run)."""
    from . import services

    return services.parameters_refit()


@shared_task(name="interviews.tasks.drills_due_emails", acks_late=True, soft_time_limit=600, time_limit=900)
def drills_due_emails() -> int:
    """The weekly email of interview drills due, to each trainee who wants it (beat: Mondays)."""
    from . import services

    return services.drills_due_emails()
