"""Reads for certificates: who may see and revoke what, and verification (HR's dashboard is hr.selectors)."""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from courses import selectors as course_selectors
from courses.models import CoursePage, Enrollment

from .models import Certificate, code_readable, sees_every_organization

# Codes issued before the readable ones: token_urlsafe, case-sensitive, looked up as they are.
CODE_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")


def code_candidates(value: str) -> list[str]:
    """Return the stored codes `value` may stand for: the readable code it spells (any case,
    dashes or not, I/L for 1, O for 0) and, when it has the shape of an older code, itself."""
    if not value or len(value) > 100:
        return []
    candidates = []
    readable = code_readable(value)
    if readable is not None:
        candidates.append(readable)
    if CODE_RE.fullmatch(value) is not None and value not in candidates:
        candidates.append(value)
    return candidates


def is_code(value: str) -> bool:
    """True if `value` looks like a certificate code; anything else is never sent to the database."""
    return bool(code_candidates(value))


# --- access ----------------------------------------------------------------------------


def certificate_for_viewer(*, user, code: str) -> Certificate | None:
    """Return the certificate with `code` if `user` may open it (owner, HR of the owner's organization, staff)."""
    candidates = code_candidates(code)
    if not candidates:
        return None
    return Certificate.objects.visible_to(user).select_related("user").filter(code__in=candidates).first()


def certificate_can_revoke(*, user, certificate: Certificate) -> bool:
    """Support (`sees_every_organization`), or HR of the holder's organization (not the holder themself)."""
    if not user.is_authenticated:
        return False
    if sees_every_organization(user):
        return True
    return user.is_hr and user.pk != certificate.user_id and user.organization_id == certificate.user.organization_id


def certificate_can_download(*, certificate: Certificate) -> bool:
    return certificate.status == Certificate.Status.READY and bool(certificate.pdf_ar and certificate.pdf_en)


def certificates_of(*, user) -> list[Certificate]:
    return list(Certificate.objects.filter(user=user).order_by("-issued_at"))


# --- the course complete page ------------------------------------------------------


@dataclass(frozen=True)
class CourseFinish:
    """What the "course complete" page shows: the course, the trainee's progress in it and the
    certificate issued for it (None only if it was revoked since)."""

    course: CoursePage
    outline: course_selectors.CourseOutline
    certificate: Certificate | None


def course_finish(*, user, course_id: int) -> CourseFinish | None:
    """Return the course complete page of live course `course_id` for `user`, or None unless
    `user` completed it (someone else's completion is not theirs to see)."""
    if not user.is_authenticated:
        return None
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        return None
    completed = Enrollment.objects.filter(user=user, course_key=course.translation_key, completed_at__isnull=False)
    if not completed.exists():
        return None
    certificate = (
        Certificate.objects.filter(user=user, course_key=course.translation_key)
        .exclude(status=Certificate.Status.REVOKED)
        .order_by("-issued_at")
        .first()
    )
    return CourseFinish(
        course=course, outline=course_selectors.course_outline(course=course, user=user), certificate=certificate
    )


def finish_course_for(*, user, course_key, language: str) -> CoursePage | None:
    """The page, in `language` if it has one, of the completed course `course_key` (the certificate
    page links to its course complete page)."""
    return course_selectors.courses_in_language(course_keys=[course_key], language=language).get(course_key)


# --- verification ----------------------------------------------------------------------


def assessment_public(assessment: dict) -> dict:
    """The assessment as the verification page and its JSON state it: each module quiz passed
    and the final exam, with the score in percent (certificates issued before exams: none)."""
    modules = assessment.get("modules") or []
    return {
        "modules_passed": len(modules),
        "modules": [{"title": m["title"], "score_percent": m["percent"]} for m in modules],
        "exam": (
            {
                "title": assessment["exam"]["title"],
                "score_percent": assessment["exam"]["percent"],
                "pass_mark_percent": assessment["exam"]["pass_mark"],
            }
            if assessment.get("exam")
            else None
        ),
    }


def certificate_verification(*, code: str) -> dict:
    """Return what the public verification page shows for `code`: valid, revoked or unknown.

    Only what is printed on the certificate itself; never an email or an internal id."""
    certificate = None
    candidates = code_candidates(code)
    if candidates:
        certificate = (
            Certificate.objects.filter(
                code__in=candidates, status__in=[Certificate.Status.READY, Certificate.Status.REVOKED]
            )
            .only(
                "code",
                "status",
                "holder_name_latin",
                "holder_name_arabic",
                "course_title_en",
                "course_title_ar",
                "organization_name",
                "completed_on",
                "hours",
                "assessment",
                "revoked_at",
                "revoked_reason",
            )
            .first()
        )
    if certificate is None:
        readable = code_readable(code) if candidates else None
        return {"code": readable or (code if candidates else ""), "status": "unknown"}
    result = {
        "code": certificate.code,
        "status": "revoked" if certificate.status == Certificate.Status.REVOKED else "valid",
        "holder": {"en": certificate.holder_name_latin, "ar": certificate.holder_name_arabic},
        "course": {"en": certificate.course_title_en, "ar": certificate.course_title_ar},
        "completed_on": certificate.completed_on.isoformat(),
        "hours": certificate.hours,
        "assessment": assessment_public(certificate.assessment),
        "organization": certificate.organization_name,
        "issuer": "Masar",
    }
    if certificate.status == Certificate.Status.REVOKED:
        result["revoked_on"] = (
            timezone.localdate(certificate.revoked_at).isoformat() if certificate.revoked_at else None
        )
        result["revoked_reason"] = certificate.revoked_reason
    return result


def certificate_with_credential(*, code: str) -> Certificate | None:
    """The certificate with `code` whose credential is public: ready or revoked (a revoked one still
    has its credential, which the status list marks revoked); None for any other code."""
    candidates = code_candidates(code)
    if not candidates:
        return None
    return (
        Certificate.objects.filter(
            code__in=candidates, status__in=[Certificate.Status.READY, Certificate.Status.REVOKED]
        )
        .order_by("pk")
        .first()
    )


def course_complete_url(*, user, attempt, since=None) -> str:
    """The "course complete" page a passed `attempt` of `user` leads to, or "": the first course
    using its quiz that `user` has completed (at or after `since`, if given)."""
    if attempt is None or not attempt.passed or attempt.user_id != user.pk:
        return ""
    courses = course_selectors.courses_completed_with(user=user, quiz=attempt.quiz, since=since)
    return reverse("certificates:course_complete", args=[courses[0].pk]) if courses else ""
