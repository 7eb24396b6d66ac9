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


# The parts of a STAR answer, as the content files label them in each language.
STAR_LABELS = ("Situation", "Task", "Action", "Result", "الموقف", "المهمة", "الإجراء", "النتيجة")


@register.filter
def answer_paragraphs(text) -> list[dict]:
    """Split a model answer into its paragraphs (one a line), each {"label", "text"}: "label" is
    the STAR part a line opens with ("Situation: ..."), else empty. The template escapes both."""
    paragraphs = []
    for line in str(text or "").replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        label, colon, rest = line.partition(":")
        if colon and label.strip() in STAR_LABELS and rest.strip():
            paragraphs.append({"label": label.strip(), "text": rest.strip()})
        else:
            paragraphs.append({"label": "", "text": line})
    return paragraphs
