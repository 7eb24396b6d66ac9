"""Who may open what: every URL that takes an object id, tried as each kind of visitor.

Read a row as: this request, made by each of the people in the columns, answers with
this status. "login" is a redirect to the login page; 302 is any other redirect (the
request was accepted). Someone else's object is a 404 (it does not exist for them), never
a 403 that would confirm it exists; 403 is only for a whole area a user may not enter
(the marking pages). A refused request changes nothing."""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import pytest

from accounts.models import ExtraTimeChange, Invitation, Organization, User
from certificates.models import Certificate
from courses.models import CourseAssignment, Enrollment, LessonCompletion
from hr.models import Export
from interviews.models import PracticeAnswer, PracticeSession
from quizzes.models import Answer, Attempt
from tests.security.world import ROLES, World

pytestmark = pytest.mark.django_db

L = "login"  # redirect to the login page


@dataclass
class Row:
    name: str
    method: str
    url: str
    # anonymous, other trainee, HR of another org, HR of the same org, editor, staff, support, superuser, owner
    expected: tuple
    data: dict = field(default_factory=dict)
    owner: str = "trainee"  # the world's user who owns the row's object


# fmt: off
ROWS = [
    #   name                      method  url                              anon other hr-oth hr-same editor staff support super owner
    # Quizzes: a quiz is open to every signed-in user; attempts are their taker's alone.
    Row("quiz detail",            "GET",  "/en/quizzes/{quiz}/",                          (L, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("draft quiz detail",      "GET",  "/en/quizzes/{draft_quiz}/",                    (L, 404, 404, 404, 200, 200, 200, 200, 404)),
    Row("quiz start",             "POST", "/en/quizzes/{quiz}/start/",                    (L, 302, 302, 302, 302, 302, 302, 302, 302)),
    Row("draft quiz start",       "POST", "/en/quizzes/{draft_quiz}/start/",              (L, 403, 403, 403, 302, 302, 302, 302, 403)),
    Row("attempt take",           "GET",  "/en/quizzes/attempts/{attempt_open}/",         (L, 404, 404, 404, 404, 404, 404, 404, 200)),
    Row("attempt answer",         "POST", "/en/quizzes/attempts/{attempt_open}/",         (L, 404, 404, 404, 404, 404, 404, 404, 302),
        data={"question": "{single_question}", "q-{single_question}": "{single_right}"}),
    Row("attempt summary",        "GET",  "/en/quizzes/attempts/{attempt_open}/summary/", (L, 404, 404, 404, 404, 404, 404, 404, 200)),
    Row("attempt submit",         "POST", "/en/quizzes/attempts/{attempt_open}/submit/",  (L, 404, 404, 404, 404, 404, 404, 404, 302)),
    Row("attempt result",         "GET",  "/en/quizzes/attempts/{attempt_done}/result/",  (L, 404, 404, 404, 404, 404, 404, 404, 200)),
    Row("my results",             "GET",  "/en/quizzes/mine/",                            (L, 200, 200, 200, 200, 200, 200, 200, 200)),
    # Marking: markers only (the superuser has every permission); the essay's writer is no marker.
    Row("marking queue",          "GET",  "/en/quizzes/marking/",                         (L, 403, 403, 403, 200, 403, 403, 200, 403)),
    Row("mark an essay",          "GET",  "/en/quizzes/marking/{essay_response}/",        (L, 403, 403, 403, 200, 403, 403, 200, 403)),
    Row("mark an essay (post)",   "POST", "/en/quizzes/marking/{essay_response}/",        (L, 403, 403, 403, 302, 403, 403, 302, 403),
        data={"points": "1", "comment": "Good."}),
    # Courses: enrolling and marking a lesson done act on the signed-in user's own progress.
    Row("enroll",                 "POST", "/en/learn/courses/{course}/enroll/",           (L, 302, 302, 302, 302, 302, 302, 302, 302)),
    Row("enroll (unpublished)",   "POST", "/en/learn/courses/{unpublished_course}/enroll/", (L, 404, 404, 404, 404, 404, 404, 404, 404)),
    Row("lesson done",            "POST", "/en/learn/lessons/{lesson}/done/",             (L, 302, 302, 302, 302, 302, 302, 302, 302)),
    Row("lesson not done",        "POST", "/en/learn/lessons/{lesson}/undone/",           (L, 302, 302, 302, 302, 302, 302, 302, 302)),
    # A quiz result's link to the lesson that teaches a question: a redirect to a public page.
    Row("lesson by key",          "GET",  "/en/learn/lessons/{lesson_key}/",              (302, 302, 302, 302, 302, 302, 302, 302, 302)),
    # A passed quiz's "Next module": a redirect to the next module or the course page, for the signed-in.
    Row("module after quiz",      "GET",  "/en/learn/quizzes/{module_quiz_key}/next/",    (L, 302, 302, 302, 302, 302, 302, 302, 302)),
    Row("my learning",            "GET",  "/en/learn/",                                   (L, 200, 200, 200, 200, 200, 200, 200, 200)),
    # Interview practice: sessions and answers are their trainee's alone, staff included.
    Row("practice session",       "GET",  "/en/interviews/sessions/{practice_open_session}/",     (L, 404, 404, 404, 404, 404, 404, 404, 302)),
    Row("practice next question", "POST", "/en/interviews/sessions/{practice_open_session}/next/", (L, 404, 404, 404, 404, 404, 404, 404, 302)),
    Row("practice finish",        "POST", "/en/interviews/sessions/{practice_open_session}/finish/", (L, 404, 404, 404, 404, 404, 404, 404, 302)),
    Row("practice report",        "GET",  "/en/interviews/sessions/{practice_answered_session}/report/", (L, 404, 404, 404, 404, 404, 404, 404, 200)),
    Row("mock interview report",  "GET",  "/en/interviews/sessions/{mock_session}/report/",       (L, 404, 404, 404, 404, 404, 404, 404, 200)),
    # Rating every answer of the report at once: the owner only (no rating chosen is a 400).
    Row("mock rate all",          "POST", "/en/interviews/sessions/{mock_session}/rate/",         (L, 404, 404, 404, 404, 404, 404, 404, 400)),
    # The weekly email's unsubscribe link needs no login: only a signed token opens it.
    Row("unsubscribe (bad token)", "GET", "/en/interviews/unsubscribe/?token=1:forged",          (400, 400, 400, 400, 400, 400, 400, 400, 400)),
    Row("practice question",      "GET",  "/en/interviews/answers/{practice_open_answer}/",       (L, 404, 404, 404, 404, 404, 404, 404, 200)),
    Row("practice answer submit", "POST", "/en/interviews/answers/{practice_open_answer}/submit/", (L, 404, 404, 404, 404, 404, 404, 404, 302),
        data={"answer": "I schedule with Buffer."}),
    Row("practice reveal",        "GET",  "/en/interviews/answers/{practice_answered}/reveal/",   (L, 404, 404, 404, 404, 404, 404, 404, 200)),
    Row("practice rate",          "POST", "/en/interviews/answers/{practice_answered}/rate/",     (L, 404, 404, 404, 404, 404, 404, 404, 302),
        data={"rating": "good"}),
    # Certificates: the holder, HR of the holder's organization and support; PDFs likewise. Editing
    # content (an editor, staff) gives no right to people's data.
    Row("certificate page",       "GET",  "/en/certificates/{code}/",                     (L, 404, 404, 200, 404, 404, 200, 200, 200)),
    Row("certificate page (ar)",  "GET",  "/ar/certificates/{code}/",                     (L, 404, 404, 200, 404, 404, 200, 200, 200)),
    Row("certificate status",     "GET",  "/en/certificates/{code}/status/",              (L, 404, 404, 200, 404, 404, 200, 200, 200)),
    Row("certificate PDF (ar)",   "GET",  "/en/certificates/{pdf_code}/ar.pdf",           (L, 404, 404, 200, 404, 404, 200, 200, 200)),
    Row("certificate PDF (en)",   "GET",  "/en/certificates/{pdf_code}/en.pdf",           (L, 404, 404, 200, 404, 404, 200, 200, 200)),
    Row("certificate PDF (fr)",   "GET",  "/en/certificates/{pdf_code}/fr.pdf",           (L, 404, 404, 404, 404, 404, 404, 404, 404)),
    # Only the holder confirms the names printed on their certificate.
    Row("confirm names",          "POST", "/en/certificates/{names_code}/names/",         (L, 404, 404, 404, 404, 404, 404, 404, 302),
        data={"name_latin": "New Comer", "name_arabic": "متدرب جديد", "confirm": "1"}, owner="newcomer"),
    # HR of the holder's organization and support revoke; the holder cannot revoke their own.
    Row("revoke",                 "POST", "/en/certificates/{code}/revoke/",              (L, 404, 404, 302, 404, 404, 302, 302, 404),
        data={"reason": "Issued by mistake."}),
    # The course complete page: only the trainee who completed the course.
    Row("course complete",        "GET",  "/en/certificates/courses/{completed_course}/complete/", (L, 404, 404, 404, 404, 404, 404, 404, 200)),
    Row("course complete (not)",  "GET",  "/en/certificates/courses/{course}/complete/",  (L, 404, 404, 404, 404, 404, 404, 404, 404)),
    Row("my certificates",        "GET",  "/en/certificates/",                            (L, 200, 200, 200, 200, 200, 200, 200, 200)),
    # Public verification: printed on the certificate, open to anyone.
    Row("verify page",            "GET",  "/verify/{code}/",                              (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("verify JSON",            "GET",  "/verify/{code}/?format=json",                  (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    # The signed credential of a ready certificate, and the revocation list: public like the page;
    # a certificate not ready yet has no credential. Checking a pasted credential is open to anyone.
    Row("credential (jwt)",       "GET",  "/verify/{pdf_code}/credential.jwt",            (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("credential (json)",      "GET",  "/verify/{pdf_code}/credential.json",           (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("credential (not ready)", "GET",  "/verify/{code}/credential.jwt",                (404, 404, 404, 404, 404, 404, 404, 404, 404)),
    Row("credential (xml)",       "GET",  "/verify/{pdf_code}/credential.xml",            (404, 404, 404, 404, 404, 404, 404, 404, 404)),
    Row("revocation list (jwt)",  "GET",  "/verify/status/revocation.jwt",                (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("revocation list (json)", "GET",  "/verify/status/revocation.json",               (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("DID document",           "GET",  "/.well-known/did.json",                        (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("verify a credential",    "POST", "/verify/",                                     (200, 200, 200, 200, 200, 200, 200, 200, 200),
        data={"credential": "not.a.credential"}),
    # HR pages: HR members of an organization only (each sees their own organization's).
    Row("HR dashboard",           "GET",  "/en/hr/",                                      (L, 404, 200, 200, 404, 404, 404, 404, 200), owner="hr_creator"),
    Row("HR CSV",                 "GET",  "/en/hr/trainees.csv",                          (L, 404, 200, 200, 404, 404, 404, 404, 200), owner="hr_creator"),
    Row("HR export create",       "POST", "/en/hr/exports/",                              (L, 404, 302, 302, 404, 404, 404, 404, 302), owner="hr_creator"),
    # A trainee's extra time: HR of the trainee's organization only (staff use the Django admin).
    Row("HR trainee page",        "GET",  "/en/hr/trainees/{trainee}/",                   (L, 404, 404, 200, 404, 404, 404, 404, 404)),
    Row("HR extra time (post)",   "POST", "/en/hr/trainees/{trainee}/",                   (L, 404, 404, 302, 404, 404, 404, 404, 404),
        data={"extra_time": "1.5"}),
    # An export belongs to its organization: any HR member of it, and support.
    Row("HR export page",         "GET",  "/en/hr/exports/{export}/",                     (L, 404, 404, 200, 404, 404, 200, 200, 200), owner="hr_creator"),
    Row("HR export status",       "GET",  "/en/hr/exports/{export}/status/",              (L, 404, 404, 200, 404, 404, 200, 200, 200), owner="hr_creator"),
    Row("HR export ZIP",          "GET",  "/en/hr/exports/{export}/download/",            (L, 404, 404, 200, 404, 404, 200, 200, 200), owner="hr_creator"),
    # Invitations: HR of an organization invite into their own organization only; an invitation
    # is revoked or sent again by HR of its organization alone.
    Row("HR invitations",         "GET",  "/en/hr/invitations/",                          (L, 404, 200, 200, 404, 404, 404, 404, 200), owner="hr_creator"),
    Row("HR invite one",          "POST", "/en/hr/invitations/",                          (L, 404, 302, 302, 404, 404, 404, 404, 302), owner="hr_creator",
        data={"email": "matrix@example.com", "language": "en"}),
    Row("HR invite CSV (no file)", "POST", "/en/hr/invitations/upload/",                  (L, 404, 400, 400, 404, 404, 404, 404, 400), owner="hr_creator"),
    Row("HR join code off",       "POST", "/en/hr/invitations/join-code/",                (L, 404, 302, 302, 404, 404, 404, 404, 302), owner="hr_creator",
        data={"enabled": "0"}),
    Row("HR invitation revoke",   "POST", "/en/hr/invitations/{invitation}/revoke/",      (L, 404, 404, 302, 404, 404, 404, 404, 302), owner="hr_creator"),
    Row("HR invitation resend",   "POST", "/en/hr/invitations/{invitation}/resend/",      (L, 404, 404, 302, 404, 404, 404, 404, 302), owner="hr_creator"),
    # Assignments: HR assign to the trainees of their own organization; an assignment is taken back
    # by HR of its trainee's organization alone.
    Row("HR assignments",         "GET",  "/en/hr/assignments/",                          (L, 404, 200, 200, 404, 404, 404, 404, 200), owner="hr_creator"),
    Row("HR assign (post)",       "POST", "/en/hr/assignments/",                          (L, 404, 302, 302, 404, 404, 404, 404, 302), owner="hr_creator",
        data={"course": "{course_key}", "due_on": "2099-01-01", "who": "all"}),
    Row("HR assign in the past",  "POST", "/en/hr/assignments/",                          (L, 404, 400, 400, 404, 404, 404, 404, 400), owner="hr_creator",
        data={"course": "{course_key}", "due_on": "2001-01-01", "who": "all"}),
    Row("HR assignment take back", "POST", "/en/hr/assignments/{assignment}/delete/",     (L, 404, 404, 302, 404, 404, 404, 404, 302), owner="hr_creator"),
    # The owner's organization's trainee by id (ticked, or carried from another page of the picker)
    # or by address: HR of another organization is refused (400, nothing assigned).
    Row("HR assign chosen ids",   "POST", "/en/hr/assignments/",                          (L, 404, 400, 302, 404, 404, 404, 404, 302), owner="hr_creator",
        data={"course": "{course_key}", "due_on": "2099-01-01", "who": "chosen", "members": "{trainee}"}),
    Row("HR assign carried ids",  "POST", "/en/hr/assignments/",                          (L, 404, 400, 302, 404, 404, 404, 404, 302), owner="hr_creator",
        data={"course": "{course_key}", "due_on": "2099-01-01", "who": "chosen", "selected": "{trainee},{other_trainee}"}),
    Row("HR assign pasted emails", "POST", "/en/hr/assignments/",                         (L, 404, 400, 302, 404, 404, 404, 404, 302), owner="hr_creator",
        data={"course": "{course_key}", "due_on": "2099-01-01", "who": "emails", "emails": "{trainee_email}"}),
    # The picker's search and pages assign nothing, whoever posts them.
    Row("HR assign picker page",  "POST", "/en/hr/assignments/",                          (L, 404, 200, 200, 404, 404, 404, 404, 200), owner="hr_creator",
        data={"course": "{course_key}", "due_on": "2099-01-01", "who": "all", "goto": "2"}),
    # Inviting someone who has an account: in another organization (HR of another organization) or a
    # member already (HR of the owner's): refused, nothing invited.
    Row("HR invite a member",     "POST", "/en/hr/invitations/",                          (L, 404, 400, 400, 404, 404, 404, 404, 400), owner="hr_creator",
        data={"email": "{trainee_email}", "language": "en"}),
]
# fmt: on

CELLS = [pytest.param(row, role, id=f"{row.name}-{role}") for row in ROWS for role in ROLES]


def fingerprint() -> tuple:
    """What a refused request must leave as it was."""
    return (
        list(Attempt.objects.order_by("pk").values_list("pk", "status", "score")),
        list(Answer.objects.order_by("pk").values_list("pk", "answered_at", "points", "marker_comment")),
        list(PracticeSession.objects.order_by("pk").values_list("pk", "finished_at", "question_keys")),
        list(PracticeAnswer.objects.order_by("pk").values_list("pk", "answered_at", "rating", "answer_text")),
        list(Certificate.objects.order_by("pk").values_list("pk", "status", "holder_name_latin", "revoked_at")),
        list(Export.objects.order_by("pk").values_list("pk", "status")),
        list(Enrollment.objects.order_by("pk").values_list("pk", "completed_at")),
        LessonCompletion.objects.count(),
        list(User.objects.order_by("pk").values_list("pk", "extra_time")),
        ExtraTimeChange.objects.count(),
        list(Invitation.objects.order_by("pk").values_list("pk", "email", "token", "revoked_at", "expires_at")),
        list(Organization.objects.order_by("pk").values_list("pk", "join_code_enabled")),
        list(CourseAssignment.objects.order_by("pk").values_list("pk", "user_id", "course_key", "due_on")),
    )


@pytest.mark.parametrize(("row", "role"), CELLS)
def test_access(row: Row, role: str, request):
    world = World(request)
    url = world.format(row.url)
    data = {world.format(key): world.format(value) for key, value in row.data.items()}
    client = world.client(role, owner=row.owner)
    expected = row.expected[ROLES.index(role)]
    before = fingerprint()

    response = client.post(url, data) if row.method == "POST" else client.get(url)

    location = response.get("Location", "")
    if expected == L:
        assert response.status_code == 302, (response.status_code, location)
        target = urlparse(location)
        language = url.split("/")[1]  # the login page in the language of the page asked for
        assert target.path == f"/{language}/accounts/login/"
        assert parse_qs(target.query)["next"] == [urlparse(url).path]
    else:
        assert response.status_code == expected, (response.status_code, location)
        if expected == 302:
            assert not urlparse(location).path.endswith("/accounts/login/")
    if expected in (L, 400, 403, 404) or "goto" in data:
        assert fingerprint() == before, "a refused request changed something"
    if expected == 200 and url.endswith(".pdf"):
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    if expected == 200 and url.endswith("/download/"):
        assert response["Content-Type"] == "application/zip"


def test_every_url_with_an_object_id_is_in_the_matrix():
    """A new URL that takes an id has to get its row here."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    ours = ("quizzes/", "learn/", "interviews/", "certificates/", "hr/", "verify/")
    with_ids = {
        route
        for route in walk(get_resolver().url_patterns)
        if "<" in route and re.sub(r"^(en|ar)/", "", route).startswith(ours)
    }
    covered = {row.url.split("?")[0] for row in ROWS}
    placeholder = {
        "<id:pk>": (
            "{quiz}",
            "{draft_quiz}",
            "{attempt_open}",
            "{attempt_done}",
            "{essay_response}",
            "{export}",
            "{trainee}",
            "{invitation}",
            "{assignment}",
        ),
        "<id:course_id>": ("{course}", "{unpublished_course}", "{completed_course}"),
        "<id:lesson_id>": ("{lesson}",),
        "<uuid:key>": ("{lesson_key}",),
        "<uuid:quiz_key>": ("{module_quiz_key}",),
        "<id:session_id>": ("{practice_open_session}", "{practice_answered_session}", "{mock_session}"),
        "<id:answer_id>": ("{practice_open_answer}", "{practice_answered}"),
        "<str:code>": ("{code}", "{names_code}", "{pdf_code}"),
        "<str:language>": ("ar", "en", "fr"),
        "<str:form>": ("jwt", "json", "xml"),
    }

    def matches(route: str, url: str) -> bool:
        pattern = re.escape(route)
        for name, values in placeholder.items():
            pattern = pattern.replace(re.escape(name), "(" + "|".join(re.escape(v) for v in values) + ")")
        return re.search(pattern + "$", url) is not None

    missing = [route for route in with_ids if not any(matches(route, url) for url in covered)]
    assert not missing, f"URLs with an object id and no row in the access matrix: {missing}"
