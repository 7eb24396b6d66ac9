"""Wagtail admin: quizzes and each question type as snippets, grouped in one menu."""

from django.db.models import OuterRef, Subquery
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet, SnippetViewSetGroup

from core import translations

from . import admin_views, services
from .forms import QuestionAdminForm
from .models import (
    EssayQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    OrderingQuestion,
    QuestionCategory,
    Quiz,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from .panels import QuizQuestionsPanel

QUESTION_TYPES = (
    SingleChoiceQuestion,
    MultipleChoiceQuestion,
    TrueFalseQuestion,
    EssayQuestion,
    OrderingQuestion,
    NumericQuestion,
)


def _category_label(locale_path: str) -> Subquery:
    """The name of a row's category in its language (quiz-categories.yaml), for the listing."""
    return Subquery(
        QuestionCategory.objects.filter(key=OuterRef("category"), locale=OuterRef(locale_path)).values("label")[:1]
    )


class CategoryColumn(Column):
    """The category's name in the row's language; the key itself when the files name none."""

    def get_value(self, instance):
        return getattr(instance, "category_label", None) or instance.category


def yes_no(value: bool) -> str:
    """A yes/no column in the admin's language (Wagtail's own shows an icon titled "False")."""
    return _("Yes") if value else _("No")


def translations_column() -> Column:
    """'Out of date' when the other language changed after this one (core/translations.py)."""
    return Column(
        "translation_out_of_date",
        label=_("translation"),
        accessor=lambda row: (
            pgettext_lazy("translation", "Out of date") if getattr(row, "translation_out_of_date", False) else ""
        ),
    )


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "form"
    menu_label = _("Quizzes")
    list_display = [
        "title",
        CategoryColumn("category", label=_("category")),
        Column("pass_mark", label=_("pass mark (%)")),
        Column("draft", label=_("draft"), accessor=lambda quiz: yes_no(quiz.draft)),
        Column("locale", label=_("language")),
        translations_column(),
    ]
    list_filter = ["draft"]
    search_fields = ["title", "description"]

    def get_queryset(self, request):
        return Quiz.objects.select_related("locale").annotate(
            category_label=_category_label("locale"), translation_out_of_date=translations.out_of_date()
        )

    def get_edit_handler(self):
        panels = [*Quiz.panels, QuizQuestionsPanel(question_types=QUESTION_TYPES)]
        return ObjectList(panels).bind_to_model(Quiz)


class QuestionCreateView(CreateView):
    """A new question: ?quiz=<id> fills in its quiz and puts it last; ?next= is where saving returns."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        quiz_id = self.request.GET.get("quiz", "")
        if quiz_id.isascii() and quiz_id.isdigit() and len(quiz_id) < 19:
            quiz = Quiz.objects.filter(pk=int(quiz_id)).first()
            if quiz is not None:
                instance.quiz = quiz
                instance.sort_order = services.question_next_sort_order(quiz=quiz)
        return instance

    def get_add_url(self):
        url = super().get_add_url()
        keep = {name: self.request.GET[name] for name in ("quiz", "next") if self.request.GET.get(name)}
        return f"{url}{'&' if '?' in url else '?'}{urlencode(keep)}" if keep else url

    def get_success_url(self):
        return get_valid_next_url_from_request(self.request) or super().get_success_url()


class QuestionEditView(EditView):
    def get_edit_url(self):
        url = super().get_edit_url()
        next_url = get_valid_next_url_from_request(self.request)
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def get_success_url(self):
        return get_valid_next_url_from_request(self.request) or super().get_success_url()


class QuestionViewSet(SnippetViewSet):
    """One per question type: django-polymorphic gives each type its own table and form. The
    quiz's edit page lists them all (quizzes/panels.py); these menus list one type across quizzes."""

    icon = "help"
    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    list_display = [
        "__str__",  # the text between words, linked to its edit page, with the row's actions
        "quiz",
        Column("points", label=_("points")),
        CategoryColumn("category", label=_("category")),
        Column("locale", label=_("language"), accessor=lambda q: q.quiz.locale),
    ]
    list_filter = {"quiz__locale": ["exact"], "quiz": ["exact"]}
    search_fields = ["text", "key"]

    def get_queryset(self, request):
        return self.model.objects.select_related("quiz__locale").annotate(
            category_label=_category_label("quiz__locale")
        )

    def get_edit_handler(self):
        return ObjectList(self.model.panels, base_form_class=QuestionAdminForm).bind_to_model(self.model)


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
        path(
            "quizzes/question/<id:pk>/move/<str:direction>/",
            admin_views.question_move,
            name="quizzes_question_move",
        ),
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
