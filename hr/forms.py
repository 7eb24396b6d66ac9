import datetime
import re
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import ExtraTime, User
from accounts.services import EXTRA_TIME_REASON_MAX
from core import spreadsheet
from core.i18n import localize_digits

from . import selectors
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
WHO_EMAILS = "emails"
PICKER_PAGE_SIZE = 25  # trainees per page of the member picker
MAX_CHOSEN = 10_000  # ids a chosen list may carry (an organization of more assigns to every trainee)
MAX_PASTED_LINES = 10_000
_SEPARATORS = re.compile(r"[\s,;]+")


def ids_parse(value: str) -> set[int]:
    """The ids of a comma-separated list as the picker carries it; anything not a positive id is left out."""
    ids = set()
    for part in (value or "").split(",")[: MAX_CHOSEN + 1]:
        part = part.strip()
        if part.isascii() and part.isdigit() and 0 < len(part) <= 18:
            ids.add(int(part))
    return ids


def chosen_ids(data) -> set[int]:
    """The trainees chosen in the member picker: those carried from other pages (`selected`, less
    the ones of the page on screen, `shown`) and those ticked on the page on screen (`members`)."""
    carried = ids_parse(data.get("selected", "")) - ids_parse(data.get("shown", ""))
    ticked = ids_parse(",".join(data.getlist("members"))) if hasattr(data, "getlist") else set()
    return carried | ticked


@dataclass
class PastedProblem:
    line: int
    text: str  # the line's cell as typed, cut to 80 characters
    message: str


def emails_read(text: str, *, organization_id: int) -> tuple[set[int], list[PastedProblem]]:
    """The organization's trainees named by a pasted list of addresses (one or more a line,
    separated by spaces, commas or semicolons), and a problem for each address that names none:
    not an address, no account, an account of another organization or not a trainee's. Two
    queries per 500 addresses."""
    problems: list[PastedProblem] = []
    found: list[tuple[int, str, str]] = []  # (line, as typed, lower-case)
    for line, row in enumerate(text.splitlines()[:MAX_PASTED_LINES], start=1):
        for cell in _SEPARATORS.split(row.strip()):
            if not cell:
                continue
            shown = cell if len(cell) <= 80 else cell[:79] + "…"
            try:
                if len(cell) > 254:
                    raise ValidationError("invalid")
                validate_email(cell)
            except ValidationError:
                problems.append(PastedProblem(line, shown, _("Not an email address.")))
                continue
            found.append((line, shown, cell.lower()))
    accounts = selectors.accounts_by_email(emails=[email for _line, _shown, email in found])
    ids = set()
    for line, shown, email in found:
        account = accounts.get(email)
        if account is None:
            problems.append(
                PastedProblem(line, shown, _("No Masar account has this address. Invite the person first."))
            )
        elif account[1] != organization_id:
            problems.append(PastedProblem(line, shown, _("Not a member of your organization.")))
        elif account[2] != User.Role.TRAINEE:
            problems.append(PastedProblem(line, shown, _("Not a trainee: courses are assigned to trainees.")))
        else:
            ids.add(account[0])
    problems.sort(key=lambda problem: problem.line)
    return ids, problems


class AssignForm(forms.Form):
    """Assign a course with a due date to every trainee, to trainees chosen in the member picker
    (searched and paged on the server, so it works without JavaScript at any size), or to the
    trainees whose addresses are pasted. Bad addresses are reported by line and nothing is assigned."""

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
        choices=[
            (WHO_ALL, _("Every trainee of the organization")),
            (WHO_CHOSEN, _("The trainees chosen below")),
            (WHO_EMAILS, _("The trainees whose email addresses are pasted below")),
        ],
        initial=WHO_ALL,
        widget=forms.RadioSelect,
    )
    emails = forms.CharField(
        label=_("Email addresses"),
        required=False,
        max_length=MAX_PASTED_LINES * 80,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "ltr", "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("One address per line (or separated by commas); at most 10,000 lines."),
    )

    def __init__(self, *args, course_choices=(), organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id = organization_id
        self.fields["course"].choices = [("", _("Choose a course")), *course_choices]
        self.fields["due_on"].widget.attrs.update(
            {"min": selectors.site_today().isoformat(), "max": LAST_DATE.isoformat()}
        )
        self.problems: list[PastedProblem] = []
        self._ids: set[int] = set()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < selectors.site_today():
            raise forms.ValidationError(_("The due date is in the past: choose today or a later date."))
        return due_on

    def clean(self):
        data = super().clean()
        who = data.get("who")
        if who == WHO_ALL and (chosen_ids(self.data) or (data.get("emails") or "").strip()):
            # Trainees ticked or addresses pasted, and "every trainee" left on: never assign to all by mistake.
            raise forms.ValidationError(
                _(
                    "Trainees are chosen or addresses pasted, but “Every trainee of the organization” is selected: "
                    "choose who to assign the course to again, or clear the choice."
                )
            )
        if who == WHO_CHOSEN:
            ids = chosen_ids(self.data)
            if not ids:
                raise forms.ValidationError(_("Choose at least one trainee, or assign to every trainee."))
            unknown = len(ids - selectors.members_known(organization_id=self.organization_id, user_ids=ids))
            if unknown:
                raise forms.ValidationError(
                    ngettext(
                        "%(count)s of the chosen trainees is not an active trainee of your organization: nothing was "
                        "assigned. Choose again.",
                        "%(count)s of the chosen trainees are not active trainees of your organization: nothing was "
                        "assigned. Choose again.",
                        unknown,
                    )
                    % {"count": localize_digits(unknown)}
                )
            self._ids = ids
        elif who == WHO_EMAILS:
            ids, self.problems = emails_read(data.get("emails") or "", organization_id=self.organization_id)
            if self.problems:
                count = len(self.problems)
                self.add_error(
                    "emails",
                    ngettext(
                        "%(count)s address names no trainee of your organization: nothing was assigned. "
                        "Correct or remove it (see the list).",
                        "%(count)s addresses name no trainee of your organization: nothing was assigned. "
                        "Correct or remove them (see the list).",
                        count,
                    )
                    % {"count": localize_digits(count)},
                )
            elif not ids:
                self.add_error("emails", _("Paste at least one email address, or assign to every trainee."))
            self._ids = ids
        return data

    def user_ids(self) -> list[int] | None:
        """The trainees to assign the course to; None for every trainee of the organization."""
        if self.cleaned_data["who"] == WHO_ALL:
            return None
        return sorted(self._ids)
