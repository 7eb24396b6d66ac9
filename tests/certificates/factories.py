"""Certificates straight in the database, for tests that do not need the whole course flow."""

import datetime

from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from courses.models import Enrollment


def issued(user, course, *, completed_at=None, render=False) -> Certificate:
    """Return `user`'s certificate of `course`, issued by the service (and rendered if asked)."""
    enrollment, _created = Enrollment.objects.get_or_create(user=user, course_key=course.translation_key)
    enrollment.completed_at = completed_at or timezone.now() - datetime.timedelta(days=1)
    enrollment.save(update_fields=["completed_at"])
    certificate = services.certificate_issue(user=user, course=course, enrollment=enrollment)
    if render:
        services.certificate_render(certificate_id=certificate.pk)
        certificate.refresh_from_db()
    return certificate
