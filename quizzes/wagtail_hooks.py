"""Wagtail admin: quizzes and each question type as snippets, grouped in one menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import EssayQuestion, MultipleChoiceQuestion, Quiz, SingleChoiceQuestion, TrueFalseQuestion


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "form"
    menu_label = _("Quizzes")
    list_display = ["title", "category", "pass_mark", "draft", "locale"]
    list_filter = ["draft", "category"]
    search_fields = ["title", "description"]


class QuestionViewSet(SnippetViewSet):
    """One per question type: django-polymorphic gives each type its own table and form."""

    icon = "help"
    list_display = ["text", "quiz", "key", "points", "category"]
    list_filter = ["quiz"]
    search_fields = ["text", "key"]

    def get_queryset(self, request):
        return self.model.objects.select_related("quiz")


class SingleChoiceQuestionViewSet(QuestionViewSet):
    model = SingleChoiceQuestion
    menu_label = _("Single-choice questions")
    url_prefix = "quizzes/single-choice"


class MultipleChoiceQuestionViewSet(QuestionViewSet):
    model = MultipleChoiceQuestion
    menu_label = _("Multiple-choice questions")
    url_prefix = "quizzes/multiple-choice"


class TrueFalseQuestionViewSet(QuestionViewSet):
    model = TrueFalseQuestion
    menu_label = _("True/false questions")
    url_prefix = "quizzes/true-false"


class EssayQuestionViewSet(QuestionViewSet):
    model = EssayQuestion
    menu_label = _("Essay questions")
    url_prefix = "quizzes/essay"


class QuizzesGroup(SnippetViewSetGroup):
    menu_label = _("Quizzes")
    menu_icon = "form"
    menu_order = 250
    items = (
        QuizViewSet,
        SingleChoiceQuestionViewSet,
        MultipleChoiceQuestionViewSet,
        TrueFalseQuestionViewSet,
        EssayQuestionViewSet,
    )


register_snippet(QuizzesGroup)
