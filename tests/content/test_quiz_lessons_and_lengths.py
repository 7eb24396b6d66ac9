"""Quiz files for assessment (issue 14): every question names the lesson that teaches it, and
`--check` warns when a quiz's right answers can be told by their length."""

from pathlib import Path

import pytest
from django.core.management import call_command

from content import driver, loader
from content.keys import content_uuid
from content.kinds import KINDS
from content.kinds.quizzes import _right_is_longest, answer_length_warnings
from content.sources import Problems
from courses.models import LessonPage
from quizzes.models import Question
from tests.content.test_content_driver import problems_of, tree  # noqa: F401 - the fixture
from tests.quizzes.test_quiz_content import sample, write_file

pytestmark = pytest.mark.django_db


def with_lessons(lang: str, lessons: dict) -> dict:
    quiz = sample(lang)
    for question in quiz["questions"]:
        if question["key"] in lessons:
            question["lesson"] = lessons[question["key"]]
    return quiz


def test_a_question_stores_the_lesson_it_names_the_same_in_every_language(tree, locales):  # noqa: F811
    for lang in ("en", "ar"):
        write_file(tree, lang, with_lessons(lang, {"one": "lesson-1-2"}))
    loader.content_load(root=tree)
    lesson_keys = {q.quiz.locale.language_code: q.lesson_key for q in Question.objects.filter(key="one")}
    assert lesson_keys == {"en": content_uuid("lesson", "lesson-1-2"), "ar": content_uuid("lesson", "lesson-1-2")}
    # The key is the lesson page's translation key: courses finds the page in either language.
    assert LessonPage.objects.filter(translation_key=lesson_keys["en"]).count() == 2
    assert Question.objects.get(key="two", quiz__locale__language_code="en").lesson_key is None


def test_an_unknown_lesson_is_refused_with_file_and_line(tree):  # noqa: F811
    for lang in ("en", "ar"):
        write_file(tree, lang, with_lessons(lang, {"one": "no-such-lesson"}))
    problems = problems_of(tree)
    assert any("no-such-lesson" in p and ":line " in p for p in problems), problems


def test_the_lesson_must_be_the_same_in_every_language(tree):  # noqa: F811
    write_file(tree, "en", with_lessons("en", {"one": "lesson-1-1"}))
    write_file(tree, "ar", with_lessons("ar", {"one": "lesson-1-2"}))
    problems = problems_of(tree)
    assert any("names the lesson" in p for p in problems), problems


def test_naming_lessons_later_is_an_update_not_a_conflict(tree, locales):  # noqa: F811
    """A quiz loaded before its questions named lessons keeps its fingerprint: adding the lessons
    to the files updates it, without being taken for an editor's change."""
    loader.content_load(root=tree)
    for lang in ("en", "ar"):
        write_file(tree, lang, with_lessons(lang, {"one": "lesson-1-1", "two": "lesson-1-2"}))
    assert loader.content_load(root=tree).counts["quiz"] == {"created": 0, "updated": 2, "unchanged": 0, "conflict": 0}


def long_right_answers(lang: str, giveaways: int, total: int = 4) -> dict:
    """A quiz of `total` single-choice questions whose right answer is the unique longest option
    in `giveaways` of them."""
    quiz = sample(lang)
    quiz["questions"] = [
        {
            "key": f"q{n}",
            "type": "single_choice",
            "text": f"Question {n}?",
            "choices": [
                {
                    "key": "a",
                    "text": "The right answer, spelt out at length" if n < giveaways else "Right",
                    "correct": True,
                },
                {"key": "b", "text": "Wrong one", "correct": False},
                {
                    "key": "c",
                    "text": "Another wrong" if n < giveaways else "A wrong answer that is longer",
                    "correct": False,
                },
            ],
        }
        for n in range(total)
    ]
    return quiz


def test_check_warns_when_the_longest_option_is_right_too_often(tree, capsys):  # noqa: F811
    for lang in ("en", "ar"):
        write_file(tree, lang, long_right_answers(lang, giveaways=2))  # 2 of 4: 50% > 35%
    call_command("load_content", check=True, root=tree)
    err = capsys.readouterr().err
    assert err.count("the right answer is the longest option in 2 of 4 single-choice questions") == 2
    assert "sample-quiz" in err and ":line " in err


def test_no_warning_at_or_below_the_limit(tree):  # noqa: F811
    for lang in ("en", "ar"):
        write_file(tree, lang, long_right_answers(lang, giveaways=1))  # 1 of 4: 25%
    parsed = loader.content_validate(root=tree)
    assert not [w for w in parsed.warnings if "longest option" in w.message]


def test_a_tie_for_longest_gives_nothing_away():
    assert not _right_is_longest([{"text": "same", "correct": True}, {"text": "size", "correct": False}])
    assert _right_is_longest([{"text": "longer", "correct": True}, {"text": "short", "correct": False}])


def test_the_shipped_quizzes_name_a_lesson_for_every_question_and_give_nothing_away_by_length():
    problems = Problems()
    parsed = driver.parse(KINDS, Path(loader.content_root()), problems)
    assert not problems, [str(p) for p in problems][:10]
    assert not answer_length_warnings(parsed["quiz"]), [str(w) for w in answer_length_warnings(parsed["quiz"])]
    missing = [
        f"{item.path.name}: {q['key']}"
        for by_language in parsed["quiz"].values()
        for item in by_language.values()
        for q in item["questions"]
        if not q["lesson"]
    ]
    assert not missing, missing[:10]
