"""Ordering and numeric questions: cleaning what a trainee posts, grading, the review, the take
page, bad posts through the view, and authoring in both admins."""

import re
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes import services
from quizzes.models import Answer, AnswerValue, Choice, NumericQuestion, OrderingQuestion
from quizzes.numbers import NUMBER_LIMIT, number_display, number_parse, number_text
from tests.quizzes.factories import right_values, wrong_values

ARABIC = re.compile("[\u0600-\u06ff]")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def steps(count: int, points: int = 1, pk: int = 7) -> OrderingQuestion:
    """An ordering question with steps 1..count (ids 1..count, right in that order), without the database."""
    question = OrderingQuestion(pk=pk, points=points, text="Put in order")
    question.__dict__["choice_list"] = [
        Choice(pk=n, key=f"s{n}", text=f"step {n}", sort_order=n) for n in range(1, count + 1)
    ]
    return question


def posted(order) -> list[str]:
    """What the take page posts for the steps `order` (ids in the trainee's order), in any order."""
    return [f"{choice_id}:{place}" for place, choice_id in enumerate(order, start=1)]


def figure(answer="4.5", tolerance="0.1", unit="%", points=2) -> NumericQuestion:
    return NumericQuestion(points=points, answer=Decimal(answer), tolerance=Decimal(tolerance), unit=unit)


def refused(question, values, code):
    """Check `values` are refused with `code` and a message translated into Arabic; return it."""
    messages = {}
    for language in ("en", "ar"):
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                question.clean_answer(values)
            messages[language] = error.value.messages[0]
        assert error.value.error_list[0].code == code
    assert ARABIC.search(messages["ar"]) and messages["ar"] != messages["en"], messages
    return messages["ar"]


# Ordering: cleaning -----------------------------------------------------------------------


def test_an_ordering_post_becomes_the_trainees_order():
    question = steps(4)
    assert question.clean_answer(["3:1", "1:2", "4:3", "2:4"]).order == (3, 1, 4, 2)
    # The selects can arrive in any order: the places decide.
    assert question.clean_answer(["2:4", "4:3", "3:1", "1:2"]).order == (3, 1, 4, 2)
    assert question.clean_answer([]) == AnswerValue()
    assert question.clean_answer(["", "", "", ""]).empty


@pytest.mark.parametrize(
    "values, code",
    [
        (["1:1", "1:2", "3:3", "4:4"], "duplicate"),  # one step twice
        (["1:1", "2:1", "3:3", "4:4"], "duplicate"),  # two steps in one place
        (["1:1", "2:2", "3:3"], "missing"),
        (["1:1", "2:2", "3:3", ""], "missing"),  # one left blank
        (["1:1", "2:2", "3:3", "99:4"], "foreign"),  # another question's choice
        (["1:1", "2:2", "3:3", "4:5"], "out_of_range"),
        (["1:0", "2:2", "3:3", "4:4"], "out_of_range"),
        (["a:1"], "invalid"),
        (["1:x"], "invalid"),
        (["1"], "invalid"),
        (["1:-1"], "invalid"),
        (["١:١", "2:2", "3:3", "4:4"], "invalid"),  # the selects post ASCII only
        (["1:1:1"], "invalid"),
    ],
)
def test_bad_ordering_posts_are_refused_with_a_translated_message(values, code):
    refused(steps(4), values, code)


def test_the_missing_steps_message_counts_them_in_arabic():
    message = refused(steps(5), ["1:1"], "missing")
    assert "5" in message or "٥" in message


# Ordering: grading ------------------------------------------------------------------------


def test_ordering_partial_credit_examples():
    question = steps(4, points=6)
    assert question.grade_answer(AnswerValue(order=(1, 2, 3, 4))) == (Decimal("6.00"), True)
    assert question.grade_answer(AnswerValue(order=(4, 3, 2, 1))) == (Decimal("0.00"), False)
    # One swap of neighbours: 5 of the 6 pairs still in order.
    assert question.grade_answer(AnswerValue(order=(2, 1, 3, 4))) == (Decimal("5.00"), False)
    # The first step last: 3 of 6 pairs.
    assert question.grade_answer(AnswerValue(order=(2, 3, 4, 1))) == (Decimal("3.00"), False)
    assert question.grade_answer(AnswerValue()) == (Decimal("0.00"), False)
    # 2 of 3 pairs of 1 point: 0.666... rounds half up to cents.
    assert steps(3).grade_answer(AnswerValue(order=(2, 1, 3))) == (Decimal("0.67"), False)


def test_a_step_added_after_the_answer_makes_no_pair():
    question = steps(3, points=3)
    answer = AnswerValue(order=(1, 2))  # saved before step 3 was added
    assert question.grade_answer(answer) == (Decimal("1.00"), False)


def concordant_share(order: tuple[int, ...]) -> Decimal:
    """The share of pairs in the right relative order, counted pair by pair (steps are 1..n)."""
    pairs = list(combinations(order, 2))
    return Decimal(sum(1 for first, later in pairs if first < later)) / Decimal(len(pairs))


@given(count=st.integers(2, 8), points=st.integers(1, 20), data=st.data())
@settings(max_examples=300)
def test_ordering_properties(count, points, data):
    question = steps(count, points)
    order = tuple(data.draw(st.permutations(range(1, count + 1))))
    earned, correct = question.grade_answer(question.clean_answer(posted(order)))
    assert Decimal(0) <= earned <= points
    assert earned == (concordant_share(order) * points).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    right = order == tuple(range(1, count + 1))
    assert correct == right
    assert (earned == points) == right  # full points only for the exact order
    # The reverse order earns what this one misses.
    reverse = question.grade_answer(AnswerValue(order=order[::-1]))[0]
    assert abs(earned + reverse - points) <= Decimal("0.01")


@given(count=st.integers(2, 6), data=st.data())
def test_any_post_of_the_wrong_shape_is_refused(count, data):
    question = steps(count)
    values = data.draw(
        st.lists(st.sampled_from([f"{i}:{p}" for i in range(0, count + 2) for p in range(0, count + 2)]))
    )
    cleaned = None
    try:
        cleaned = question.clean_answer(values)
    except ValidationError:
        pass
    if cleaned is not None and values:
        assert sorted(cleaned.order) == list(range(1, count + 1))  # a whole permutation, nothing else


# Ordering: review and input ---------------------------------------------------------------


def test_ordering_review_lists_the_trainees_order_with_the_right_places():
    question = steps(3)
    rows = question.review_rows(AnswerValue(order=(2, 1, 3)))
    assert [(r.text, r.selected, r.correct) for r in rows] == [
        ("step 2", True, False),
        ("step 1", True, False),
        ("step 3", True, True),
    ]
    assert rows[0].note == "Your place 1; it belongs at 2"
    assert rows[2].note == "Your place 3: right"
    with translation.override("ar"):
        arabic = question.review_rows(AnswerValue(order=(2, 1, 3)))
    assert "١" in arabic[0].note and "٢" in arabic[0].note and ARABIC.search(arabic[0].note)
    unanswered = question.review_rows(AnswerValue())
    assert [r.text for r in unanswered] == ["step 1", "step 2", "step 3"] and not any(r.selected for r in unanswered)


def test_the_take_page_order_is_scrambled_the_same_way_every_time():
    for pk in range(1, 40):
        question = steps(4, pk=pk)
        shown = [c.pk for c in question.scrambled_choices]
        assert sorted(shown) == [1, 2, 3, 4] and shown != [1, 2, 3, 4]
        assert [c.pk for c in steps(4, pk=pk).scrambled_choices] == shown
    items = steps(3).input_items(AnswerValue(order=(3, 1, 2)))
    selected = {item["choice"].pk: [n for _v, n, chosen in item["places"] if chosen] for item in items}
    assert selected == {3: [1], 1: [2], 2: [3]}


# Numeric: parsing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, value",
    [
        ("3.5", "3.5"),
        ("3,5", "3.5"),
        ("٣٫٥", "3.5"),
        ("٣.٥", "3.5"),
        ("٣,٥", "3.5"),
        ("۳٫۵", "3.5"),  # Eastern Arabic (Persian) digits
        ("  3.5 ", "3.5"),
        ("\u200f٣٫٥\u200e", "3.5"),  # direction marks from an Arabic keyboard
        ("-3.5", "-3.5"),
        ("\u22123.5", "-3.5"),
        (".5", "0.5"),
        ("5.", "5"),
        ("0,125", "0.125"),  # a leading 0: a decimal, not a thousands group
        ("12,5", "12.5"),
        ("1,2500", "1.25"),
        ("1.250", "1.25"),  # the point is always decimal
        ("1250", "1250"),
        ("٢٥٠", "250"),
        ("3.50", "3.5"),
        ("-0", "0"),
        ("1000000000", "1000000000"),
    ],
)
def test_accepted_numbers(raw, value):
    assert number_text(number_parse(raw)) == value
    assert figure().clean_answer([raw]).text == value


@pytest.mark.parametrize(
    "raw, code",
    [
        ("3.5%", "invalid"),
        ("abc", "invalid"),
        ("1e5", "invalid"),
        ("3..5", "invalid"),
        ("3.5.1", "invalid"),
        ("+3", "invalid"),
        ("3 5", "invalid"),
        ("--3", "invalid"),
        ("3-", "invalid"),
        ("-", "invalid"),
        (".", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("0x10", "invalid"),
        ("½", "invalid"),
        ("३", "invalid"),  # Devanagari digits: Decimal would take them, the rule does not
        ("1,234.5", "invalid"),
        ("SAR 40", "invalid"),
        ("9" * 41, "invalid"),
        ("1,250", "grouped"),
        ("12,500,000", "grouped"),
        ("١٬٢٥٠", "grouped"),
        ("1000000000.01", "out_of_range"),
        ("-2000000000", "out_of_range"),
    ],
)
def test_refused_numbers(raw, code):
    refused(figure(), [raw], code)


def test_one_number_only_and_blank_is_no_answer():
    refused(figure(), ["1", "2"], "too_many")
    assert figure().clean_answer([" "]) == AnswerValue()
    assert figure().clean_answer([]) == AnswerValue()


decimals = st.decimals(min_value=-NUMBER_LIMIT, max_value=NUMBER_LIMIT, places=4, allow_nan=False)


@given(
    value=decimals, separator=st.sampled_from([".", ",", "٫"]), digits=st.sampled_from([None, ARABIC_INDIC, PERSIAN])
)
@settings(max_examples=300)
def test_numbers_round_trip_in_every_digit_set(value, separator, digits):
    text = format(value, "f").replace(".", separator)
    if digits:
        text = text.translate(digits)
    if re.fullmatch(r"-?[1-9]\d{0,2},\d{3}", format(value, "f").replace(".", ",")) and separator == ",":
        return  # "1,250" reads as grouping and is refused on purpose (test_refused_numbers)
    assert number_parse(text) == value
    stored = number_text(number_parse(text))
    assert Decimal(stored) == value and "E" not in stored
    for language in ("en", "ar"):
        assert number_parse(number_display(stored, language)) == value


# Anything with a character outside digits, separators and a minus is refused.
strange = st.text(min_size=1, max_size=12).filter(
    lambda t: re.search(r"[^\s0-9٠-٩۰-۹.,٫٬\-\u2212\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]", t)
)


@given(raw=strange)
@settings(max_examples=300)
def test_anything_else_is_refused(raw):
    with pytest.raises(ValidationError):
        number_parse(raw)


# Numeric: grading and review --------------------------------------------------------------


def test_numeric_grading_uses_the_tolerance():
    question = figure()
    assert question.grade_answer(question.clean_answer(["4.5"])) == (Decimal("2.00"), True)
    assert question.grade_answer(question.clean_answer(["٤٫٦"])) == (Decimal("2.00"), True)  # at the edge
    assert question.grade_answer(question.clean_answer(["4,4"])) == (Decimal("2.00"), True)
    assert question.grade_answer(question.clean_answer(["4.61"])) == (Decimal("0.00"), False)
    assert question.grade_answer(question.clean_answer(["45"])) == (Decimal("0.00"), False)
    assert question.grade_answer(AnswerValue()) == (Decimal("0.00"), False)
    exact = figure(answer="40", tolerance="0", unit="SAR")
    assert exact.grade_answer(exact.clean_answer(["40.0"]))[1] is True
    assert exact.grade_answer(exact.clean_answer(["40.01"]))[1] is False


@given(answer=decimals, tolerance=st.decimals(0, 1000, places=2), offset=st.decimals(-2000, 2000, places=2))
def test_numeric_full_points_exactly_within_the_tolerance(answer, tolerance, offset):
    question = figure(answer=answer, tolerance=tolerance, points=3)
    given_value = answer + offset
    if abs(given_value) > NUMBER_LIMIT:
        return
    earned, correct = question.grade_answer(AnswerValue(text=number_text(given_value)))
    assert correct == (abs(offset) <= tolerance)
    assert earned == (Decimal(3) if correct else Decimal(0))


def test_numeric_review_row():
    question = figure()
    (row,) = question.review_rows(question.clean_answer(["3,5"]))
    assert (row.text, row.selected, row.correct) == ("Your answer: 3.5\u00a0%", True, False)
    assert row.note == "Right answer: 4.5\u00a0% (± 0.1)"
    with translation.override("ar"):
        (arabic,) = question.review_rows(question.clean_answer(["3.5"]))
    assert "٣٫٥" in arabic.text and "٤٫٥" in arabic.note and "٠٫١" in arabic.note
    (blank,) = question.review_rows(AnswerValue())
    assert not blank.selected and "4.5" in blank.note
    (exact,) = figure(answer="40", tolerance="0", unit="").review_rows(AnswerValue(text="40"))
    assert exact.correct and exact.note == "Right answer: 40"


# Through the pages ------------------------------------------------------------------------


def take_url(attempt, lang="en"):
    with translation.override(lang):
        return reverse("quizzes:take", args=[attempt.pk])


def post_of(row, values):
    return {"question": [str(row.question_id)], f"q-{row.question_id}": values, "position": row.position}


@pytest.fixture
def started(make_quiz, trainee, client):
    def start(**fields):
        quiz = make_quiz(kinds=["ordering", "numeric"], **fields)
        attempt = services.attempt_start(user=trainee, quiz=quiz)
        client.force_login(trainee)
        rows = list(attempt.answers.order_by("position"))
        questions = {r.position: r.question.get_real_instance() for r in rows}
        return attempt, rows, questions

    return start


@pytest.mark.django_db
def test_the_take_page_renders_both_types(started, client):
    attempt, rows, questions = started()
    page = client.get(take_url(attempt) + "?q=1")
    assert page.status_code == 200
    ordering = questions[1]
    selects = re.findall(rf'<select name="q-{ordering.pk}"', page.text)
    assert len(selects) == 4
    shown = re.findall(r"Step ([a-d]) of 1", page.text)
    assert sorted(shown) == ["a", "b", "c", "d"] and shown != ["a", "b", "c", "d"]
    page = client.get(take_url(attempt) + "?q=2")
    assert f'name="q-{questions[2].pk}"' in page.text and 'inputmode="decimal"' in page.text and ">%<" in page.text


@pytest.mark.django_db
def test_answers_are_saved_shown_again_and_graded(started, client):
    attempt, rows, questions = started()
    ordering = questions[1]
    steps_ = list(ordering.choices.all())
    swapped = [steps_[1], steps_[0], steps_[2], steps_[3]]
    assert client.post(take_url(attempt), post_of(rows[0], posted([c.pk for c in swapped]))).status_code == 302
    assert client.post(take_url(attempt), post_of(rows[1], ["٤٫٥٥"])).status_code == 302
    saved = {a.position: a for a in Answer.objects.filter(attempt=attempt)}
    assert saved[1].answer_order == [c.pk for c in swapped] and saved[1].answered_at
    assert saved[2].answer_text == "4.55"
    page = client.get(take_url(attempt) + "?q=1")
    assert f'value="{steps_[1].pk}:1" selected' in page.text
    page = client.get(take_url(attempt, "ar") + "?q=2")
    assert 'value="٤.٥٥"' in page.text
    submitted = services.attempt_submit(attempt=attempt)
    graded = {a.position: a for a in Answer.objects.filter(attempt=attempt)}
    assert graded[1].points == Decimal("0.83") and graded[1].correct is False  # 5 of 6 pairs of 1 point
    assert graded[2].points == Decimal("1.00") and graded[2].correct is True
    assert submitted.score == Decimal("1.83")
    with translation.override("en"):
        result = client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert result.status_code == 200
    # The quiz shows its full review after every attempt (the default).
    assert "Your place 1; it belongs at 2" in result.text
    assert "Right answer: 4.5" in result.text and "Your answer: 4.55" in result.text


@pytest.mark.django_db
def test_right_and_wrong_values_of_the_factories(started):
    _attempt, _rows, questions = started()
    for question in questions.values():
        assert question.grade_answer(question.clean_answer(right_values(question)))[1] is True
        assert question.grade_answer(question.clean_answer(wrong_values(question))) == (Decimal("0.00"), False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "position, values",
    [
        (1, "duplicate"),
        (1, "missing"),
        (1, "foreign"),
        (2, ["3.5%"]),
        (2, ["1,250"]),
        (2, ["99999999999"]),
    ],
)
def test_bad_posts_answer_400_in_arabic_and_save_nothing(started, client, position, values):
    attempt, rows, questions = started()
    ids = [c.pk for c in questions[1].choices.all()]
    if values == "duplicate":
        values = [f"{ids[0]}:1", f"{ids[0]}:2", f"{ids[2]}:3", f"{ids[3]}:4"]
    elif values == "missing":
        values = [f"{ids[0]}:1", f"{ids[1]}:2"]
    elif values == "foreign":
        values = [f"{ids[0]}:1", f"{ids[1]}:2", f"{ids[2]}:3", f"{ids[3] + 1000}:4"]
    response = client.post(take_url(attempt, "ar"), post_of(rows[position - 1], values))
    assert response.status_code == 400
    assert ARABIC.search(response.context["message"]), response.context["message"]
    for answer in Answer.objects.filter(attempt=attempt):
        assert (answer.answered_at, answer.answer_order, answer.answer_text) == (None, [], "")


@pytest.mark.django_db
def test_an_exam_paper_with_one_bad_answer_saves_none(started, client):
    attempt, rows, questions = started(exam_paper=True)
    data = {
        "question": [str(r.question_id) for r in rows],
        f"q-{questions[1].pk}": right_values(questions[1]),
        f"q-{questions[2].pk}": ["abc"],
    }
    assert client.post(take_url(attempt), data).status_code == 400
    assert not Answer.objects.filter(attempt=attempt, answered_at__isnull=False).exists()
    data[f"q-{questions[2].pk}"] = ["4,5"]
    assert client.post(take_url(attempt), data).status_code == 302
    assert Answer.objects.filter(attempt=attempt, answered_at__isnull=False).count() == 2


@pytest.mark.django_db
@given(raw=strange)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_refused_numbers_never_save(make_quiz, trainee, raw):
    quiz = make_quiz(kinds=["numeric"])
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    row = attempt.answers.get()
    with pytest.raises(services.QuizError) as error:
        services.answer_save(attempt=attempt, question_id=row.question_id, values=[raw])
    assert error.value.status == 400
    row.refresh_from_db()
    assert (row.answer_text, row.answered_at) == ("", None)


# Authoring --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def question_form(quiz, key):
    return {
        "quiz": quiz.pk,
        "key": key,
        "sort_order": 1,
        "points": 2,
        "category": "crisis",
        "text": "Put these in order.",
        "explanation": "Because.",
    }


@pytest.mark.django_db
def test_wagtail_creates_an_ordering_question_with_its_steps_in_order(admin_client, make_quiz):
    quiz = make_quiz(kinds=[])
    viewset = OrderingQuestion.snippet_viewset
    add = reverse(viewset.get_url_name("add"))
    page = admin_client.get(add)
    assert page.status_code == 200 and "trainees see them scrambled" in page.text
    data = question_form(quiz, "crisis-steps") | {
        "choices-TOTAL_FORMS": 3,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    # Listed b, a, c, then moved so that the order is a, b, c (Wagtail's move buttons set ORDER).
    for n, (key, order) in enumerate([("b", 2), ("a", 1), ("c", 3)]):
        data |= {f"choices-{n}-key": key, f"choices-{n}-text": f"Step {key}", f"choices-{n}-ORDER": order}
    response = admin_client.post(add, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    question = OrderingQuestion.objects.get(quiz=quiz, key="crisis-steps")
    assert [c.key for c in question.choices.all()] == ["a", "b", "c"]
    edit = admin_client.get(reverse(viewset.get_url_name("edit"), args=[question.pk]))
    assert edit.status_code == 200 and "Step b" in edit.text


@pytest.mark.django_db
def test_wagtail_creates_a_numeric_question_and_refuses_a_negative_tolerance(admin_client, make_quiz):
    quiz = make_quiz(kinds=[])
    add = reverse(NumericQuestion.snippet_viewset.get_url_name("add"))
    assert admin_client.get(add).status_code == 200
    data = question_form(quiz, "cpa") | {"answer": "40", "tolerance": "-1", "unit": "SAR"}
    assert admin_client.post(add, data).status_code == 200  # the form again, with the error
    assert not NumericQuestion.objects.exists()
    response = admin_client.post(add, data | {"tolerance": "0.5"})
    assert response.status_code == 302
    question = NumericQuestion.objects.get(quiz=quiz, key="cpa")
    assert (question.answer, question.tolerance, question.unit) == (Decimal("40"), Decimal("0.5"), "SAR")


@pytest.mark.django_db
def test_django_admin_creates_both_types(admin_client, make_quiz):
    quiz = make_quiz(kinds=["ordering", "numeric"])
    for name in ("orderingquestion", "numericquestion"):
        assert admin_client.get(reverse(f"admin:quizzes_{name}_add")).status_code == 200
    assert "Step a of 1" not in admin_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).text
    data = question_form(quiz, "engagement") | {"answer": "4.5", "tolerance": "0.1", "unit": "%"}
    response = admin_client.post(reverse("admin:quizzes_numericquestion_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert NumericQuestion.objects.filter(quiz=quiz, key="engagement").exists()
    data = question_form(quiz, "steps") | {
        "choices-TOTAL_FORMS": 2,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
        "choices-0-key": "second",
        "choices-0-text": "Then this",
        "choices-0-sort_order": 2,
        "choices-1-key": "first",
        "choices-1-text": "First this",
        "choices-1-sort_order": 1,
    }
    response = admin_client.post(reverse("admin:quizzes_orderingquestion_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    question = OrderingQuestion.objects.get(quiz=quiz, key="steps")
    assert [c.key for c in question.choices.all()] == ["first", "second"]
    change = admin_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert change.status_code == 200 and "First this" in change.text
