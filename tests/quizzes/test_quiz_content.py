"""Loading quizzes from content/<lang>/quizzes/*.yaml: validation, parity, writing, re-running."""

import copy
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from content.driver import Report
from content.kinds import quizzes as content
from content.sources import Problems
from quizzes import services
from quizzes.models import Choice, MultipleChoiceQuestion, Question, Quiz, SingleChoiceQuestion, TrueFalseQuestion

KEY = "sample-quiz"


def sample(lang: str) -> dict:
    word = "نص" if lang == "ar" else "text"
    return {
        "key": KEY,
        "title": f"Quiz {word}",
        "description": f"About {word}",
        "category": "role",
        "pass_mark": 60,
        "random_order": False,
        "max_questions": 0,
        "answers_at_end": True,
        "exam_paper": False,
        "single_attempt": False,
        "attempts_allowed": 0,
        "time_limit_minutes": 0,
        "draft": False,
        "success_text": "Yes",
        "fail_text": "No",
        "questions": [
            {
                "key": "one",
                "type": "single_choice",
                "category": "duties",
                "points": 1,
                "text": f"Single {word}?",
                "explanation": "Because.",
                "choices": [
                    {"key": "a", "text": f"A {word}", "correct": True},
                    {"key": "b", "text": f"B {word}", "correct": False},
                ],
            },
            {
                "key": "two",
                "type": "multiple_choice",
                "points": 2,
                "text": f"Multiple {word}?",
                "explanation": "Because.",
                "choices": [
                    {"key": "a", "text": "A", "correct": True},
                    {"key": "b", "text": "B", "correct": True},
                    {"key": "c", "text": "C", "correct": False},
                ],
            },
            {"key": "three", "type": "true_false", "text": f"Statement {word}.", "answer": False, "explanation": "No."},
            {"key": "four", "type": "essay", "points": 3, "text": f"Explain {word}.", "explanation": "Look for X."},
        ],
    }


def write_file(root: Path, lang: str, data, name: str = KEY) -> Path:
    path = root / lang / "quizzes" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "content"
    for lang in ("en", "ar"):
        write_file(root, lang, sample(lang))
    return root


def parse(root):
    problems = Problems()
    return content.parse(root, problems), problems


def test_valid_tree_parses(tree):
    parsed, problems = parse(tree)
    assert not problems, [str(p) for p in problems]
    assert set(parsed) == {KEY} and set(parsed[KEY]) == {"en", "ar"}
    assert [q["type"] for q in parsed[KEY]["en"]["questions"]] == [
        "single_choice",
        "multiple_choice",
        "true_false",
        "essay",
    ]


def test_shipped_quizzes_are_valid():
    parsed, problems = parse(Path(settings.BASE_DIR) / "content")
    assert not problems, "\n".join(str(p) for p in problems)
    for by_lang in parsed.values():
        for quiz in by_lang.values():
            if quiz["pools"]:  # an exam: its questions are its pools'
                continue
            assert len(quiz["questions"]) >= 8
            assert all(q["explanation"] for q in quiz["questions"])


def mutate(fn):
    def apply(data):
        fn(data)
        return data

    return apply


BAD = [
    ("missing title", mutate(lambda d: d.pop("title")), "missing the required field 'title'"),
    ("text pass mark", mutate(lambda d: d.update(pass_mark="70")), "pass_mark must be a whole number"),
    ("pass mark too high", mutate(lambda d: d.update(pass_mark=150)), "between 0 and 100"),
    ("bool as number", mutate(lambda d: d.update(max_questions=True)), "max_questions must be a whole number"),
    ("unknown quiz field", mutate(lambda d: d.update(colour="red")), "unknown field 'colour'"),
    ("unknown question field", mutate(lambda d: d["questions"][0].update(hint="x")), "unknown field 'hint'"),
    ("unknown type", mutate(lambda d: d["questions"][0].update(type="matching")), "type 'matching' must be one of"),
    (
        "two correct single",
        mutate(lambda d: d["questions"][0]["choices"][1].update(correct=True)),
        "exactly one correct choice",
    ),
    (
        "no correct multiple",
        mutate(lambda d: [c.update(correct=False) for c in d["questions"][1]["choices"]]),
        "at least one correct choice",
    ),
    ("true_false without answer", mutate(lambda d: d["questions"][2].pop("answer")), "needs 'answer: true'"),
    (
        "essay with choices",
        mutate(lambda d: d["questions"][3].update(choices=[{"key": "a", "text": "A", "correct": True}])),
        "has no choices",
    ),
    ("answer on a choice question", mutate(lambda d: d["questions"][0].update(answer=True)), "only for true_false"),
    ("duplicate question key", mutate(lambda d: d["questions"][1].update(key="one")), "duplicate question key 'one'"),
    (
        "duplicate choice key",
        mutate(lambda d: d["questions"][1]["choices"][1].update(key="a")),
        "duplicate choice key 'a'",
    ),
    ("key is not the file name", mutate(lambda d: d.update(key="other-quiz")), "does not match the file name"),
    ("bad key", mutate(lambda d: d["questions"][0].update(key="Bad Key")), "must be a slug"),
    ("questions not a list", mutate(lambda d: d.update(questions="none")), "questions must be a list of questions"),
    ("no questions", mutate(lambda d: d.update(questions=[])), "a quiz needs questions, or pools to draw them from"),
    ("question not a mapping", mutate(lambda d: d["questions"].append("just text")), "must be a mapping"),
    ("missing question text", mutate(lambda d: d["questions"][0].pop("text")), "missing the required field 'text'"),
    ("zero points", mutate(lambda d: d["questions"][0].update(points=0)), "points must be a positive whole number"),
    ("yes as text", mutate(lambda d: d["questions"][0]["choices"][0].update(text=True)), "must be text"),
    ("one choice", mutate(lambda d: d["questions"][0]["choices"].pop()), "at least two choices"),
    ("title too long", mutate(lambda d: d.update(title="x" * 201)), "at most 200 characters"),
]


@pytest.mark.parametrize("name, change, message", BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_with_the_file_named(tree, name, change, message):
    # Break the English file and the Arabic one the same way, so parity does not hide the error.
    paths = {lang: write_file(tree, lang, change(copy.deepcopy(sample(lang)))) for lang in ("en", "ar")}
    _parsed, problems = parse(tree)
    matching = [p for p in problems if message in p.message]
    assert matching, [str(p) for p in problems]
    assert {p.path for p in matching} <= set(paths.values())
    assert paths["en"] in {p.path for p in matching}


def test_problems_name_the_line(tree):
    data = sample("en")
    data["questions"][0]["type"] = "matching"
    write_file(tree, "en", data)
    _parsed, problems = parse(tree)
    problem = next(p for p in problems if "matching" in p.message)
    assert problem.where.startswith("line ") and "questions[0].type" in problem.where
    assert str(problem).startswith(str(tree / "en" / "quizzes" / f"{KEY}.yaml"))


def test_invalid_yaml_and_duplicate_fields(tree):
    path = write_file(tree, "en", "key: sample-quiz\ntitle: [unclosed\n")
    _parsed, problems = parse(tree)
    assert any(p.path == path and "invalid YAML" in p.message for p in problems)
    path = write_file(tree, "en", "key: sample-quiz\ntitle: One\ntitle: Two\nquestions: []\n")
    _parsed, problems = parse(tree)
    assert any(p.path == path and "duplicate field" in p.message for p in problems)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            mutate(lambda d: d["questions"][0].update(type="multiple_choice")),
            "has type 'multiple_choice' in en but 'single_choice' in ar",
        ),
        (mutate(lambda d: d["questions"][1].update(points=5)), "has points 5 in en but 2 in ar"),
        (mutate(lambda d: d["questions"][1]["choices"][2].update(correct=True)), "question 'two' has choices"),
        (mutate(lambda d: d["questions"][1]["choices"][2].update(key="z")), "question 'two' has choices"),
        (mutate(lambda d: d["questions"][2].update(answer=True)), "has answer True in en but False in ar"),
        (mutate(lambda d: d["questions"].pop()), "question 'four' exists in ar but not in en"),
        (mutate(lambda d: d.update(pass_mark=80)), "has pass_mark 80 in en but 60 in ar"),
    ],
)
def test_languages_must_match(tree, change, message):
    path = write_file(tree, "en", change(sample("en")))
    _parsed, problems = parse(tree)
    assert any(p.path == path and message in p.message for p in problems), [str(p) for p in problems]


def test_a_quiz_missing_in_one_language(tree):
    write_file(tree, "en", {**sample("en"), "key": "only-english"}, name="only-english")
    _parsed, problems = parse(tree)
    problem = next(p for p in problems if "only-english" in p.message)
    assert problem.path == tree / "ar" / "quizzes" / "only-english.yaml"


def test_not_a_yaml_file(tree):
    (tree / "en" / "quizzes" / "notes.txt").write_text("hello")
    _parsed, problems = parse(tree)
    assert any(p.path.name == "notes.txt" for p in problems)


# Writing ----------------------------------------------------------------------------------


@pytest.fixture
def loaded(db, locales, tree):
    def load(*, force=False):
        parsed, problems = parse(tree)
        assert not problems, [str(p) for p in problems]
        report = Report()
        return content.write(parsed, report=report, force=force), report

    return load


def test_write_creates_then_changes_nothing(loaded):
    result, report = loaded()
    assert report.counts["quiz"]["created"] == 2
    english, arabic = result[KEY]["en"], result[KEY]["ar"]
    assert english.translation_key == arabic.translation_key == content.content_uuid("quiz", KEY)
    assert (english.locale.language_code, arabic.locale.language_code) == ("en", "ar")
    assert english.pass_mark == 60 and arabic.title == "Quiz نص"
    types = [type(q) for q in english.questions.order_by("sort_order")]
    assert types[:3] == [SingleChoiceQuestion, MultipleChoiceQuestion, TrueFalseQuestion]
    assert english.questions.get(key="three").correct_answer is False
    assert Choice.objects.filter(question__quiz=english, correct=True).count() == 3

    result, report = loaded()
    assert report.counts["quiz"] == {"created": 0, "updated": 0, "unchanged": 2, "conflict": 0}
    assert result[KEY]["en"].pk == english.pk


def test_source_changes_update_in_place(loaded, tree):
    result, _report = loaded()
    quiz = result[KEY]["en"]
    one = quiz.questions.get(key="one")
    for lang in ("en", "ar"):
        data = sample(lang)
        data["questions"][0]["text"] = "Changed?"
        data["questions"].append({"key": "five", "type": "true_false", "text": "New.", "answer": True})
        data["questions"] = [q for q in data["questions"] if q["key"] != "four"]
        write_file(tree, lang, data)
    _result, report = loaded()
    assert report.counts["quiz"]["updated"] == 2
    assert quiz.questions.get(key="one").pk == one.pk
    assert quiz.questions.get(key="one").text == "Changed?"
    assert set(quiz.questions.values_list("key", flat=True)) == {"one", "two", "three", "five"}


def test_removed_question_with_answers_is_kept(loaded, tree, trainee):
    result, _report = loaded()
    quiz = result[KEY]["en"]
    services.attempt_start(user=trainee, quiz=quiz)
    for lang in ("en", "ar"):
        data = sample(lang)
        data["questions"].pop()
        write_file(tree, lang, data)
    _result, report = loaded()
    assert quiz.questions.filter(key="four").exists()
    assert not Quiz.objects.get(locale__language_code="ar").questions.filter(key="four").exists()
    assert any("four" in line for line in report.conflicts)


def test_admin_edits_are_a_conflict_unless_forced(loaded):
    result, _report = loaded()
    question = Question.objects.get(quiz=result[KEY]["en"], key="one")
    question.text = "Edited by an editor"
    question.save()
    _result, report = loaded()
    assert report.counts["quiz"]["conflict"] == 1 and report.counts["quiz"]["unchanged"] == 1
    assert Question.objects.get(pk=question.pk).text == "Edited by an editor"

    Choice.objects.filter(question__quiz=result[KEY]["ar"], key="b").update(correct=True)
    _result, report = loaded()
    assert report.counts["quiz"]["conflict"] == 2

    _result, report = loaded(force=True)
    assert report.counts["quiz"]["updated"] == 2
    assert Question.objects.get(pk=question.pk).text == "Single text?"
    _result, report = loaded()
    assert report.counts["quiz"]["unchanged"] == 2


# Retake rules and exams -------------------------------------------------------------------


def exam(lang: str, pools=(KEY,)) -> dict:
    data = {**sample(lang), "key": "the-exam", "max_questions": 2, "attempts_allowed": 2}
    data.pop("questions")
    return data | {"pools": list(pools), "review": "after_passing", "attempts_per_period": 1, "cooldown_hours": 48}


def test_an_exam_draws_from_the_pools_it_names_and_reloads_unchanged(loaded, tree):
    for lang in ("en", "ar"):
        write_file(tree, lang, exam(lang), name="the-exam")
    result, report = loaded()
    english = result["the-exam"]["en"]
    assert list(english.pools.all()) == [result[KEY]["en"]]
    assert list(result["the-exam"]["ar"].pools.all()) == [result[KEY]["ar"]]
    assert (english.review, english.attempts_per_period, english.cooldown_hours) == ("after_passing", 1, 48)
    assert not english.questions.exists()
    _result, report = loaded()
    assert report.counts["quiz"] == {"created": 0, "updated": 0, "unchanged": 4, "conflict": 0}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(pools=["no-such-quiz"]), "quiz 'no-such-quiz' has no file in quizzes/"),
        (lambda d: d.update(pools=["the-exam"]), "cannot draw from its own pool"),
        (lambda d: d.update(review="sometimes"), "review 'sometimes' must be one of immediately"),
        (lambda d: d.update(cooldown_hours=0), "give both attempts_per_period and cooldown_hours"),
        (lambda d: d.update(answers_at_end=False), "cannot hold back its review"),
        (lambda d: d.update(pools=[]), "a quiz needs questions, or pools"),
    ],
)
def test_bad_exam_files_are_refused(tree, change, message):
    for lang in ("en", "ar"):
        data = exam(lang)
        change(data)
        write_file(tree, lang, data, name="the-exam")
    _parsed, problems = parse(tree)
    assert any(message in p.message and p.path.name == "the-exam.yaml" for p in problems), [str(p) for p in problems]


def test_an_exams_pools_must_match_across_languages(tree):
    write_file(tree, "en", {**sample("en"), "key": "other-quiz"}, name="other-quiz")
    write_file(tree, "ar", {**sample("ar"), "key": "other-quiz"}, name="other-quiz")
    write_file(tree, "en", exam("en", pools=[KEY, "other-quiz"]), name="the-exam")
    write_file(tree, "ar", exam("ar"), name="the-exam")
    _parsed, problems = parse(tree)
    assert any("pools" in p.message and "in en but" in p.message for p in problems), [str(p) for p in problems]


def test_the_shipped_module_quizzes_hold_back_their_review_and_pause_after_three_attempts():
    problems = Problems()
    parsed = content.parse(Path(settings.BASE_DIR) / "content", problems)
    assert not problems
    exam_ = parsed["final-exam"]
    for lang in ("en", "ar"):
        final = exam_[lang]
        assert (final["max_questions"], final["time_limit_minutes"], final["attempts_allowed"]) == (30, 45, 2)
        assert (final["cooldown_hours"], final["pass_mark"], len(final["pools"])) == (48, 75, 11)
    for key, by_language in parsed.items():
        for quiz in by_language.values():
            assert quiz["review"] == "after_passing", key
            if key != "final-exam":
                assert (quiz["attempts_per_period"], quiz["cooldown_hours"]) == (3, 24), key
