from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core import translations

from .forms import InterviewQuestionAdminForm
from .models import InterviewQuestion


class InterviewQuestionViewSet(SnippetViewSet):
    """Editors write and review interview questions, with their key points inline, in both languages.

    The listing names categories and levels in the admin's language (not their keys) and says
    each question's language; the locale filter keeps one language at a time."""

    model = InterviewQuestion
    icon = "help"
    menu_label = _("Interview questions")
    menu_name = "interview-questions"
    add_to_admin_menu = True
    menu_order = 310
    list_display = [
        # The question, shortened between words, as the link to its edit page with the row's
        # actions (Translate among them): Wagtail gives those to a first column it makes itself.
        "__str__",
        Column("category", label=_("category"), accessor="get_category_display"),
        Column("level", label=_("level"), accessor="get_level_display"),
        Column("suggested_seconds", label=_("suggested answer time (seconds)")),
        Column("locale", label=_("language")),
        Column(
            "translation_out_of_date",
            label=_("translation"),
            accessor=lambda q: (
                pgettext_lazy("translation", "Out of date") if getattr(q, "translation_out_of_date", False) else ""
            ),
        ),
    ]
    list_filter = ["category", "level"]
    # No field list: the search index's own fields (the model's prompt and key). A list makes
    # the SQLite search backend ask its full-text table for columns it does not have (a 500).
    ordering = ["category", "level", "key"]

    def get_queryset(self, request):
        return InterviewQuestion.objects.select_related("locale").annotate(
            translation_out_of_date=translations.out_of_date()
        )

    def get_edit_handler(self):
        return ObjectList(InterviewQuestion.panels, base_form_class=InterviewQuestionAdminForm).bind_to_model(
            InterviewQuestion
        )


register_snippet(InterviewQuestionViewSet)
