from django import template

from core.i18n import localize_digits

register = template.Library()


@register.filter
def duration(seconds):
    """Return seconds as m:ss, with Arabic-Indic digits in Arabic."""
    if seconds is None or seconds == "":
        return "–"
    minutes, rest = divmod(int(seconds), 60)
    return localize_digits(f"{minutes}:{rest:02d}")
