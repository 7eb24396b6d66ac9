from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import InterviewQuestion


class InterviewQuestionViewSet(SnippetViewSet):
    """Editors write and review interview questions, with their key points inline, in both languages."""

    model = InterviewQuestion
    icon = "help"
    menu_label = _("Interview questions")
    menu_name = "interview-questions"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["prompt", "key", "category", "level", "suggested_seconds"]
    list_filter = ["category", "level"]
    search_fields = ["prompt", "key"]
    ordering = ["category", "level", "key"]


register_snippet(InterviewQuestionViewSet)
