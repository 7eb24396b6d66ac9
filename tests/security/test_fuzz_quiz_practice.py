"""Random forms against the quiz and interview practice endpoints (Hypothesis): whatever is posted (random
keys, huge strings, any Unicode, NUL bytes, negative and huge numbers, several values per
key), the answer is a page or a refusal, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviews import services as practice_services
from quizzes import services as quiz_services
from tests.security.world import World

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

ODD = [
    "", "0", "1", "-1", "-0", "00", "+1", " 1 ", "1.5", "1e309", "nan", "inf", "-inf", "0x10",
    "9" * 30, "-" + "9" * 30, "2147483648", "-9223372036854775809", "²", "١٢", "৩", "٣٫٥",
    "\x00", "a\x00b", "\x00" * 3, "\r\n", "\t", "true", "false", "True", "on", "null", "None",
    "again", "hard", "good", "easy", "5", "specialist", "manager", "director", "tools-analytics",
    "next", "prev", "<script>alert(1)</script>", "' OR 1=1 --", "%s%s%s", "{0}", "../../etc/passwd",
]  # fmt: skip
HUGE = ["x" * 100_000, "ا" * 20_000, "\x00" * 5_000, "9" * 5_000]
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)


def values(real: list[str]):
    """One posted value: an odd one, a real id, a huge one, or random Unicode (NUL included)."""
    return st.one_of(
        st.sampled_from(ODD),
        st.sampled_from(real or ["1"]),
        st.sampled_from(HUGE),
        TEXT,
        st.builds(lambda a, b: a + "\x00" + b, TEXT, TEXT),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def forms(keys: list[str], real: list[str]):
    """A posted form: known and random keys, each with one value or several."""
    key = st.one_of(st.sampled_from(keys), st.sampled_from(keys), TEXT.filter(bool))
    value = st.one_of(values(real), st.lists(values(real), min_size=0, max_size=4))
    return st.dictionaries(key, value, max_size=8)


def assert_no_server_error(response, url, data):
    assert response.status_code < 500, (url, {k: (v[:80] if isinstance(v, str) else v) for k, v in data.items()})


@pytest.fixture
def world(request, settings):
    settings.INTERVIEWS_NEW_PER_DAY = 10_000
    world = World(request)
    world.quiz  # noqa: B018
    world.practice_bank  # noqa: B018
    return world


def test_random_quiz_forms_never_make_a_500(world):
    quiz = world.quiz
    questions = list(quiz.questions.all())
    real = [str(q.pk) for q in questions] + [str(c.pk) for q in questions for c in q.choices.all()]
    keys = ["question", "go", "position", "q", "page", "points", "comment"] + [f"q-{q.pk}" for q in questions]
    trainee, marker = world.client("owner"), world.client("superuser")
    essay = world.essay_response

    @FUZZ
    @given(
        endpoint=st.sampled_from(["start", "take", "take-get", "submit", "result", "mine", "mark", "queue"]),
        language=st.sampled_from(["en", "ar"]),
        data=forms(keys, real),
    )
    def run(endpoint, language, data):
        attempt = quiz_services.attempt_start(user=world.trainee, quiz=quiz)
        base = f"/{language}/quizzes"
        if endpoint == "start":
            url, response = f"{base}/{quiz.pk}/start/", trainee.post(f"{base}/{quiz.pk}/start/", data)
        elif endpoint == "take":
            url = f"{base}/attempts/{attempt.pk}/"
            response = trainee.post(url, data)
        elif endpoint == "take-get":
            url = f"{base}/attempts/{attempt.pk}/"
            response = trainee.get(url, data)
        elif endpoint == "submit":
            url = f"{base}/attempts/{attempt.pk}/submit/"
            response = trainee.post(url, data)
        elif endpoint == "result":
            url = f"{base}/attempts/{world.attempt_done.pk}/result/"
            response = trainee.get(url, data)
        elif endpoint == "mine":
            url = f"{base}/mine/"
            response = trainee.get(url, data)
        elif endpoint == "mark":
            url = f"{base}/marking/{essay.pk}/"
            response = marker.post(url, data)
        else:
            url = f"{base}/marking/"
            response = marker.get(url, data)
        assert_no_server_error(response, url, data)

    run()


def test_random_practice_forms_never_make_a_500(world):
    questions = [q for pair in world.practice_bank for q in pair.values()]
    real = [str(q.translation_key) for q in questions] + [p.key for q in questions for p in q.key_points.all()]
    keys = ["answer", "give_up", "rating", "covered", "category", "level", "count", "page"]
    trainee = world.client("owner")
    locale = world.locales["en"]

    def open_answer():
        session = practice_services.practice_start(user=world.trainee)
        answer = practice_services.practice_next(session=session, locale=locale)
        if answer is None:  # nothing left today: a mock interview always has questions
            session = practice_services.mock_start(user=world.trainee, level="specialist", count=3, locale=locale)
            answer = session.answers.order_by("position").first()
        return answer

    @FUZZ
    @given(
        endpoint=st.sampled_from(
            ["practice", "mock", "submit", "rate", "next", "finish", "home", "question", "reveal"]
        ),
        language=st.sampled_from(["en", "ar"]),
        data=forms(keys, real),
    )
    def run(endpoint, language, data):
        base = f"/{language}/interviews"
        answer = open_answer()
        if endpoint in ("rate", "reveal"):
            answer = practice_services.answer_submit(answer=answer, text="I schedule with Buffer.")
        urls = {
            "practice": ("POST", f"{base}/practice/start/"),
            "mock": ("POST", f"{base}/mock/start/"),
            "submit": ("POST", f"{base}/answers/{answer.pk}/submit/"),
            "rate": ("POST", f"{base}/answers/{answer.pk}/rate/"),
            "next": ("POST", f"{base}/sessions/{answer.session_id}/next/"),
            "finish": ("POST", f"{base}/sessions/{answer.session_id}/finish/"),
            "home": ("GET", f"{base}/"),
            "question": ("GET", f"{base}/answers/{answer.pk}/"),
            "reveal": ("GET", f"{base}/answers/{answer.pk}/reveal/"),
        }
        method, url = urls[endpoint]
        response = trainee.post(url, data) if method == "POST" else trainee.get(url, data)
        assert_no_server_error(response, url, data)

    run()


# NUL bytes found by the runs above on PostgreSQL (its text cannot hold one): each place is kept here.

NUL = "before\x00after"


def test_nul_bytes_in_answers_and_searches_are_not_a_500(world):
    trainee = world.client("owner")
    answer, attempt, essay = world.practice_open_answer, world.attempt_open, world.essay_question
    response = trainee.post(f"/en/interviews/answers/{answer.pk}/submit/", {"answer": NUL})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.answer_text == "beforeafter"
    response = trainee.post(f"/en/quizzes/attempts/{attempt.pk}/", {"question": essay.pk, f"q-{essay.pk}": NUL})
    assert response.status_code == 302
    assert attempt.answers.get(question=essay).answer_text == "beforeafter"
    assert trainee.get("/en/learn/search/", {"q": NUL}).status_code == 200
    hr = world.client("owner", owner="hr_creator")
    for url in ["/en/hr/", "/en/hr/trainees.csv"]:
        assert hr.get(url, {"q": NUL}).status_code == 200
    assert hr.post("/en/hr/exports/", {"q": NUL}).status_code == 302
    marker = world.client("superuser")
    assert (
        marker.post(f"/en/quizzes/marking/{world.essay_response.pk}/", {"points": "1", "comment": NUL}).status_code
        == 400
    )
    assert world.client("anonymous").get("/verify/", {"code": NUL}).status_code == 400


@pytest.mark.parametrize("rating", ["²", "9" * 5000, "-1", "1.0", "0"])
def test_odd_ratings_are_refused_not_a_500(world, rating):
    """Found by the runs above: "²".isdigit() is true but int("²") fails, and int() refuses 5,000 digits."""
    answered = practice_services.answer_submit(answer=world.practice_open_answer, text="I schedule with Buffer.")
    response = world.client("owner").post(f"/en/interviews/answers/{answered.pk}/rate/", {"rating": rating})
    assert response.status_code == 400
