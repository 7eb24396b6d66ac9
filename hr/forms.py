import datetime
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.models import ExtraTime
from accounts.services import EXTRA_TIME_REASON_MAX
from core import spreadsheet

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


# --- invitations -----------------------------------------------------------------------

# An uploaded list of addresses: at most this many rows (a header row included) and bytes. 10,000
# addresses of 40 characters are about 0.8 MB in UTF-16; the file is read whole into memory.
MAX_UPLOAD_ROWS = 10_000
MAX_UPLOAD_BYTES = 4 * 1024 * 1024
EMAIL_HEADERS = {"email", "e-mail", "email address", "e-mail address", "mail", "البريد", "البريد الإلكتروني"}


def _language_field():
    return forms.ChoiceField(
        label=_("Language of the email"),
        choices=settings.LANGUAGES,
        help_text=_("The invitation is written in this language; the trainee chooses theirs when signing up."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
    language = _language_field()


class InviteUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of email addresses"),
        help_text=_(
            "One address per row, in the first column or in a column headed “email”; at most 10,000 rows. "
            "UTF-8 or UTF-16 (Excel: “CSV UTF-8” or “Unicode text”)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    language = _language_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_upload_%s")  # on the page of InviteForm, whose ids are id_%s
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        try:
            text = spreadsheet.upload_decode(upload.read())
            return spreadsheet.upload_rows(text, max_rows=MAX_UPLOAD_ROWS)
        except spreadsheet.UploadError as error:
            raise forms.ValidationError(str(error)) from error


@dataclass
class AddressList:
    """The addresses of an uploaded file, in order, and what is wrong with the other rows."""

    emails: list[tuple[int, str]] = field(default_factory=list)  # (line, lower-case address)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, cell as typed, message)


def addresses_read(rows: list[tuple[int, list[str]]]) -> AddressList:
    """Read the addresses of `rows` (spreadsheet.upload_rows): a first row without an "@" is a
    header (its "email" column is the one read), each other row gives one address or a problem
    (not an address, a repeat). Cells are text: "=cmd|..." is reported as not an address."""
    result = AddressList()
    column = 0
    if rows and not any("@" in cell for cell in rows[0][1]):
        headers = [cell.strip().lower() for cell in rows[0][1]]
        column = next((i for i, header in enumerate(headers) if header in EMAIL_HEADERS), 0)
        rows = rows[1:]
    seen: dict[str, int] = {}
    for line, cells in rows:
        cell = cells[column].strip() if column < len(cells) else ""
        shown = cell if len(cell) <= 80 else cell[:79] + "…"
        email = cell.lower()
        try:
            if not cell or len(cell) > 254:
                raise ValidationError("invalid")
            validate_email(cell)
        except ValidationError:
            message = _("Not an email address.") if cell else _("No email address in this row.")
            result.problems.append((line, shown, message))
            continue
        if email in seen:
            result.problems.append((line, shown, _("Repeats line %(line)s: invited once.") % {"line": seen[email]}))
            continue
        seen[email] = line
        result.emails.append((line, email))
    return result


# --- assignments -----------------------------------------------------------------------

WHO_ALL = "all"
WHO_CHOSEN = "chosen"


class AssignForm(forms.Form):
    course = forms.ChoiceField(label=_("Course"))
    due_on = forms.DateField(
        label=_("Due date"),
        validators=[date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Reminders go to each trainee 3 days before, and 1 and 7 days after, unless the course is completed."
        ),
    )
    who = forms.ChoiceField(
        label=_("Assign to"),
        choices=[(WHO_ALL, _("Every trainee of the organization")), (WHO_CHOSEN, _("The trainees chosen below"))],
        initial=WHO_ALL,
        widget=forms.RadioSelect,
    )
    members = forms.MultipleChoiceField(label=_("Trainees"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, course_choices=(), member_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", _("Choose a course")), *course_choices]
        self.fields["members"].choices = member_choices
        today = datetime.date.today().isoformat()
        self.fields["due_on"].widget.attrs.update({"min": today, "max": LAST_DATE.isoformat()})

    def clean_due_on(self):
        from django.utils import timezone

        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past: choose today or a later date."))
        return due_on

    def clean(self):
        data = super().clean()
        if data.get("who") == WHO_CHOSEN and not data.get("members"):
            self.add_error("members", _("Choose at least one trainee, or assign to every trainee."))
        return data

    def user_ids(self) -> list[int] | None:
        if self.cleaned_data["who"] == WHO_ALL:
            return None
        return [int(pk) for pk in self.cleaned_data["members"]]
