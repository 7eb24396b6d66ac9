"""The receivers of the certificates app: a course completed issues its certificate, a completion
withdrawn withdraws it, each in the sender's transaction (courses.events). One line each."""

from courses import events as course_events
from quizzes import events as quiz_events

from . import selectors, services


def course_completed(user, course, enrollment, **kwargs) -> None:
    services.certificate_issue(user=user, course=course, enrollment=enrollment)


def course_completion_withdrawn(user, course_key, **kwargs) -> None:
    services.certificate_withdraw(user=user, course_key=course_key)


def attempt_landing(attempt, **kwargs) -> str:
    """An attempt that has just completed a course lands on its "course complete" page."""
    return selectors.course_complete_url(user=attempt.user, attempt=attempt, since=attempt.started_at)


def connect() -> None:
    """Called once from CertificatesConfig.ready()."""
    course_events.course_completed.connect(course_completed, dispatch_uid="certificates.course_completed")
    course_events.course_completion_withdrawn.connect(
        course_completion_withdrawn, dispatch_uid="certificates.course_completion_withdrawn"
    )
    quiz_events.attempt_landing.connect(attempt_landing, dispatch_uid="certificates.attempt_landing")
