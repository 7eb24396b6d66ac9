"""Interview drills as a trainee meets them: the question as the page's heading, model answers
in paragraphs with their STAR parts, kind wording, a mock report that opens with a verdict and
rates every answer in one form, and the weekly email of drills due with its unsubscribe link."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from interviews import selectors, services
from interviews.models import Card, InterviewQuestion, PracticeSession, ReviewLog
from tests.factories import UserFactory
from tests.interviews.factories import make_bank

pytestmark = pytest.mark.django_db

STAR_EN = (
    "I ran the accounts of a café chain.\n"
    "Situation: engagement was low.\n"
    "Task: lift it before a launch.\n"
    "Action: short videos <b>and</b> questions.\n"
    "Result: comments doubled."
)


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"interviews:{name}", kwargs=kwargs or None)


@pytest.fixture
def bank(locales):
    return make_bank(3, level="manager", prefix="drill")


def finished_mock(client, trainee, answers=("Our KPI and goal first; Buffer to schedule.", "", "")):
    """A mock interview of three questions, answered (an empty answer is a skip) and over."""
    client.force_login(trainee)
    client.post(url("mock_start"), {"level": "manager", "count": "3"})
    session = PracticeSession.objects.get(user=trainee)
    for answer, text in zip(session.answers.order_by("position"), answers, strict=True):
        client.post(url("submit", answer_id=answer.pk), {"answer": text})
    session.refresh_from_db()
    assert session.finished_at is not None
    return session


# --- the question and the model answer ---------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_question_is_the_pages_only_main_heading_and_giving_up_is_kind(client, trainee, bank, lang):
    client.force_login(trainee)
    response = client.post(url("practice_start", lang))
    page = client.get(response["Location"])
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", page.text, re.S)
    assert len(headings) == 1
    assert page.context["question"].prompt in headings[0]
    assert ("Not sure? See the model answer" if lang == "en" else "لست متأكدًا؟ اطّلع على الإجابة النموذجية") in page.text
    assert "Give up" not in page.text and "استسلم" not in page.text


def test_the_model_answer_keeps_its_paragraphs_and_star_parts_escaped(client, trainee, bank):
    InterviewQuestion.objects.filter(locale__language_code="en").update(model_answer=STAR_EN)
    client.force_login(trainee)
    question_page = client.get(client.post(url("practice_start"))["Location"])
    answer = question_page.context["answer"]
    reveal = client.get(client.post(url("submit", answer_id=answer.pk), {"answer": "", "give_up": "1"})["Location"])
    body = reveal.text
    block = re.search(r'<div class="model-answer">(.*?)</div>', body, re.S).group(1)
    assert block.count("<p>") == 5
    for part in ("Situation", "Task", "Action", "Result"):
        assert f'<strong class="star-part">{part}:</strong>' in block
    assert "<p>I ran the accounts of a café chain.</p>" in block
    assert "short videos &lt;b&gt;and&lt;/b&gt; questions." in block  # the text is escaped, not HTML


def test_arabic_star_parts_are_found_too(client, trainee, bank):
    from interviews.templatetags.interviews_tags import answer_paragraphs

    parts = answer_paragraphs("مقدمة.\nالموقف: تفاعل ضعيف.\nالنتيجة: تضاعف التفاعل.\n\nوختام: لا علامة.")
    assert [p["label"] for p in parts] == ["", "الموقف", "النتيجة", ""]
    assert parts[3]["text"] == "وختام: لا علامة."


# --- the mock report ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_mock_report_opens_with_a_verdict_and_shows_skips_as_skipped(client, trainee, bank, lang):
    session = finished_mock(client, trainee)
    page = client.get(url("report", lang, session_id=session.pk))
    body = page.text
    report = page.context["report"]
    assert report.verdict == "practice" and report.provisional and report.skipped_count == 2
    verdict = body.index('class="card verdict practice"')
    assert verdict < body.index("<table")
    if lang == "en":
        assert "Verdict: keep practising, most answers need work" in body
        assert "2 questions were skipped." in body
        assert "0 of 3 (hint)" not in body.replace('<span class="muted">', "").replace("</span>", "")
    else:
        assert "الخلاصة: واصل التدرّب" in body
    # The summary row of a skipped answer says so instead of "0 of 3 (hint)".
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S)
    assert len(rows) == 3
    hint = "hint" if lang == "en" else "تلميح"
    for row in rows[1:]:
        assert ("Skipped" if lang == "en" else "متخطّى") in row
        assert hint not in row


def test_rating_every_answer_in_one_form(client, trainee, bank):
    session = finished_mock(client, trainee)
    first, second, third = session.answers.order_by("position")
    page = client.get(url("report", session_id=session.pk))
    assert page.text.count('type="radio"') == 3 * 4
    assert f'action="{url("rate_all", session_id=session.pk)}"' in page.text
    assert f'name="rating-{second.pk}" value="again" required checked' in page.text  # a skip: missed it

    response = client.post(
        url("rate_all", session_id=session.pk),
        {
            f"rating-{first.pk}": "good",
            f"covered-{first.pk}": ["goals", "scheduling", "not-a-point"],
            f"rating-{second.pk}": "again",
            f"rating-{third.pk}": "hard",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("report", session_id=session.pk)
    for answer, rating in ((first, 3), (second, 1), (third, 2)):
        answer.refresh_from_db()
        assert answer.rating == rating
    assert first.covered_keys == ["scheduling", "goals"]
    assert ReviewLog.objects.filter(card__user=trainee).count() == 3
    assert Card.objects.filter(user=trainee).count() == 3

    # Sent twice (a double click): a rating stays as it was, one review log per rating.
    again = client.post(url("rate_all", session_id=session.pk), {f"rating-{first.pk}": "easy"})
    assert again.status_code == 302
    first.refresh_from_db()
    assert first.rating == 3
    assert ReviewLog.objects.filter(card__user=trainee).count() == 3
    report = client.get(url("report", session_id=session.pk))
    assert report.context["report"].to_rate == [] and not report.context["report"].provisional
    assert 'type="radio"' not in report.text


def test_a_bad_rating_saves_nothing(client, trainee, bank):
    session = finished_mock(client, trainee)
    first, second, _third = session.answers.order_by("position")
    response = client.post(
        url("rate_all", session_id=session.pk), {f"rating-{first.pk}": "good", f"rating-{second.pk}": "superb"}
    )
    assert response.status_code == 400
    assert "Choose one of the four ratings" in response.text
    assert ReviewLog.objects.count() == 0
    assert client.post(url("rate_all", session_id=session.pk), {}).status_code == 400


def test_answers_of_another_session_cannot_be_rated_through_mine(client, trainee, other_trainee, bank):
    theirs = finished_mock(client, other_trainee)
    client.logout()
    mine = finished_mock(client, trainee)
    their_answer = theirs.answers.first()
    response = client.post(url("rate_all", session_id=mine.pk), {f"rating-{their_answer.pk}": "good"})
    assert response.status_code == 400
    assert client.post(url("rate_all", session_id=theirs.pk), {f"rating-{their_answer.pk}": "good"}).status_code == 404
    assert ReviewLog.objects.count() == 0


def test_a_running_mock_cannot_be_rated(client, trainee, bank):
    client.force_login(trainee)
    client.post(url("mock_start"), {"level": "manager", "count": "3"})
    session = PracticeSession.objects.get(user=trainee)
    first = session.answers.order_by("position").first()
    assert client.post(url("rate_all", session_id=session.pk), {f"rating-{first.pk}": "good"}).status_code == 400
    assert ReviewLog.objects.count() == 0


# --- the weekly email ---------------------------------------------------------------------


def due_cards(user, bank, *, days=2):
    now = timezone.now()
    for made in bank:
        question = made["en"]
        Card.objects.create(
            user=user,
            question_key=question.translation_key,
            due=now + timedelta(days=days),
            category=question.category,
            level=question.level,
            created_at=now,
        )


def test_the_weekly_email_lists_the_drills_due_in_the_trainees_language(bank, settings):
    arabic = UserFactory(preferred_language="ar")
    english = UserFactory(preferred_language="en")
    quiet = UserFactory(preferred_language="en", drill_reminders=False)
    nothing_due = UserFactory(preferred_language="en")
    for user in (arabic, english, quiet):
        due_cards(user, bank)
    due_cards(nothing_due, bank, days=30)

    assert services.drills_due_emails() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {arabic.email, english.email}
    english_mail, arabic_mail = by_address[english.email], by_address[arabic.email]
    assert english_mail.subject == "Masar: 3 interview questions are due this week"
    assert "مسار" in arabic_mail.subject and "٣" in arabic_mail.subject
    assert bank[0]["en"].prompt in english_mail.body
    assert bank[0]["ar"].prompt in arabic_mail.body and bank[0]["en"].prompt not in arabic_mail.body
    link = re.search(r"(http\S+/interviews/unsubscribe/\?token=\S+)", english_mail.body).group(1)
    assert english_mail.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert link.startswith(settings.SITE_URL + "/en/")
    assert "/ar/interviews/unsubscribe/" in arabic_mail.body
    assert arabic_mail.alternatives and 'dir="rtl"' in arabic_mail.alternatives[0][0]


def test_the_digest_reads_a_fixed_number_of_queries(bank, django_assert_max_num_queries):
    for _ in range(6):
        due_cards(UserFactory(), bank)
    with django_assert_max_num_queries(3):
        digest = selectors.drills_due(now=timezone.now())
    assert len(digest) == 6 and all(entry["count"] == 3 for entry in digest)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_unsubscribing_needs_no_login_and_asks_first(client, bank, lang):
    user = UserFactory(preferred_language=lang)
    token = services.unsubscribe_token(user=user)
    link = url("unsubscribe", lang) + f"?token={token}"
    page = client.get(link)
    assert page.status_code == 200
    assert ("Stop the weekly email" if lang == "en" else "أوقف الرسالة الأسبوعية") in page.text
    user.refresh_from_db()
    assert user.drill_reminders  # a GET (a mail scanner following links) changes nothing
    done = client.post(url("unsubscribe", lang), {"token": token})
    assert done.status_code == 200 and done.context["done"]
    user.refresh_from_db()
    assert not user.drill_reminders
    assert client.post(url("unsubscribe", lang), {"token": token}).status_code == 200  # twice: the same
    assert client.get(link).context["already"]
    due_cards(user, bank)
    assert services.drills_due_emails() == 0


def test_a_forged_or_altered_token_is_refused(client, bank):
    user = UserFactory()
    token = services.unsubscribe_token(user=user)
    other = UserFactory()
    forged = str(other.pk) + token[token.index(":") :]
    for bad in ("", "nonsense", forged, token[:-2] + "xx"):
        assert client.post(url("unsubscribe"), {"token": bad}).status_code == 400
    user.refresh_from_db()
    other.refresh_from_db()
    assert user.drill_reminders and other.drill_reminders


def test_the_profile_turns_the_email_off_and_on(client, trainee):
    client.force_login(trainee)
    page = client.get("/en/accounts/profile/")
    field = re.search(r'<input[^>]*name="drill_reminders"[^>]*>', page.text).group(0)
    assert "checked" in field
    data = {
        "name_latin": trainee.name_latin,
        "name_arabic": trainee.name_arabic,
        "preferred_language": "en",
    }
    assert client.post("/en/accounts/profile/", data).status_code == 302
    trainee.refresh_from_db()
    assert not trainee.drill_reminders
    client.post("/en/accounts/profile/", {**data, "drill_reminders": "on"})
    trainee.refresh_from_db()
    assert trainee.drill_reminders


def test_the_weekly_email_is_sent_once_a_week_whatever_runs_again(bank):
    user = UserFactory(preferred_language="en")
    due_cards(user, bank)
    monday = timezone.make_aware(datetime(2026, 11, 30, 9, 0))
    assert services.drills_due_emails(now=monday) == 1
    assert services.drills_due_emails(now=monday + timedelta(hours=1)) == 0  # a second beat, a restart
    assert services.drills_due_emails(now=monday + timedelta(days=6)) == 0  # still that week
    assert len(mail.outbox) == 1
    assert services.drills_due_emails(now=monday + timedelta(days=7)) == 1  # the next week
    assert len(mail.outbox) == 2


def test_an_email_that_fails_to_send_is_sent_by_the_next_run(bank, monkeypatch):
    user = UserFactory(preferred_language="en")
    due_cards(user, bank)

    def refuse(self, messages):
        raise ConnectionRefusedError("the mail server is down")

    from django.core.mail.backends.locmem import EmailBackend

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with pytest.raises(ConnectionRefusedError):
        services.drills_due_emails()
    monkeypatch.undo()
    assert services.drills_due_emails() == 1 and len(mail.outbox) == 1
