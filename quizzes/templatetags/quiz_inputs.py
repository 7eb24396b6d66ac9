"""Template filters for the question types' input templates."""

from django import template

register = template.Library()


@register.filter
def input_items(question, value):
    """The items `question`'s input lists for the answer `value` (Question types that list items
    with a state of their own, such as an ordering question's steps and their places)."""
    return question.input_items(value)
