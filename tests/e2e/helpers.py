"""What the browser tests do on the pages: sign up, read, take quizzes, download, screenshot.

Selectors are the pages' own: form field ids, roles, link targets and the CSS classes of
masar.css; the quiz answers come from the content files, matched by the text on the page."""

import csv
import html
import io
import os
import re
import time
import unicodedata
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypdf
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
SCREENSHOTS = ROOT / "screenshots"
COURSE_KEY = "interview-readiness"  # the shorter course: 2 modules of 3 lessons
PASSWORD = "Tr4in-the-browser!"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "masar-demo")  # what seed_demo sets
RENDER_TIMEOUT_MS = 90_000  # a certificate rendered, a ZIP built: bounded, with room for a slow machine


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


# An Arabic quiz page shows the content's Western digits in Arabic-Indic form (one digit style on
# the page): the answer key is matched with both sides' digits and separators folded to Western.
_WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩٫٬٪", "0123456789.,%")


def key_text(text: str) -> str:
    return norm(text).translate(_WESTERN)


# --- content ----------------------------------------------------------------------------------


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def course_title(language: str, key: str = COURSE_KEY) -> str:
    return front_matter(CONTENT / language / "courses" / key / "course.md")["title"]


@cache
def answer_key() -> dict[str, dict]:
    """{question text as shown: question spec} for every quiz in both languages."""
    key = {}
    for path in sorted(CONTENT.glob("*/quizzes/*.yaml")):
        quiz = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in quiz.get("questions", []):  # an exam has none of its own: its pools are other quizzes
            key[key_text(question["text"])] = question
    return key


# --- people -----------------------------------------------------------------------------------


@dataclass
class Trainee:
    username: str
    email: str
    name_latin: str
    name_arabic: str
    language: str
    organization_code: str = "DEMO-CO"
    password: str = PASSWORD

    @classmethod
    def new(cls, *, language: str, name_latin: str, name_arabic: str, organization_code: str = "DEMO-CO"):
        tag = uuid.uuid4().hex[:8]
        return cls(
            username=f"e2e-{tag}",
            email=f"e2e-{tag}@example.com",
            name_latin=name_latin,
            name_arabic=name_arabic,
            language=language,
            organization_code=organization_code,
        )


# --- page actions ----------------------------------------------------------------------------


# The widths: a desktop of 1366x900 (every browser context opens at it) and a phone of
# 390x844 for the phone screenshots; the no-sideways-scrolling checks use a narrower 360 px phone.
# The start of a `manage.py shell -c` script that seeds quizzes of its own: `two_question_quiz`
# makes one quiz in English and Arabic under one key (the questions share keys): a single choice
# question (1 point) taught by `lesson`, a multiple choice one (2 points, 2 of 3 options right).
# `texts[language]` holds the 7 texts in order: question, right, wrong, question, right, right, wrong.
QUIZ_SEEDING = """
import json, uuid
from wagtail.models import Locale
from courses.models import LessonPage, ModulePage
from quizzes.models import Choice, MultipleChoiceQuestion, Quiz, SingleChoiceQuestion

def two_question_quiz(*, texts, titles, topics, lesson, **fields):
    key, ids = uuid.uuid4(), {}
    for language, t in texts.items():
        quiz = Quiz.objects.create(locale=Locale.objects.get(language_code=language), translation_key=key,
                                   title=titles[language], pass_mark=80, **fields)
        single = SingleChoiceQuestion.objects.create(quiz=quiz, key="q1", sort_order=1, text=t[0], points=1,
                                                     category=topics[0], lesson_key=lesson.translation_key)
        Choice.objects.create(question=single, key="a", text=t[1], correct=True, sort_order=0)
        Choice.objects.create(question=single, key="b", text=t[2], correct=False, sort_order=1)
        multiple = MultipleChoiceQuestion.objects.create(quiz=quiz, key="q2", sort_order=2, text=t[3], points=2,
                                                         category=topics[1])
        for n, (k, text, right) in enumerate([("a", t[4], True), ("b", t[5], True), ("c", t[6], False)]):
            Choice.objects.create(question=multiple, key=k, text=text, correct=right, sort_order=n)
        ids[language] = quiz.pk
    return ids
"""

DESKTOP = {"width": 1366, "height": 900}
PHONE_SHOT = {"width": 390, "height": 844}
PHONE = {"width": 360, "height": 780}


def shot(page, name: str):
    """Save a full-page screenshot as screenshots/<name>.png, for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def phone_shot(page, language: str, name: str):
    """Save screenshots/<language>-phone-<name>.png at 390x844, then give the page back its size."""
    size = page.viewport_size
    page.set_viewport_size(PHONE_SHOT)
    try:
        shot(page, f"{language}-phone-{name}")
    finally:
        page.set_viewport_size(size)


def shots(page, language: str, name: str):
    """The page at both of the issue's widths: <language>-<name>.png (1366 px) and its phone one."""
    size = page.viewport_size
    page.set_viewport_size(DESKTOP)
    try:
        shot(page, f"{language}-{name}")
        page.set_viewport_size(PHONE_SHOT)
        shot(page, f"{language}-phone-{name}")
    finally:
        page.set_viewport_size(size)


# The main pages of issue 15 ("Weight and accessibility"): one run of the browser tests
# screenshots each in both languages at both widths; screenshots/index.html lists what is missing.
MAIN_PAGES = (
    "home", "course", "module", "lesson", "quiz-start", "question", "summary", "result", "course-complete",
    "drill", "reveal", "mock-report", "certificate", "verify", "hr-dashboard", "signup", "login", "profile",
)  # fmt: skip


def png_size(path: Path) -> tuple[int, int]:
    """The width and height of a PNG file, from its IHDR chunk."""
    with open(path, "rb") as file:
        head = file.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is no PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def screenshot_index(*, since: float) -> Path:
    """Write screenshots/index.html: each screenshot of this run (written after `since`, a time
    stamp) with its page, language and width, then the main pages none of them shows. Older
    screenshots are deleted: the folder always holds one run's pictures, never stale ones."""
    SCREENSHOTS.mkdir(exist_ok=True)
    rows, seen = [], set()
    for path in sorted(SCREENSHOTS.glob("*.png")):
        if path.stat().st_mtime < since:
            path.unlink()
            continue
        language, _, rest = path.stem.partition("-")
        phone = rest.startswith("phone-")
        name = rest.removeprefix("phone-")
        width, height = png_size(path)
        seen.add((language, name, phone))
        rows.append((path.name, name, language, "phone" if width < 800 else "desktop", width, height))
    missing = [
        f"{language} {name} ({'phone' if phone else 'desktop'})"
        for name in MAIN_PAGES
        for language in ("ar", "en")
        for phone in (False, True)
        if (language, name, phone) not in seen
    ]
    lines = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Masar screenshots</title>',
        "<style>body{font-family:sans-serif;margin:2rem}td,th{padding:.2rem .6rem;text-align:start}"
        "img{max-width:12rem;max-height:9rem;border:1px solid #ccc}</style></head><body>",
        "<h1>Screenshots of the last browser test run</h1>",
        f"<p>{len(rows)} screenshots, written by tests/e2e (helpers.screenshot_index). Desktop pictures are"
        " taken at 1366x900, phone ones at 390x844 (full page: the height is the page's).</p>",
        "<h2>Main pages not screenshotted in this run</h2>",
        "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in missing) + "</ul>" if missing else "<p>None.</p>",
        "<h2>All screenshots</h2>",
        "<table><thead><tr><th>file</th><th>page</th><th>language</th><th>width</th><th>size (px)</th>"
        "<th>picture</th></tr></thead><tbody>",
    ]
    for file, name, language, kind, width, height in rows:
        lines.append(
            f'<tr><td><a href="{html.escape(file)}">{html.escape(file)}</a></td><td>{html.escape(name)}</td>'
            f"<td>{html.escape(language)}</td><td>{kind}</td><td>{width}x{height}</td>"
            f'<td><img src="{html.escape(file)}" alt="{html.escape(name)}, {language}, {kind}" loading="lazy"></td></tr>'
        )
    lines.append("</tbody></table></body></html>")
    index = SCREENSHOTS / "index.html"
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index


def click_and_wait(page, locator):
    """Click something that loads a new page (a link or a form post) and wait for that page."""
    with page.expect_navigation(wait_until="load"):
        locator.click()


def assert_status_ok(response, what: str):
    assert response is not None and response.ok, f"{what}: HTTP {response.status if response else '?'}"


def goto(page, path: str):
    response = page.goto(path, wait_until="load")
    assert_status_ok(response, path)
    return response


def sign_up(page, trainee: Trainee):
    goto(page, f"/{trainee.language}/accounts/signup/")
    page.fill("#id_username", trainee.username)
    page.fill("#id_email", trainee.email)
    page.fill("#id_name_latin", trainee.name_latin)
    page.fill("#id_name_arabic", trainee.name_arabic)
    page.select_option("#id_preferred_language", trainee.language)
    page.fill("#id_organization_code", trainee.organization_code)
    page.fill("#id_password1", trainee.password)
    page.fill("#id_password2", trainee.password)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert page.url.rstrip("/").endswith(f"/{trainee.language}"), f"sign-up did not go home: {page.url}"
    assert page.locator(".account-menu .account-name").inner_text().strip(), "not logged in after sign-up"


def log_in(page, *, language: str, username: str, password: str = DEMO_PASSWORD):
    goto(page, f"/{language}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def switch_language(page, language: str):
    click_and_wait(page, page.locator(f"nav.lang-switch a[data-lang='{language}']"))
    assert page.evaluate("document.documentElement.lang") == language


def open_course(page, language: str):
    """Go from the language's home page to the course, through the catalog link."""
    goto(page, f"/{language}/")
    click_and_wait(page, page.locator(".course-card h3 a", has_text=course_title(language)))
    assert page.locator("main h1").inner_text().strip() == course_title(language)


def progress_percent(page) -> int:
    """The percent of the page's course progress bar (the machine-readable aria-valuenow)."""
    bar = page.locator("main .progress[role=progressbar]").first
    return int(bar.get_attribute("aria-valuenow"))


def done_marks(page) -> int:
    return page.locator("aside .outline .done-mark").count()


def mark_lesson_done(page):
    click_and_wait(page, page.locator("main form[action*='/done/'] button[type=submit]"))


def on_lesson(page) -> bool:
    return page.locator("main article.lesson").count() == 1


def read_module(page, *, screenshot: str | None = None) -> int:
    """From a lesson page, mark each lesson done until the module page (with its quiz) comes."""
    lessons = 0
    while on_lesson(page):
        if screenshot and lessons == 0:
            shot(page, screenshot)
        mark_lesson_done(page)
        lessons += 1
        assert lessons <= 10, "the lessons never led to the module page"
    assert page.locator("main section.card a[href*='/quizzes/']").count(), f"no quiz on {page.url}"
    return lessons


def answer_current_question(page):
    fieldset = page.locator("main fieldset.question")
    text = key_text(fieldset.locator("legend .question-text").first.inner_text())
    question = answer_key().get(text)
    assert question is not None, f"this question is in no quiz file: {text!r}"
    if question["type"] == "true_false":
        fieldset.locator(f"input[value='{str(question['answer']).lower()}']").check()
        return
    if question["type"] == "numeric":
        fieldset.locator("input[inputmode=decimal]").fill(str(question["answer"]))
        return
    if question["type"] == "ordering":  # the file lists the steps in the right order
        places = {key_text(choice["text"]): n for n, choice in enumerate(question["choices"], start=1)}
        items = fieldset.locator("ul.choices li")
        for i in range(items.count()):
            item = items.nth(i)
            item.locator("select").select_option(index=places[key_text(item.locator("span").inner_text())])
        return
    assert question["type"] in ("single_choice", "multiple_choice"), question["type"]
    correct = {key_text(choice["text"]) for choice in question["choices"] if choice["correct"]}
    labels = fieldset.locator("ul.choices label")
    picked = 0
    for i in range(labels.count()):
        label = labels.nth(i)
        if key_text(label.inner_text()) in correct:
            label.locator("input").check()
            picked += 1
    assert picked == len(correct), f"found {picked} of {len(correct)} right answers for {text!r}"


def take_quiz(page, *, screenshots: str | None = None) -> str:
    """From a module page: start the quiz, answer every question right, submit; return the URL
    landed on: the result, or the course complete page when the quiz completed the course."""
    click_and_wait(page, page.locator("main section.card a[href*='/quizzes/']"))
    click_and_wait(page, page.locator("main form[action*='/start/'] button[type=submit]"))
    answered = 0
    while True:
        answer_current_question(page)
        answered += 1
        if screenshots and answered == 1:
            shot(page, f"{screenshots}-quiz-question")
        following = page.locator("main button[name=go][value=next]")
        if following.count() == 0:
            break
        click_and_wait(page, following)
        assert answered < 50, "the quiz never ended"
    assert answered == 10, f"expected 10 questions, answered {answered}"
    # The last question saves and leads to the summary, the one page that submits.
    click_and_wait(page, page.locator("main .quiz-pager button[name=go][value=summary]"))
    click_and_wait(page, page.locator("main form[action*='/submit/'] button[type=submit]"))
    if "/complete/" in page.url:  # the quiz completed the course: its "course complete" page
        if screenshots:
            shot(page, f"{screenshots}-course-complete")
        return page.url
    assert "/result/" in page.url, page.url
    assert page.locator("main .result-score .badge.ok").count() == 1, "the quiz is not passed"
    assert "100" in page.locator("main .result-score strong").inner_text().translate(ARABIC_DIGITS)
    if screenshots:
        shot(page, f"{screenshots}-quiz-result")
    return page.url


ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def download(page, locator) -> tuple[str, bytes]:
    """Click a download link; return (suggested file name, content)."""
    with page.expect_download() as info:
        locator.click()
    item = info.value
    path = item.path()
    assert path, f"download failed: {item.failure()}"
    return item.suggested_filename, Path(path).read_bytes()


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:20]
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return norm(" ".join(p.extract_text() for p in pages))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV has no UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def assert_rtl_layout(page):
    """The document runs right to left and the header starts on the right: brand, then navigation."""
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    width = page.viewport_size["width"]
    brand = page.locator("header .brand").bounding_box()
    nav = page.locator("header nav.main-nav").bounding_box()
    assert brand["x"] >= nav["x"] + nav["width"] - 1, f"the brand {brand} is not right of the navigation {nav}"
    assert nav["x"] + nav["width"] > width / 2, f"the navigation {nav} is not on the right half"
    assert brand["x"] + brand["width"] > width / 2, f"the brand {brand} is not on the right half"
    # Its links flow from the right too: the first one is the rightmost.
    links = page.locator("header nav.main-nav a")
    first, second = links.nth(0).bounding_box(), links.nth(1).bounding_box()
    assert first["x"] > second["x"], "the navigation links do not run right to left"


def assert_ltr_layout(page):
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"
    brand = page.locator("header .brand").bounding_box()
    nav = page.locator("header nav.main-nav").bounding_box()
    assert brand["x"] + brand["width"] <= nav["x"] + 1, "in English the brand should come first, on the left"


# The widest paragraph, list item or heading of the page's reading column, in characters of its
# own font (the width of its "0", as CSS's ch unit): at most about 75 (issue 15).
WIDEST_LINE_CH = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  let widest = 0;
  for (const e of document.querySelectorAll('main .reading :is(p, li, h1, h2, h3, dd, blockquote)')) {
    if (!e.getClientRects().length) continue;
    const s = getComputedStyle(e);
    canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const ch = canvas.measureText('0').width;
    const width = e.getBoundingClientRect().width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    widest = Math.max(widest, width / ch);
  }
  return widest;
}"""


def assert_lines_of_at_most_75_characters(page):
    """The reading column's lines are at most about 75 characters long on a wide screen."""
    assert page.locator("main .reading").count(), f"no reading column on {page.url}"
    widest = page.evaluate(WIDEST_LINE_CH)
    assert 0 < widest <= 76, f"lines of {widest:.0f} characters on {page.url}"


# The words of the page's main text written with Western digits (0-9) and no Latin letter: on an
# Arabic page the digits are Arabic-Indic everywhere (README.md, "Digits"); a word such as GA4, an
# address, a certificate code or the number of a Latin name (Open Badges 3.0) keeps its Latin form; what the trainee typed into a field is no text,
# and a part of the page in English (lang="en", as the verification's English half) is not counted.
WESTERN_DIGIT_WORDS = """() => {
  const main = document.querySelector('main');
  if (!main) return [];
  const words = new Set();
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element.getClientRects().length || element.closest('[lang]').lang !== 'ar') continue;
    let latin = false;  // a number right after a Latin name is part of it: "Open Badges 3.0"
    for (const word of node.data.split(/\\s+/)) {
      if (/[0-9]/.test(word) && !/[A-Za-z]/.test(word) && !latin) words.add(word);
      latin = /[A-Za-z]/.test(word);
    }
  }
  return [...words].slice(0, 5);
}"""


VERIFY_URL = re.compile(r"https?://\S+?/verify/[A-Za-z0-9_-]+/")
