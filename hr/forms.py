import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ExtraTime
from accounts.services import EXTRA_TIME_REASON_MAX

from .selectors import STATUS_COMPLETED, STATUS_IN_PROGRESS, STATUS_NOT_STARTED, DashboardFilters

# Completions happen between these dates; the weekly chart counts back 12 weeks from the
# end date, which for a year-1 date would fall off the calendar (a 500). Anything outside is a typo.
FIRST_DATE = datetime.date(2000, 1, 1)
LAST_DATE = datetime.date(2099, 12, 31)


def date_in_range(value: datetime.date) -> None:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise forms.ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
        )


class SearchField(forms.CharField):
    """A search box: a NUL character (no keyboard types one, PostgreSQL refuses it) is dropped,
    not an error that would refuse the CSV or the ZIP."""

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "")


class DashboardFilterForm(forms.Form):
    course = forms.ChoiceField(label=_("Course"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            (STATUS_NOT_STARTED, _("Not started")),
            (STATUS_IN_PROGRESS, _("In progress")),
            (STATUS_COMPLETED, _("Completed")),
            ("certificate_pending", _("Certificate being prepared")),
            ("certificate_ready", _("Certificate ready")),
            ("certificate_failed", _("Certificate failed")),
            ("certificate_revoked", _("Certificate revoked")),
        ],
    )
    date_from = forms.DateField(
        label=_("Completed from"),
        required=False,
        validators=[date_in_range],
        widget=forms.DateInput(attrs={"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()}),
    )
    date_to = forms.DateField(
        label=_("Completed until"),
        required=False,
        validators=[date_in_range],
        widget=forms.DateInput(attrs={"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()}),
    )
    q = SearchField(
        label=_("Name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto", "placeholder": _("Name or email")}),
    )

    def __init__(self, *args, course_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", _("All courses")), *course_choices]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> DashboardFilters:
        """The filters to apply: the valid ones only, so a bad field never hides the whole page."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return DashboardFilters(
            course_key=data.get("course") or "",
            status=data.get("status") or "",
            date_from=data.get("date_from") if not self.has_error("__all__") else None,
            date_to=data.get("date_to") if not self.has_error("__all__") else None,
            q=(data.get("q") or "").strip(),
        )


class ExtraTimeForm(forms.Form):
    """HR gives one of their trainees extra time; accounts.services.extra_time_set checks and logs it."""

    extra_time = forms.ChoiceField(
        label=_("Extra time"),
        choices=ExtraTime.choices,
        required=False,
        error_messages={
            "invalid_choice": _("Choose one of the extra time options: none, ×1.25, ×1.5, ×2 or no time limit.")
        },
        help_text=_("For timed quizzes, the final exam and the suggested time of mock interview questions."),
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=EXTRA_TIME_REASON_MAX,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_('Kept in the log below, for example: "agreed accommodation, March 2025".'),
    )
