from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from core.keys import KeyedFormMixin

from .models import InterviewQuestion

NO_PHRASE = _("Enter at least one word or phrase, one per line.")


class InterviewQuestionAdminForm(KeyedFormMixin, WagtailAdminModelForm):
    """The Wagtail form of an interview question: a new question's key comes from its prompt (in
    English) or is random, each new key point's from its text; saved keys are read-only. Phrases
    are typed one per line (interviews.widgets.PhraseListWidget)."""

    key_source = "prompt"
    key_prefix = "question"
    child_keys = {"key_points": ("text", "slug")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form in self.formsets["key_points"].forms:
            form.fields["phrases"].error_messages["required"] = NO_PHRASE

    def keys_taken(self) -> set:
        return set(InterviewQuestion.objects.values_list("key", flat=True))
