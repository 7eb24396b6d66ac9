"""The question navigator of the quiz-taking page."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.i18n import localize_digits

register = template.Library()


@register.simple_tag
def quiz_navigator(page):
    """The navigator's items (quizzes/take.html) for the attempt's `page` (`selectors.TakePage`):
    a question at a time, a button per question that saves the answer and goes there; an exam
    paper, a link to each question. Built here, not in the template: a template's nodes cost
    about as much per question as the rest of the page, and a quiz may have fifty."""
    answered, unanswered = gettext("Question %(number)s, answered"), gettext("Question %(number)s, not answered")
    step = mark_safe(' aria-current="step"')
    items = []
    for item in page.outline:
        number = localize_digits(item.position)
        label = (answered if item.answered else unanswered) % {"number": number}
        if page.position:
            link = format_html(
                '<button type="submit" form="quiz-form" name="go" value="{}" class="quiz-number"{} aria-label="{}">{}</button>',
                item.position,
                step if item.position == page.position else "",
                label,
                number,
            )
        else:
            link = format_html(
                '<a href="#question-{}" class="quiz-number" aria-label="{}">{}</a>', item.position, label, number
            )
        items.append(format_html("<li{}>{}</li>", mark_safe(' class="answered"') if item.answered else "", link))
    return mark_safe("\n".join(items))  # each item escaped by format_html
