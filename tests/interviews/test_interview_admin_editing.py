"""Editors write interview questions in the Wagtail admin: key points' phrases one per line,
keys made for them and never changed, listings in the admin's language."""

import html
import re

import pytest
from wagtail.users.models import UserProfile

from interviews.models import InterviewQuestion
from tests.factories import EditorFactory
from tests.interviews.factories import make_question

pytestmark = pytest.mark.django_db

BASE = "/admin/snippets/interviews/interviewquestion/"


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def new_question(prompt: str, points: list[tuple[str, str]]) -> dict:
    data = {
        "key": "",
        "category": "seo",
        "level": "manager",
        "suggested_seconds": "90",
        "prompt": prompt,
        "model_answer": "Search and social feed each other.",
        "key_points-TOTAL_FORMS": str(len(points)),
        "key_points-INITIAL_FORMS": "0",
        "key_points-MIN_NUM_FORMS": "1",
        "key_points-MAX_NUM_FORMS": "8",
    }
    for n, (text, phrases) in enumerate(points):
        data |= {
            f"key_points-{n}-key": "",
            f"key_points-{n}-text": text,
            f"key_points-{n}-phrases": phrases,
            f"key_points-{n}-ORDER": str(n + 1),
            f"key_points-{n}-id": "",
            f"key_points-{n}-DELETE": "",
        }
    return data


def test_an_editor_adds_a_question_with_keys_made_for_it(editor_client, locales):
    data = new_question(
        "Why does SEO matter to a social media manager?",
        [("Links social to website traffic", "traffic\n  website visits \n\n"), ("Names search on social", "search")],
    )
    response = editor_client.post(BASE + "add/?locale=en", data)
    assert response.status_code == 302, response.context["form"].errors
    question = InterviewQuestion.objects.get(prompt__startswith="Why does SEO")
    assert question.key == "why-does-seo-matter-to-a"
    points = list(question.key_points.all())
    assert [p.key for p in points] == ["links-social-to-website-traffic", "names-search-on-social"]
    assert [p.phrases for p in points] == [["traffic", "website visits"], ["search"]]


def test_an_arabic_question_gets_a_random_key(editor_client, locales):
    data = new_question(
        "لماذا يهم تحسين محركات البحث مدير التواصل؟", [("يربط التواصل بزيارات الموقع", "زيارات\nالموقع")]
    )
    response = editor_client.post(BASE + "add/?locale=ar", data)
    assert response.status_code == 302, response.context["form"].errors
    question = InterviewQuestion.objects.get(locale__language_code="ar")
    assert re.fullmatch(r"question-[0-9a-f]{6}", question.key)
    point = question.key_points.get()
    assert re.fullmatch(r"point-[0-9a-f]{6}", point.key)
    assert point.phrases == ["زيارات", "الموقع"]


def test_phrases_show_one_per_line_and_keys_are_read_only_on_edit(editor_client, locales):
    question = make_question()["en"]
    page = editor_client.get(f"{BASE}edit/{question.pk}/").text
    textarea = re.search(r'<textarea[^>]*name="key_points-0-phrases"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea is not None and 'dir="auto"' in textarea.group(0)
    assert html.unescape(textarea.group(1)).strip() == "Hootsuite\nBuffer\nschedule"
    assert "[" not in textarea.group(1)
    assert re.search(r'<input[^>]*name="key"[^>]*disabled', page)
    assert re.search(r'<input[^>]*name="key_points-0-key"[^>]*disabled', page)

    points = list(question.key_points.all())
    data = {
        "key": "renamed",
        "category": question.category,
        "level": question.level,
        "suggested_seconds": "100",
        "prompt": question.prompt,
        "model_answer": question.model_answer,
        "key_points-TOTAL_FORMS": str(len(points)),
        "key_points-INITIAL_FORMS": str(len(points)),
        "key_points-MIN_NUM_FORMS": "1",
        "key_points-MAX_NUM_FORMS": "8",
    }
    for n, point in enumerate(points):
        data |= {
            f"key_points-{n}-id": str(point.pk),
            f"key_points-{n}-key": "renamed-too",
            f"key_points-{n}-text": point.text,
            f"key_points-{n}-phrases": "\n".join(point.phrases + ["new phrase"]),
            f"key_points-{n}-ORDER": str(n + 1),
            f"key_points-{n}-DELETE": "",
        }
    response = editor_client.post(f"{BASE}edit/{question.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    question.refresh_from_db()
    assert question.key == "preferred-tools" and question.suggested_seconds == 100
    assert [p.key for p in question.key_points.all()] == [p.key for p in points]
    assert question.key_points.first().phrases == ["Hootsuite", "Buffer", "schedule", "new phrase"]


def test_a_key_point_without_phrases_is_refused_with_a_clear_message(editor_client, locales):
    data = new_question("What is a KPI?", [("Defines it", " \n ")])
    response = editor_client.post(BASE + "add/?locale=en", data)
    assert response.status_code == 200
    assert "Enter at least one word or phrase, one per line." in response.text
    assert not InterviewQuestion.objects.filter(prompt="What is a KPI?").exists()


def test_the_arabic_listing_names_categories_and_levels_and_the_language(editor_client, editor, locales):
    make_question()
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "ar"
    profile.save()
    page = editor_client.get(BASE).text
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "tools-analytics" not in re.sub(r'(value|href|name|id)="[^"]*"', "", page)  # no raw category key
    assert "الأدوات والتحليلات" in page  # "Tools and analytics"
    assert "أخصائي" in page  # "Specialist"
    assert "العربية" in page and "English" in page  # each question's language


def test_the_listing_opens_each_question_offers_its_translation_and_searches_its_text(editor_client, locales):
    """Each row links to the question's edit page and has its actions, "Translate" among them
    (the way to its Arabic version); the search box finds a question by the words of its text (on
    SQLite too, whose full-text table has no column per field)."""
    english = make_question(languages=("en",))["en"]
    other = make_question("kpi-choice", languages=("en",))["en"]
    other.prompt = "How do you choose the KPIs of a campaign?"
    other.save()
    page = editor_client.get(BASE, {"locale": "en"}).text
    assert f'href="{BASE}edit/{english.pk}/"' in page and f'href="{BASE}edit/{other.pk}/"' in page
    translate = f"/admin/translation/submit/snippet/interviews/interviewquestion/{english.pk}/"
    assert f'href="{translate}"' in page
    found = editor_client.get(BASE, {"locale": "en", "q": "tools"})
    assert found.status_code == 200
    assert f"{BASE}edit/{english.pk}/" in found.text and f"{BASE}edit/{other.pk}/" not in found.text


def test_the_listing_search_finds_a_question_by_the_start_of_a_word(editor_client, locales):
    english = make_question(languages=("en",))["en"]
    found = editor_client.get(BASE, {"locale": "en", "q": "too"})  # the start of "tools"
    assert found.status_code == 200
    assert f"{BASE}edit/{english.pk}/" in found.text
