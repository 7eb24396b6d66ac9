"""HR of Demo Co invites a new trainee from a CSV and assigns them a course with a due date; the
trainee signs up through the invitation's link and finds the assigned course first in My learning.
In English and in Arabic, at 1366 px and on a 360 px phone (no sideways scrolling of the page:
wide tables scroll in their own labelled region); axe finds no critical or serious problem."""

import datetime
import json
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import PASSWORD, assert_rtl_layout, click_and_wait, goto, log_in, shot

pytestmark = pytest.mark.e2e

TOKEN = """
import json
from accounts.models import Invitation
print(json.dumps(Invitation.objects.get(email="{email}").token))
"""

WIDTHS = (1366, 360)


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def fits(page) -> bool:
    """No sideways scrolling of the page itself."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def check_at_both_widths(page, name: str):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert fits(page), f"{name} scrolls sideways at {width} px"
        assert serious_violations(page) == [], f"{name} at {width} px"
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


@pytest.mark.parametrize("language", ["en", "ar"])
def test_hr_invites_by_csv_assigns_with_a_due_date_and_the_trainee_sees_it_first(language, new_page, live_stack):
    tag = uuid.uuid4().hex[:8]
    email = f"e2e-invited-{tag}@example.com"
    hr = new_page("ar" if language == "ar" else "en-US")
    log_in(hr, language=language, username="hr")

    # The CSV: a header, the new address, a row that is not an address.
    goto(hr, f"/{language}/hr/invitations/")
    check_at_both_widths(hr, f"{language}-hr-invitations")
    csv = f"email\n{email}\n=cmd|' /C calc'!A0\n".encode("utf-8-sig")
    hr.set_input_files("#id_upload_file", {"name": "trainees.csv", "mimeType": "text/csv", "buffer": csv})
    hr.select_option("#id_upload_language", language)
    click_and_wait(hr, hr.locator("main form[action*='/upload/'] button[type=submit]"))
    report = hr.locator("main .upload-report")
    assert report.count() == 1
    rows = report.locator("tbody tr")
    assert rows.count() == 1 and "=cmd|" in rows.first.inner_text()
    assert ("3" if language == "en" else "٣") in rows.first.locator("td").first.inner_text()
    assert hr.locator("main table tbody tr", has_text=email).count() == 1  # in the invitations sent
    check_at_both_widths(hr, f"{language}-hr-invitations-report")

    # The invitation's link: the sign-up form with the address filled in and fixed.
    token = json.loads(live_stack.manage("shell", "-c", TOKEN.format(email=email)).strip().splitlines()[-1])
    trainee = new_page("ar" if language == "ar" else "en-US")
    goto(trainee, f"/{language}/accounts/invitations/{token}/")
    assert trainee.locator("#id_email").input_value() == email
    assert trainee.locator("#id_email").is_disabled()
    assert trainee.locator("#id_organization_code").count() == 0
    trainee.fill("#id_username", f"e2e-inv-{tag}")
    trainee.fill("#id_name_latin", "Rana Invited")
    trainee.fill("#id_name_arabic", "رنا المدعوة")
    trainee.select_option("#id_preferred_language", language)
    trainee.fill("#id_password1", PASSWORD)
    trainee.fill("#id_password2", PASSWORD)
    click_and_wait(trainee, trainee.locator("main form button[type=submit]"))
    assert "/accounts/" not in trainee.url, trainee.url

    # HR assigns the first course to that trainee, due in five days.
    goto(hr, f"/{language}/hr/assignments/")
    hr.locator("#id_course").select_option(index=1)
    course_title = hr.locator("#id_course option:checked").inner_text().strip()
    due = datetime.date.today() + datetime.timedelta(days=5)
    hr.fill("#id_due_on", due.isoformat())
    hr.locator("main input[name=who][value=chosen]").check()
    hr.locator(f"main label.choice:has-text('{email}') input").check()
    click_and_wait(hr, hr.locator("main form.assign-form button[name=assign]"))
    assert hr.locator("main table tbody tr", has_text=email).count() == 1
    check_at_both_widths(hr, f"{language}-hr-assignments")

    # The dashboard lists the new trainee (not started, the course assigned) and the due soon.
    goto(hr, f"/{language}/hr/?status=not_started")
    row = hr.locator("main table.members tbody tr", has_text=email)
    assert row.count() == 1 and course_title in row.inner_text()
    assert email in hr.locator("main section[aria-labelledby=attention-title]").inner_text() or (
        "Rana Invited" in hr.locator("main section[aria-labelledby=attention-title]").inner_text()
        or "رنا المدعوة" in hr.locator("main section[aria-labelledby=attention-title]").inner_text()
    )
    if language == "ar":
        assert_rtl_layout(hr)
    check_at_both_widths(hr, f"{language}-hr-dashboard-assigned")

    # My learning: the assigned course first, with its due date.
    goto(trainee, f"/{language}/learn/")
    first = trainee.locator("main section.card").first
    assert course_title in first.locator("h2").inner_text()
    due_text = first.locator(".assignment-due").inner_text()
    assert ("due" in due_text) if language == "en" else ("موعدها" in due_text)
    if language == "ar":
        assert_rtl_layout(trainee)
    check_at_both_widths(trainee, f"{language}-my-learning-assigned")


PICKER_MEMBERS = """
from accounts.models import User
organization = User.objects.get(username="hr").organization
User.objects.create(
    username="e2e-long-{tag}", organization=organization,
    email="averyveryverylongaddresswithoutanybreaksatall{tag}@a-long-subdomain-of-the-organization.example.com",
    name_latin="Maximiliano-Alessandro Bartholomew-Featherstonehaugh {tag}",
    name_arabic="عبدالرحمنمحمدالعبداللهالطويلجدًابلامسافات {tag}",
)
User.objects.bulk_create(
    User(username=f"e2e-pick-{tag}-{{i}}", email=f"e2e-pick-{tag}-{{i}}@example.com", organization=organization,
         name_latin=f"Pick {tag} {{i:02d}}", name_arabic="مختار")
    for i in range(30)
)
"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_member_picker_on_a_phone_searches_on_enter_pages_and_assigns_the_ticked(language, new_page, live_stack):
    """At 360 px: Enter in the form searches (the picker's Search is the form's first button) and
    assigns nothing, even with a complete form for every trainee; ticks survive a page change;
    long names and addresses wrap; the page never scrolls sideways."""
    tag = uuid.uuid4().hex[:8]
    live_stack.manage("shell", "-c", PICKER_MEMBERS.format(tag=tag))
    hr = new_page("ar" if language == "ar" else "en-US")
    log_in(hr, language=language, username="hr")
    hr.set_viewport_size({"width": 360, "height": 780})
    goto(hr, f"/{language}/hr/assignments/")
    mine = hr.locator("main table tbody tr", has_text=tag)
    assert mine.count() == 0

    # A complete form for every trainee, and Enter in the search box: a search, nothing assigned.
    hr.locator("#id_course").select_option(index=1)
    hr.fill("#id_due_on", (datetime.date.today() + datetime.timedelta(days=9)).isoformat())
    hr.locator("main input[name=who][value=all]").check()
    hr.fill("#id_q", tag)
    with hr.expect_navigation(wait_until="load"):
        hr.press("#id_q", "Enter")
    assert "/hr/assignments/" in hr.url
    picker = hr.locator("main .member-picker .picker-list li")
    assert picker.count() == 25  # 31 match: two pages
    assert hr.locator("#id_q").input_value() == tag and hr.locator("#id_course").input_value() != ""
    assert mine.count() == 0, "Enter assigned the course"
    assert fits(hr), "the picker scrolls sideways at 360 px"
    long_one = hr.locator("main .picker-list label.choice", has_text=f"withoutanybreaksatall{tag}@")
    box, list_box = long_one.bounding_box(), hr.locator("main .picker-list").bounding_box()
    assert box["x"] >= list_box["x"] - 1 and box["x"] + box["width"] <= list_box["x"] + list_box["width"] + 1
    shot(hr, f"{language}-hr-picker-360")

    # Tick the long one, go to page 2, tick one there: both chosen.
    long_one.locator("input").check()
    click_and_wait(hr, hr.locator("main .member-picker .pager button[name=goto]").last)
    assert picker.count() == 6
    picker.first.locator("input").check()
    status = hr.locator("#picker-status").inner_text()
    assert ("1 trainee chosen." in status) if language == "en" else ("اختير متدرب واحد." in status)
    assert fits(hr), "page 2 of the picker scrolls sideways at 360 px"
    hr.locator("main input[name=who][value=chosen]").check()
    click_and_wait(hr, hr.locator("main form.assign-form button[name=assign]"))
    done = hr.locator("main .messages").inner_text()
    assert ("assigned to 2 trainees" in done) if language == "en" else ("كُلّف متدربان بالدورة" in done)
    assert mine.count() == 2
    assert hr.locator("main table tbody tr", has_text=f"withoutanybreaksatall{tag}@").count() == 1
    assert fits(hr), "the assignment list scrolls sideways at 360 px"
    if language == "ar":
        hr.set_viewport_size({"width": WIDTHS[0], "height": 900})  # the header's layout check is a desktop's
        assert_rtl_layout(hr)
