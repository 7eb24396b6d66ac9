"""Wagtail admin pages of the item analysis (quizzes/statistics.py): the list of quizzes, one
quiz's analysis, and its CSV. For editors (who may change quizzes) and staff; thin views."""

import codecs
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core import spreadsheet

from . import services, statistics
from .models import Question, Quiz


def may_analyse(user) -> bool:
    """Return True if `user` may see item analyses: editors of quizzes and staff."""
    return bool(user.is_active and (user.is_staff or user.has_perm("quizzes.change_quiz")))


def _scope(request) -> str | None:
    scope = request.GET.get("attempts", statistics.ALL_ATTEMPTS)
    return scope if scope in statistics.ATTEMPT_SCOPES else None


def _bad_scope(request):
    message = _("Choose all attempts or each trainee's first attempt.")
    return render(
        request,
        "quizzes/admin/item_analysis_error.html",
        {"message": message, "page_title": _("Item analysis"), "header_title": _("Item analysis")},
        status=400,
    )


class _AnalysisMixin(WagtailAdminTemplateMixin):
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not may_analyse(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ItemAnalysisIndexView(_AnalysisMixin, TemplateView):
    template_name = "quizzes/admin/item_analysis_index.html"
    page_title = gettext_lazy("Item analysis")

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=statistics.item_analysis_quizzes(), **kwargs)


class ItemAnalysisView(_AnalysisMixin, TemplateView):
    template_name = "quizzes/admin/item_analysis.html"
    page_title = gettext_lazy("Item analysis")

    def get(self, request, pk: int):
        self.quiz = get_object_or_404(Quiz.objects.select_related("locale"), pk=pk)
        scope = _scope(request)
        if scope is None:
            return _bad_scope(request)
        analysis = statistics.item_analysis(quiz=self.quiz, scope=scope)
        return self.render_to_response(self.get_context_data(analysis=analysis))

    def get_page_subtitle(self):
        return self.quiz.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quizzes_item_analysis_index"), "label": _("Item analysis")},
            {"url": "", "label": self.quiz.title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            quiz=self.quiz,
            scopes=statistics.ATTEMPT_SCOPES.items(),
            thresholds={
                "easy": statistics.percent(statistics.TOO_EASY_ABOVE),
                "hard": statistics.percent(statistics.TOO_HARD_BELOW),
                "discrimination": statistics.percent(statistics.DISCRIMINATION_BELOW),
                "responses": statistics.MIN_RESPONSES,
            },
            **kwargs,
        )


CSV_COLUMNS = [
    gettext_lazy("Question key"),
    gettext_lazy("Question"),
    gettext_lazy("Type"),
    gettext_lazy("Responses"),
    gettext_lazy("Facility index (%)"),
    gettext_lazy("Standard deviation (%)"),
    gettext_lazy("Discrimination index (%)"),
    gettext_lazy("Flags"),
    gettext_lazy("Option key"),
    gettext_lazy("Option"),
    gettext_lazy("Right option"),
    gettext_lazy("Times picked"),
    gettext_lazy("Share picked (%)"),
]


def _rounded(value: float | None) -> float | str:
    return "" if value is None else round(value * 100, 1)


def item_analysis_csv(request, pk: int):
    """The analysis as CSV: one row per option (one per question without options), UTF-8 with a
    byte order mark so Excel reads Arabic; numbers with Western digits, for spreadsheets to compute."""
    if not may_analyse(request.user):
        raise PermissionDenied
    quiz = get_object_or_404(Quiz.objects.select_related("locale"), pk=pk)
    scope = _scope(request)
    if scope is None:
        return _bad_scope(request)
    analysis = statistics.item_analysis(quiz=quiz, scope=scope)
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(CSV_COLUMNS)
    yes, no = _("yes"), _("no")
    for stat in analysis.questions:
        head = [
            stat.question.key,
            stat.question.text,
            stat.type_label,
            stat.responses,
            _rounded(stat.facility),
            _rounded(stat.sd),
            _rounded(stat.discrimination),
            "; ".join(stat.flag_labels),
        ]
        options = stat.options or [None]
        for option in options:
            tail = (
                ["", "", "", "", ""]
                if option is None
                else [option.key, option.text, yes if option.correct else no, option.picked, _rounded(option.share)]
            )
            writer.writerow(head + tail)
    response = HttpResponse(codecs.BOM_UTF8 + out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="item-analysis-{quiz.pk}-{scope}.csv"'
    return response


# Authoring: the order of a quiz's questions, from the quiz's edit page (quizzes/panels.py) --


@require_POST
def question_move(request, pk: int, direction: str):
    """Move a question up or down in its quiz, then go back to the quiz's questions."""
    question = get_object_or_404(Question.objects.non_polymorphic().select_related("quiz"), pk=pk)
    if not request.user.has_perm("quizzes.change_quiz"):
        raise PermissionDenied
    if direction not in ("up", "down"):
        raise Http404
    if services.question_move(question=question, step=-1 if direction == "up" else 1):
        messages.success(request, _("The order of the questions is saved."))
    quiz_url = reverse(question.quiz.snippet_viewset.get_url_name("edit"), args=[question.quiz_id])
    return redirect(quiz_url + "#panel-questions-section")
