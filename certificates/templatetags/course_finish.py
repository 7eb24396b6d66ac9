"""`{% course_complete_url attempt %}`: the "course complete" page a passed attempt leads to.

The quiz result page loads it by name (a link, not an import: quizzes knows nothing of courses
or certificates); it answers "" unless the attempt's quiz belongs to a course its taker has
completed."""

from django import template

from certificates import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def course_complete_url(context, attempt) -> str:
    request = context.get("request")
    return selectors.course_complete_url(user=request.user, attempt=attempt) if request else ""
