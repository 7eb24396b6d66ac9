"""The editor's job in the Wagtail admin: quizzes and their questions, of every type, from the
quiz's own edit page; what the Editors group may and may not reach (content, not people)."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.models import Page
from wagtail.users.models import UserProfile

from courses.models import LessonPage
from quizzes.models import (
    EssayQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    QuestionCategory,
    Quiz,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from tests.factories import EditorFactory, UserFactory
from tests.quizzes.factories import mixed

pytestmark = pytest.mark.django_db

TYPES = [
    SingleChoiceQuestion,
    MultipleChoiceQuestion,
    TrueFalseQuestion,
    EssayQuestion,
    OrderingQuestion,
    NumericQuestion,
]


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


def url(model, name, *args):
    return reverse(model.snippet_viewset.get_url_name(name), args=args)


def quiz_edit_url(quiz):
    return url(type(quiz), "edit", quiz.pk)


# --- what an editor may reach ---------------------------------------------------------------


def test_an_editor_opens_every_content_listing_and_form(editor_client, make_quiz, course_tree):
    quiz = make_quiz(kinds=["single", "multiple", "true_false", "essay", "ordering", "numeric"])
    for model in [type(quiz), *TYPES]:
        assert editor_client.get(url(model, "list")).status_code == 200, model
        assert editor_client.get(url(model, "add"), {"locale": "en"}).status_code == 200, model
    for question in quiz.questions.all():
        assert editor_client.get(url(type(question), "edit", question.pk)).status_code == 200
    assert editor_client.get(quiz_edit_url(quiz)).status_code == 200
    assert editor_client.get("/admin/snippets/interviews/interviewquestion/").status_code == 200
    lesson = course_tree["lesson"]
    assert editor_client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).status_code == 200


def test_an_editor_publishes_a_lesson_directly(editor_client, course_tree):
    module = course_tree["module"]
    add = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk])
    form = editor_client.get(add)
    assert form.status_code == 200
    assert 'name="action-publish"' in form.text  # a publish button, no approval workflow
    assert "Moderators approval" not in form.text
    data = {
        "title": "Reading a brief",
        "slug": "reading-a-brief",
        "summary": "",
        "estimated_minutes": "5",
        "body-count": "1",
        "body-0-type": "rich_text",
        "body-0-value": '{"blocks":[{"key":"a","text":"A brief says who.","type":"unstyled","depth":0,'
        '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "",
        "sources-count": "0",
        "action-publish": "publish",
    }
    response = editor_client.post(add, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    lesson = LessonPage.objects.get(slug="reading-a-brief")
    assert lesson.live and lesson.get_parent().pk == module.pk


@pytest.mark.parametrize(
    "path",
    [
        "/admin/users/",
        "/admin/groups/",
        "/django-admin/accounts/user/",
        "/django-admin/quizzes/attempt/",
        "/django-admin/certificates/certificate/",
        "/en/hr/",
    ],
)
def test_an_editor_never_reaches_peoples_data(editor_client, path):
    response = editor_client.get(path)
    assert response.status_code in (302, 403, 404), (path, response.status_code)
    if response.status_code == 302:
        assert response.url.rstrip("/") in ("/admin", "/django-admin/login/?next=" + path) or "login" in response.url


def test_the_editors_group_has_content_rights_and_no_people_rights(db):
    editor = EditorFactory()
    for perm in [
        "quizzes.add_quiz",
        "quizzes.change_quiz",
        "quizzes.add_orderingquestion",
        "quizzes.change_numericquestion",
        "quizzes.delete_essayquestion",
        "interviews.add_interviewquestion",
        "interviews.change_interviewquestion",
        "simple_translation.submit_translation",
    ]:
        assert editor.has_perm(perm), perm
    for perm in [
        "accounts.view_user",
        "accounts.change_user",
        "quizzes.view_attempt",
        "quizzes.change_answer",
        "certificates.view_certificate",
        "certificates.view_every_organization",
    ]:
        assert not editor.has_perm(perm), perm
    root = Page.objects.get(depth=1)
    assert root.permissions_for_user(editor).can_publish_subpage()


def test_a_trainee_gets_no_admin(client, make_quiz):
    quiz = make_quiz()
    client.force_login(UserFactory())
    response = client.get(quiz_edit_url(quiz))
    assert response.status_code == 302 and "login" in response.url


# --- the questions on the quiz's page -------------------------------------------------------


def test_the_quiz_page_lists_its_questions_in_order_with_an_add_link_per_type(editor_client, make_quiz):
    quiz = make_quiz(kinds=mixed(4))
    page = editor_client.get(quiz_edit_url(quiz)).text
    texts = list(quiz.questions.order_by("sort_order").values_list("text", flat=True))
    positions = [page.index(text) for text in texts]
    assert positions == sorted(positions)
    for model in TYPES:
        assert f"{url(model, 'add')}?quiz={quiz.pk}&amp;next=" in page, model
        assert f"Add {model._meta.verbose_name}" in page
    first = quiz.questions.order_by("sort_order").first()
    assert f"{url(type(first), 'edit', first.pk)}?next=" in page
    assert "Move question 2 up" in page and "Move question 1 down" in page
    assert "Move question 1 up" not in page  # the first cannot go up


def test_adding_a_question_from_the_quiz_fills_in_the_quiz_and_returns_to_it(editor_client, make_quiz):
    quiz = make_quiz(kinds=["single"])
    back = quiz_edit_url(quiz) + "#panel-questions-section"
    add = url(TrueFalseQuestion, "add") + "?" + urlencode({"quiz": quiz.pk, "next": back})
    form = editor_client.get(add)
    assert form.status_code == 200
    assert re.search(rf'<input[^>]*name="quiz"[^>]*value="{quiz.pk}"', form.text)  # the quiz chooser, filled in
    assert 'action="' + url(TrueFalseQuestion, "add") + f"?quiz={quiz.pk}&amp;next=" in form.text
    data = {
        "quiz": quiz.pk,
        "text": "The algorithm favours posts that start conversations",
        "points": "1",
        "category": "",
        "explanation": "",
        "key": "",
        "sort_order": "2",
        "correct_answer": "on",
    }
    response = editor_client.post(add, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert response.url == back
    created = TrueFalseQuestion.objects.get(quiz=quiz, text__startswith="The algorithm")
    assert created.key == "the-algorithm-favours-posts-that-start"  # from the English text


def test_an_ordering_question_with_its_steps_from_the_quiz_page(editor_client, make_quiz):
    quiz = make_quiz(kinds=[])
    data = {
        "quiz": quiz.pk,
        "text": "ضع خطوات الرد على الأزمة بالترتيب",
        "points": "2",
        "category": "",
        "explanation": "",
        "key": "",
        "sort_order": "1",
        "choices-TOTAL_FORMS": "3",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "2",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for n, text in enumerate(["أوقف المنشورات المجدولة", "اعترف بالمشكلة", "تابع"]):
        data |= {f"choices-{n}-text": text, f"choices-{n}-key": "", f"choices-{n}-ORDER": str(n + 1)}
    response = editor_client.post(url(OrderingQuestion, "add") + f"?quiz={quiz.pk}", data)
    assert response.status_code == 302, response.context["form"].formsets["choices"].errors
    question = OrderingQuestion.objects.get(quiz=quiz)
    assert re.fullmatch(r"question-[0-9a-f]{6}", question.key)  # Arabic text: a random key
    assert [c.key for c in question.choices.all()] == ["a", "b", "c"]


def test_moving_a_question_renumbers_the_quiz_and_comes_back(editor_client, make_quiz):
    quiz = make_quiz(kinds=["single", "true_false", "essay"])
    first, second, third = quiz.questions.order_by("sort_order")
    response = editor_client.post(reverse("quizzes_question_move", args=[third.pk, "up"]))
    assert response.status_code == 302 and response.url == quiz_edit_url(quiz) + "#panel-questions-section"
    order = list(Question.objects.filter(quiz=quiz).order_by("sort_order").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    editor_client.post(reverse("quizzes_question_move", args=[first.pk, "up"]))  # already first: nothing moves
    assert list(Question.objects.filter(quiz=quiz).order_by("sort_order").values_list("pk", flat=True)) == order
    assert editor_client.get(reverse("quizzes_question_move", args=[first.pk, "up"])).status_code == 405
    sideways = editor_client.post(reverse("quizzes_question_move", args=[first.pk, "sideways"]), follow=True)
    assert sideways.status_code == 404


def test_a_trainee_cannot_move_questions(client, make_quiz):
    quiz = make_quiz(kinds=["single", "essay"])
    second = quiz.questions.order_by("sort_order").last()
    client.force_login(UserFactory())
    response = client.post(reverse("quizzes_question_move", args=[second.pk, "up"]))
    assert response.status_code == 302 and "login" in response.url
    assert quiz.questions.order_by("sort_order").last().pk == second.pk


# --- keys --------------------------------------------------------------------------------------


def test_a_saved_question_keeps_its_key(editor_client, make_quiz):
    quiz = make_quiz(kinds=["single"])
    question = quiz.questions.get()
    edit = url(SingleChoiceQuestion, "edit", question.pk)
    page = editor_client.get(edit).text
    assert re.search(r'<input[^>]*name="key"[^>]*disabled', page)
    choices = list(question.choices.all())
    data = {
        "quiz": quiz.pk,
        "text": question.text,
        "points": "1",
        "category": "",
        "explanation": "",
        "key": "a-new-key",
        "sort_order": "1",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(len(choices)),
        "choices-MIN_NUM_FORMS": "2",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for n, choice in enumerate(choices):
        data |= {
            f"choices-{n}-id": str(choice.pk),
            f"choices-{n}-text": choice.text,
            f"choices-{n}-key": "zz",
            f"choices-{n}-ORDER": str(n + 1),
        }
        if choice.correct:
            data[f"choices-{n}-correct"] = "on"
    response = editor_client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    question.refresh_from_db()
    assert question.key == "q1"
    assert [c.key for c in question.choices.all()] == [c.key for c in choices]


# --- listings ------------------------------------------------------------------------------


def test_question_listings_say_the_language_and_filter_by_it(editor_client, make_quiz):
    make_quiz(lang="en", kinds=["single"])
    make_quiz(lang="ar", kinds=["single"])
    listing = editor_client.get(url(SingleChoiceQuestion, "list"))
    assert "[en] Question 1" in listing.text and "[ar] Question 1" in listing.text
    for question in SingleChoiceQuestion.objects.all():  # each row opens its question
        assert f'href="{url(SingleChoiceQuestion, "edit", question.pk)}"' in listing.text
    assert "English" in listing.text
    arabic = listing.context["filters"].form.fields["quiz__locale"].queryset.get(language_code="ar")
    only = editor_client.get(url(SingleChoiceQuestion, "list"), {"quiz__locale": arabic.pk})
    assert "[ar] Question 1" in only.text and "[en] Question 1" not in only.text


# --- the Arabic admin ----------------------------------------------------------------------


@pytest.fixture
def arabic_editor_client(client):
    editor = EditorFactory()
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "ar"
    profile.save()
    client.force_login(editor)
    return client


def has_text(page: str, text: str) -> bool:
    """`text` in the page, as HTML or inside the admin's JSON (where it may be \\u-escaped)."""
    return text in page or json.dumps(text)[1:-1] in page


def test_the_arabic_quiz_listing_says_yes_and_no_and_names_the_category(arabic_editor_client, make_quiz, locales):
    QuestionCategory.objects.create(key="duties", label="المهام", locale=locales["ar"])
    make_quiz(lang="ar", kinds=["single"], category="duties", draft=False)
    page = arabic_editor_client.get(url(Quiz, "list")).text
    assert 'lang="ar"' in page
    assert ">False<" not in page and ">True<" not in page
    assert "المهام" in page  # the category's name, not its key
    assert "اللغة" in page  # the language column


def test_the_arabic_admin_names_question_types_in_the_plural(arabic_editor_client, make_quiz):
    make_quiz(kinds=["single"])
    page = arabic_editor_client.get(url(SingleChoiceQuestion, "list")).text
    assert "أسئلة اختيار من متعدد بإجابة واحدة" in page
    assert "بإجابة واحدةs" not in page


def test_the_arabic_lesson_editor_names_its_blocks(arabic_editor_client, course_tree):
    page = arabic_editor_client.get(reverse("wagtailadmin_pages:edit", args=[course_tree["lesson"].pk])).text
    for label in ("نص منسق", "إطار تنبيه", "النقاط الأساسية", "اقتباس", "النوع", "التعليق"):
        assert has_text(page, label), label
    for english in ("Rich text", "Callout", "Key points"):
        assert not has_text(page, english), english


def test_every_admin_page_loads_the_text_direction_script(editor_client, make_quiz):
    quiz = make_quiz(kinds=["single"])
    page = editor_client.get(quiz_edit_url(quiz)).text
    assert "core/admin-text-direction.js" in page and "core/admin.css" in page
    script = finders.find("core/admin-text-direction.js")
    assert script and 'setAttribute("dir", "auto")' in open(script, encoding="utf-8").read()


def test_a_long_question_is_shortened_between_words(make_quiz):
    quiz = make_quiz(kinds=["single"])
    question = quiz.questions.get()
    question.text = "In what order should a social media manager answer " + "a very long complaint " * 8
    assert str(question).endswith(" …") and len(str(question)) <= 80
    assert question.text.startswith(str(question)[:-2])
    assert str(question)[:-2].split()[-1] in question.text.split()


def test_a_new_quiz_is_saved_before_its_questions_are_added(editor_client, locales):
    page = editor_client.get(url(Quiz, "add"), {"locale": "en"})
    assert page.status_code == 200
    assert "Save the quiz first: then add its questions here" in page.text
    assert "/quizzes/true-false/add/?quiz=" not in page.text


def test_the_arabic_quiz_form_writes_its_help_texts_numbers_in_arabic_indic_digits(arabic_editor_client, make_quiz):
    quiz = make_quiz(lang="ar", kinds=["single"])
    page = arabic_editor_client.get(quiz_edit_url(quiz)).text
    for help_text in ("٠ = بلا حد.", "٠ يعني كل الأسئلة"):  # attempts and time limit, max questions
        assert has_text(page, help_text), help_text
    for western in ("0 = بلا حد.", "0 يعني كل الأسئلة"):
        assert not has_text(page, western), western
