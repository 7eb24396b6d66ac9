from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from core.keys import KeyedFormMixin

from .models import Question


class MarkForm(forms.Form):
    """A marker's points and comment for one written answer."""

    points = forms.DecimalField(label=_("Points"), min_value=0, max_digits=6, decimal_places=2)
    comment = forms.CharField(
        label=_("Comment for the trainee"),
        required=False,
        widget=forms.Textarea(attrs={"dir": "auto"}),
        max_length=5000,
    )

    def __init__(self, data=None, *, question, answer=None, **kwargs):
        if answer is not None and answer.points is not None:
            kwargs.setdefault("initial", {"points": answer.points, "comment": answer.marker_comment})
        super().__init__(data, **kwargs)
        field = self.fields["points"]
        field.max_value = question.points
        field.validators.append(MaxValueValidator(question.points))
        field.widget.attrs.update({"max": question.points, "step": "0.25"})
        field.help_text = _("From 0 to %(max)d.") % {"max": question.points}


class QuestionAdminForm(KeyedFormMixin, WagtailAdminModelForm):
    """The Wagtail form of every question type: a new question's key comes from its text (unique
    in its quiz), each new choice is named by the next free letter; saved keys are read-only."""

    key_source = "text"
    key_prefix = "question"
    child_keys = {"choices": ("text", "letter")}

    def keys_taken(self) -> set:
        quiz = self.cleaned_data.get("quiz")
        if quiz is None:
            return set()
        return set(Question.objects.non_polymorphic().filter(quiz=quiz).values_list("key", flat=True))
