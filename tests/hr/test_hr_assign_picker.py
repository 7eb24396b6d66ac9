"""The assignment form of b48c72e, through the test client on a real database: the member picker
(search, pages that keep the ticks, "Clear the choice", Enter searches and never assigns), pasted
addresses (all or nothing, problems by line), due dates in the site's time zone, the assignment
list's pages, reminders when the mail server refuses half-way, and a revoked certificate that
outdates a ZIP of the holder's former organization."""

import datetime
import re
import smtplib
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings
from django.utils import timezone

from certificates import services as certificate_services
from certificates.storage import private_storage
from courses.models import CourseAssignment
from hr import services
from hr.forms import PICKER_PAGE_SIZE
from hr.models import Export, Reminder
from hr.selectors import site_today
from tests.certificates.factories import issued
from tests.factories import HRFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/en/hr/assignments/"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def hr(organization):
    return HRFactory(organization=organization)


@pytest.fixture
def hr_client(client, hr):
    client.force_login(hr)
    return client


@pytest.fixture
def thirty(organization):
    """30 trainees named so that the picker's order (by Latin name) is their number: 25 on page 1, 5 on page 2."""
    return [
        UserFactory(organization=organization, name_latin=f"Trainee {i:02d}", email=f"member{i:02d}@example.com")
        for i in range(30)
    ]


def assigned_ids() -> set[int]:
    return set(CourseAssignment.objects.values_list("user_id", flat=True))


def base(course, **extra) -> dict:
    return {"course": str(course.translation_key), "due_on": (site_today() + 10 * DAY).isoformat(), **extra}


def picker_post(client, data, **extra):
    response = client.post(URL, {**data, **extra})
    assert response.status_code == 200, response.status_code
    return response.context["picker"]


def carry(picker) -> dict:
    """The hidden fields the page sends back with its next post."""
    return {"selected": picker["selected"], "shown": picker["shown"], "page": picker["page"].number}


# --- the member picker ---------------------------------------------------------------------


def test_the_picker_searches_by_name_or_email_and_only_the_organizations_trainees(
    hr_client, organization, thirty, course
):
    haddad = UserFactory(organization=organization, name_latin="Zaid Haddad", email="zaid@example.com")
    by_mail = UserFactory(organization=organization, name_latin="Mona Kassem", email="mona.special@example.com")
    UserFactory(organization=OrganizationFactory(name="Rival"), name_latin="Zaid Haddad Rival")
    UserFactory(organization=organization, name_latin="Zaid Haddad HR", role="hr")

    picker = picker_post(hr_client, base(course), q="haddad", goto="1")
    assert [m["pk"] for m in picker["members"]] == [haddad.pk]
    picker = picker_post(hr_client, base(course), q="MONA.SPECIAL", goto="1")
    assert [m["pk"] for m in picker["members"]] == [by_mail.pk]
    # Every word must match: name and address together.
    picker = picker_post(hr_client, base(course), q="zaid example.com", goto="1")
    assert [m["pk"] for m in picker["members"]] == [haddad.pk]
    none = hr_client.post(URL, {**base(course), "q": "nobody-like-this", "goto": "1"})
    assert "No trainee matches this search." in none.text
    # A search posts the form back: what was typed stays, nothing is assigned.
    assert none.context["form"]["course"].value() == str(course.translation_key)
    assert not CourseAssignment.objects.exists()
    # Without a search, the first page of 25 of the 32 trainees, by name.
    page = picker_post(hr_client, base(course), goto="1")
    assert len(page["members"]) == PICKER_PAGE_SIZE and page["page"].paginator.count == 32


def test_ticks_are_kept_across_pages_and_searches_and_assigning_takes_them_all(hr_client, thirty, course):
    first = picker_post(hr_client, base(course), goto="1")
    assert [m["pk"] for m in first["members"]] == [u.pk for u in thirty[:25]]
    # Tick two on page 1 and go to page 2.
    second = picker_post(hr_client, base(course), **carry(first), members=[thirty[0].pk, thirty[3].pk], goto="2")
    assert [m["pk"] for m in second["members"]] == [u.pk for u in thirty[25:]]
    assert second["chosen_count"] == 2 and second["selected"] == f"{thirty[0].pk},{thirty[3].pk}"
    # Tick one on page 2, then search for someone of page 1: all three stay chosen.
    searched = picker_post(hr_client, base(course), **carry(second), members=[thirty[27].pk], q="member03", goto="1")
    assert [(m["pk"], m["checked"]) for m in searched["members"]] == [(thirty[3].pk, True)]
    assert searched["chosen_count"] == 3
    # Untick that one on the search's page (it is in `shown`, not in `members`): two are left.
    unticked = picker_post(hr_client, base(course), **carry(searched), q="", goto="1")
    assert unticked["chosen_count"] == 2
    checked = {m["pk"] for m in unticked["members"] if m["checked"]}
    assert checked == {thirty[0].pk}  # page 1 again; thirty[27] is carried from page 2
    page = hr_client.post(URL, {**base(course), **carry(unticked), "members": [thirty[0].pk], "goto": "1"})
    assert "2 trainees chosen." in page.text and not CourseAssignment.objects.exists()

    # "Assign the course" with "the trainees chosen below": the ticked ones of every page.
    response = hr_client.post(
        URL, {**base(course), **carry(unticked), "members": [thirty[0].pk, thirty[10].pk], "who": "chosen"}
    )
    assert response.status_code == 302
    assert assigned_ids() == {thirty[0].pk, thirty[10].pk, thirty[27].pk}


def test_clear_the_choice_unticks_everyone(hr_client, thirty, course):
    first = picker_post(hr_client, base(course), goto="1")
    second = picker_post(hr_client, base(course), **carry(first), members=[thirty[1].pk], goto="2")
    page = hr_client.post(URL, {**base(course), **carry(second), "members": [thirty[26].pk], "goto": "2"})
    assert "Clear the choice" in page.text and page.context["picker"]["chosen_count"] == 2
    cleared = picker_post(hr_client, base(course), **carry(second), members=[thirty[26].pk], goto="clear")
    assert cleared["chosen_count"] == 0 and cleared["selected"] == ""
    assert not any(m["checked"] for m in cleared["members"]) and cleared["page"].number == 1
    # Nothing chosen any more: assigning to "the chosen" is refused.
    refused = hr_client.post(URL, {**base(course), **carry(cleared), "who": "chosen"})
    assert refused.status_code == 400 and not CourseAssignment.objects.exists()


def test_enter_in_the_form_searches_and_never_assigns(hr_client, thirty, course):
    """A browser submits a form on Enter through its first submit button: the picker's Search."""
    page = hr_client.get(URL).text
    form = re.search(r'<form method="post" action="/en/hr/assignments/".*?</form>', page, re.S).group(0)
    buttons = re.findall(r"<button[^>]*>", form)
    assert 'name="goto"' in buttons[0] and 'value="1"' in buttons[0]
    assert 'name="assign"' in buttons[-1]
    assert form.index('name="goto"') < form.index('name="assign"')
    # What Enter sends (goto=1 and a complete form for everyone): nothing is assigned.
    response = hr_client.post(URL, {**base(course), "who": "all", "goto": "1"})
    assert response.status_code == 200 and not CourseAssignment.objects.exists()


def test_chosen_with_nothing_ticked_is_refused_with_a_translated_message(client, hr, thirty, course):
    client.force_login(hr)
    english = client.post(URL, {**base(course), "who": "chosen"})
    assert english.status_code == 400 and "Choose at least one trainee, or assign to every trainee." in english.text
    arabic = client.post("/ar/hr/assignments/", {**base(course), "who": "chosen"})
    assert arabic.status_code == 400 and "اختر متدربًا واحدًا على الأقل، أو كلّف بها كل المتدربين." in arabic.text
    assert not CourseAssignment.objects.exists()


def test_ticks_left_with_every_trainee_selected_are_refused(hr_client, thirty, course):
    response = hr_client.post(URL, {**base(course), "who": "all", "members": [thirty[0].pk]})
    assert response.status_code == 400 and "clear the choice" in response.text
    assert not CourseAssignment.objects.exists()


# --- pasted addresses ----------------------------------------------------------------------


def test_pasted_addresses_are_assigned(hr_client, thirty, course):
    text = f"{thirty[0].email}\n  {thirty[1].email.upper()}, {thirty[2].email};\n\n{thirty[0].email}\n"
    response = hr_client.post(URL, {**base(course), "who": "emails", "emails": text})
    assert response.status_code == 302
    assert assigned_ids() == {thirty[0].pk, thirty[1].pk, thirty[2].pk}
    assert "The course is assigned to 3 trainees." in hr_client.get(URL).text


def test_one_bad_line_assigns_nothing_and_the_error_names_the_line(hr_client, thirty, course):
    text = f"{thirty[0].email}\n{thirty[1].email}\nnot-an-address\n{thirty[2].email}\nnobody@example.com\n"
    response = hr_client.post(URL, {**base(course), "who": "emails", "emails": text})
    assert response.status_code == 400 and not CourseAssignment.objects.exists()
    problems = [(p.line, p.text) for p in response.context["form"].problems]
    assert problems == [(3, "not-an-address"), (5, "nobody@example.com")]
    assert "2 addresses name no trainee of your organization: nothing was assigned." in response.text
    assert re.search(r"Line 3: <bdi dir=\"ltr\">not-an-address</bdi> — Not an email address\.", response.text)
    assert "Line 5" in response.text and "Invite the person first." in response.text
    # The pasted text comes back to be corrected.
    assert "not-an-address" in response.context["form"]["emails"].value()


def test_an_address_of_another_organizations_member_is_refused(hr_client, thirty, course):
    stranger = UserFactory(organization=OrganizationFactory(name="Rival"), email="stranger@example.com")
    text = f"{thirty[0].email}\n{stranger.email}"
    response = hr_client.post(URL, {**base(course), "who": "emails", "emails": text})
    assert response.status_code == 400
    assert "Line 2" in response.text and "Not a member of your organization." in response.text
    assert not CourseAssignment.objects.exists()
    empty = hr_client.post(URL, {**base(course), "who": "emails", "emails": " \n "})
    assert empty.status_code == 400 and "Paste at least one email address" in empty.text


# --- due dates in the site's time zone -------------------------------------------------------

# 26 hours apart: whatever the moment, the day in Kiritimati (UTC+14) is one or two days after the
# day at UTC-12, so "today" of the site and of the reader always differ, without freezing time.
AHEAD, BEHIND = "Pacific/Kiritimati", "Etc/GMT+12"


def day_in(zone: str) -> datetime.date:
    return timezone.now().astimezone(ZoneInfo(zone)).date()


@pytest.mark.parametrize("reader", [BEHIND, "UTC"])
def test_a_due_date_in_the_past_of_the_sites_time_zone_is_refused_whatever_the_readers(
    hr_client, thirty, course, reader
):
    hr_client.cookies["tz"] = reader
    with override_settings(TIME_ZONE=AHEAD):
        site = day_in(AHEAD)
        assert site_today() == site
        yesterday = (site - DAY).isoformat()
        page = hr_client.get(URL)
        assert f'min="{site.isoformat()}"' in page.text  # the date picker's first day is the site's today
        refused = hr_client.post(URL, {**base(course), "due_on": yesterday, "who": "all"})
        assert refused.status_code == 400 and "The due date is in the past" in refused.text
        if day_in(reader) < site:  # the reader's today is in the past of the site: refused too
            late = hr_client.post(URL, {**base(course), "due_on": day_in(reader).isoformat(), "who": "all"})
            assert late.status_code == 400
        assert not CourseAssignment.objects.exists()
        ok = hr_client.post(URL, {**base(course), "due_on": site.isoformat(), "who": "all"})
        assert ok.status_code == 302 and len(assigned_ids()) == 30


def test_the_sites_today_is_accepted_when_the_reader_is_already_a_day_ahead(hr_client, thirty, course):
    hr_client.cookies["tz"] = AHEAD
    with override_settings(TIME_ZONE=BEHIND):
        site = day_in(BEHIND)
        assert site < day_in(AHEAD)
        response = hr_client.post(URL, {**base(course), "due_on": site.isoformat(), "who": "all"})
        assert response.status_code == 302
        assert set(CourseAssignment.objects.values_list("due_on", flat=True)) == {site}
        # Due today in the site's zone: not overdue on the list, though the reader's today is later.
        rows = hr_client.get(URL).context["rows"]
        assert rows and not any(row.overdue for row in rows)


# --- the assignment list's pages -------------------------------------------------------------


def test_the_assignment_list_is_paged_by_50(hr_client, organization, course):
    users = [UserFactory(organization=organization, name_latin=f"Member {i:02d}") for i in range(60)]
    CourseAssignment.objects.bulk_create(
        CourseAssignment(user=user, course_key=course.translation_key, due_on=site_today() + (i + 1) * DAY)
        for i, user in enumerate(users)
    )
    first = hr_client.get(URL)
    assert len(first.context["rows"]) == 50 and first.context["assignments_page"].paginator.num_pages == 2
    assert 'href="?assignments_page=2"' in first.text and "Page 1 of 2" in first.text
    second = hr_client.get(URL, {"assignments_page": 2})
    rows = second.context["rows"]
    assert [row.assignment.user_id for row in rows] == [u.pk for u in users[50:]]  # soonest due first
    assert 'href="?assignments_page=1"' in second.text
    # A page out of range or not a number: the nearest page, never an error.
    assert hr_client.get(URL, {"assignments_page": 99}).context["assignments_page"].number == 2
    assert hr_client.get(URL, {"assignments_page": "x"}).context["assignments_page"].number == 1


# --- reminders when the mail server refuses half-way -----------------------------------------


class RefusesAfterOne(EmailBackend):
    """The locmem backend, with a mail server that takes one message and then hangs up."""

    accepted = 0

    def send_messages(self, messages):
        if type(self).accepted >= 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        type(self).accepted += len(messages)
        return super().send_messages(messages)


def test_a_reminder_sent_before_the_server_refused_is_not_sent_again(organization, course, settings):
    due = site_today() + DAY
    users = [UserFactory(organization=organization, email=f"remind{i}@example.com") for i in range(3)]
    for user in users:
        CourseAssignment.objects.create(user=user, course_key=course.translation_key, due_on=due)
    RefusesAfterOne.accepted = 0
    settings.EMAIL_BACKEND = f"{__name__}.RefusesAfterOne"
    assert services.assignment_reminders_send() == 1
    (first,) = [m.to[0] for m in mail.outbox]
    # The one that went out is marked sent; the two refused are released for the next run.
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 1
    assert Reminder.objects.get().assignment.user.email == first

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    assert services.assignment_reminders_send() == 2  # the next beat run
    second = [m.to[0] for m in mail.outbox]
    assert first not in second and sorted([first, *second]) == sorted(u.email for u in users)
    assert services.assignment_reminders_send() == 0
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 3


# --- a revocation outdates a ZIP of the holder's former organization -------------------------


def test_a_revoked_certificate_outdates_the_zip_of_the_holders_former_organization(
    client, organization, course, trainee, eager_celery, django_capture_on_commit_callbacks
):
    certificate = issued(trainee, course, render=True)
    former_hr = HRFactory(organization=organization)
    client.force_login(former_hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/hr/exports/", {})
    export = Export.objects.get()
    assert export.status == Export.Status.READY and export.certificate_ids == [certificate.pk]

    # The holder moves to another organization, whose HR revokes the certificate.
    new_organization = OrganizationFactory(name="New Home")
    trainee.organization = new_organization
    trainee.save(update_fields=["organization"])
    certificate.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificate_revoke(
            certificate=certificate, by=HRFactory(organization=new_organization), reason="Issued by mistake"
        )
    export.refresh_from_db()
    assert export.status == Export.Status.OUTDATED
    assert client.get(f"/en/hr/exports/{export.pk}/download/").status_code == 410
    assert not private_storage().exists(export.file)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/hr/exports/", {})
    fresh = Export.objects.order_by("-pk").first()
    assert fresh.status == Export.Status.READY and certificate.pk not in fresh.certificate_ids
    with zipfile.ZipFile(private_storage().open(fresh.file, "rb")) as archive:
        assert not any(name.endswith(".pdf") for name in archive.namelist())
        assert certificate.code not in archive.read("certificates.csv").decode("utf-8-sig")


# --- the Arabic page -------------------------------------------------------------------------

NEW_ENGLISH = [
    "Search by name or email",
    "Choose trainees",
    "trainee chosen",
    "trainees chosen",
    "Trainees on this page",
    "Pages of trainees",
    "Clear the choice",
    "Ticks are kept",
    "The trainees whose email addresses are pasted below",
    "Email addresses",
    "One address per line",
    "Pages of assignments",
    " trainees)",
    "No trainee matches this search.",
    "Line ",
    "Not an email address.",
    "Not a member of your organization.",
    "No Masar account has this address.",
    "Not a trainee:",
    "addresses name no trainee",
    "Paste at least one email address",
    "is selected: choose who to assign",
]


def test_the_arabic_assignments_page_has_no_english_left(client, hr, organization, thirty, course):
    rival = UserFactory(organization=OrganizationFactory(name="Rival"), email="rival@example.com")
    colleague = HRFactory(organization=organization, email="colleague@example.com")
    CourseAssignment.objects.bulk_create(
        CourseAssignment(user=user, course_key=course.translation_key, due_on=site_today() + DAY) for user in thirty
    )
    UserFactory.create_batch(25, organization=organization)  # 55 trainees: more than one page of the picker
    CourseAssignment.objects.bulk_create(
        CourseAssignment(user=user, course_key=course.translation_key, due_on=site_today() + 2 * DAY)
        for user in organization.members.filter(role="trainee").exclude(pk__in=[u.pk for u in thirty])
    )
    client.force_login(hr)
    arabic = "/ar/hr/assignments/"
    pages = [
        client.get(arabic),
        client.post(arabic, {**base(course), "members": [thirty[0].pk, thirty[1].pk], "goto": "2"}),
        client.post(arabic, {**base(course), "q": "nobody-like-this", "goto": "1"}),
        client.post(
            arabic,
            {
                **base(course),
                "who": "emails",
                "emails": f"not-an-address\n{rival.email}\nnobody@example.com\n{colleague.email}",
            },
        ),
        client.post(arabic, {**base(course), "who": "emails", "emails": ""}),
        client.post(arabic, {**base(course), "who": "all", "members": [thirty[0].pk]}),
    ]
    for response in pages:
        text = response.content.decode()
        left = [english for english in NEW_ENGLISH if english in text]
        assert not left, (response.request["PATH_INFO"], left)
    first, chosen, none, pasted, empty, both = (p.content.decode() for p in pages)
    assert "ابحث بالاسم أو البريد الإلكتروني" in first and "اختر المتدربين" in first
    assert "(٥٥ متدربًا)" in first and "لم يُختر أي متدرب." in first
    assert "الصفحة ١ من ٢" in first and "صفحات التكليفات" in first
    assert "اختير متدربان." in chosen and "امسح الاختيار" in chosen
    assert "لا يوجد متدرب يطابق هذا البحث." in none
    assert "٤ عناوين لا تخص أي متدرب في مؤسستك" in pasted
    for line, message in (
        ("١", "ليس عنوان بريد إلكتروني."),
        ("٢", "ليس عضوًا في مؤسستك."),
        ("٣", "لا يوجد حساب في مسار بهذا العنوان. ادعُ الشخص أولًا."),
        ("٤", "ليس متدربًا: لا يُكلَّف بالدورات إلا المتدربون."),
    ):
        assert re.search(rf"السطر {line}: <bdi dir=\"ltr\">[^<]+</bdi> — {re.escape(message)}", pasted), line
    assert "بحدّ أقصى ١٠٬٠٠٠ سطر" in pasted
    assert "ألصق عنوان بريد إلكتروني واحدًا على الأقل" in empty
    assert "امسح الاختيار" in both and "«كل متدربي المؤسسة»" in both
