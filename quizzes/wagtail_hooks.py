"""Wagtail admin: quizzes and each question type as snippets, grouped in one menu."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import (
    EssayQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    OrderingQuestion,
    Quiz,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)


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


class OrderingQuestionViewSet(QuestionViewSet):
    model = OrderingQuestion
    menu_label = _("Ordering questions")
    url_prefix = "quizzes/ordering"


class NumericQuestionViewSet(QuestionViewSet):
    model = NumericQuestion
    menu_label = _("Numeric questions")
    url_prefix = "quizzes/numeric"


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
        OrderingQuestionViewSet,
        NumericQuestionViewSet,
    )


register_snippet(QuizzesGroup)


# Item analysis (quizzes/statistics.py): a page per quiz under the admin, reached from the menu
# and from each quiz's row in the snippet listing.


@hooks.register("register_admin_urls")
def register_item_analysis_urls():
    return [
        path("item-analysis/", admin_views.ItemAnalysisIndexView.as_view(), name="quizzes_item_analysis_index"),
        path("item-analysis/<id:pk>/", admin_views.ItemAnalysisView.as_view(), name="quizzes_item_analysis"),
        path("item-analysis/<id:pk>/csv/", admin_views.item_analysis_csv, name="quizzes_item_analysis_csv"),
    ]


class ItemAnalysisMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_analyse(request.user)


@hooks.register("register_admin_menu_item")
def register_item_analysis_menu_item():
    return ItemAnalysisMenuItem(
        _("Item analysis"), reverse("quizzes_item_analysis_index"), name="item-analysis", icon_name="table", order=251
    )


@hooks.register("register_snippet_listing_buttons")
def item_analysis_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Quiz) and admin_views.may_analyse(user):
        yield Button(
            _("Item analysis"), reverse("quizzes_item_analysis", args=[snippet.pk]), icon_name="table", priority=90
        )
