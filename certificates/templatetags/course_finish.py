"""`{% course_complete_url attempt %}`: the "course complete" page a passed attempt leads to.

The quiz result page loads it by name (a link, not an import: quizzes knows nothing of courses
or certificates); it answers "" unless the attempt's quiz belongs to a course its taker has
completed."""

from django import template
from django.urls import reverse

from courses import selectors as course_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def course_complete_url(context, attempt) -> str:
    request = context.get("request")
    if attempt is None or not attempt.passed or request is None or attempt.user_id != request.user.pk:
        return ""
    courses = course_selectors.courses_completed_with(user=request.user, quiz=attempt.quiz)
    return reverse("certificates:course_complete", args=[courses[0].pk]) if courses else ""
