"""In English, in a real browser: a trainee switches language mid-course and keeps the progress."""

import pytest

from tests.e2e.helpers import (
    Trainee,
    assert_lines_of_at_most_75_characters,
    assert_ltr_layout,
    click_and_wait,
    course_title,
    done_marks,
    mark_lesson_done,
    norm,
    on_lesson,
    open_course,
    progress_percent,
    read_module,
    shot,
    sign_up,
    switch_language,
    take_quiz,
)

pytestmark = pytest.mark.e2e


def test_switching_language_mid_course_keeps_the_progress(new_page):
    page = new_page("en-US")
    trainee = Trainee.new(language="en", name_latin="Karim Mansour", name_arabic="كريم منصور")
    sign_up(page, trainee)
    assert_ltr_layout(page)
    shot(page, "en-home")

    open_course(page, "en")
    assert_lines_of_at_most_75_characters(page)
    shot(page, "en-course")
    click_and_wait(page, page.locator("main form[action*='/enroll/'] button[type=submit]"))
    assert on_lesson(page)
    assert_lines_of_at_most_75_characters(page)
    shot(page, "en-lesson")
    mark_lesson_done(page)
    mark_lesson_done(page)
    assert on_lesson(page)
    english_lesson = page.url
    before = progress_percent(page)
    assert before == 25  # 2 of 8 steps: 6 lessons and 2 module quizzes
    assert done_marks(page) == 2
    # The words beside the bar are the same numbers: "25% complete — 2 of 6 lessons · 0 of 2 quizzes".
    assert norm(page.locator("main .progress-text").first.inner_text()) == (
        "25% complete — 2 of 6 lessons · 0 of 2 quizzes"
    )

    # The switcher leads to the same lesson in Arabic, with the same progress.
    switch_language(page, "ar")
    assert page.url != english_lesson and "/ar/" in page.url
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert on_lesson(page)
    assert progress_percent(page) == before
    assert done_marks(page) == 2

    # Progress made in Arabic shows in English too: the course page, on both sides.
    mark_lesson_done(page)  # the module's last lesson: on to the module page
    assert "/ar/" in page.url
    click_and_wait(page, page.locator("main p.muted a").first)  # up to the course
    arabic = progress_percent(page)
    assert arabic == 38  # 3 of 8
    switch_language(page, "en")
    assert "/en/" in page.url and page.locator("main h1").inner_text().strip() == course_title("en")
    assert progress_percent(page) == arabic
    assert norm(page.locator("main .progress-text").first.inner_text()) == (
        "38% complete — 3 of 6 lessons · 0 of 2 quizzes"
    )
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"

    # The module quiz, in English.
    click_and_wait(page, page.locator("main section.card h3 a").first)
    assert read_module(page) == 0
    assert_lines_of_at_most_75_characters(page)  # the module page
    take_quiz(page, screenshots="en")
