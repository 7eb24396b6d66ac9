"""Bilingual upkeep in the admin: the dashboard's panel of translations that are out of date,
the "Mark translation as reviewed" action, and the flag in the page explorer (quizzes and
interview questions show it in their own listings)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from core import translations

from . import views
from .selectors import translations_out_of_date


class OutOfDatePanel(Component):
    """Translations changed in one language after the other was last brought up to date."""

    name = "translations_out_of_date"
    order = 40
    template_name = "content/admin/out_of_date_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        rows, total = translations_out_of_date()
        return {"rows": rows, "total": total, "request": self.request, "heading": _("Translations out of date")}


@hooks.register("construct_homepage_panels")
def add_out_of_date_panel(request, panels):
    if request.user.has_perm("wagtailadmin.access_admin"):
        panels.append(OutOfDatePanel(request))


@hooks.register("register_admin_urls")
def translation_urls():
    return [
        path(
            "translations/<str:kind>/<int:pk>/reviewed/",
            views.translation_review,
            name="content_translation_review",
        )
    ]


@hooks.register("construct_explorer_page_queryset")
def flag_out_of_date_pages(parent_page, pages, request):
    # One subquery for the whole listing (the status column shows it: see the template).
    return pages.annotate(translation_out_of_date=translations.out_of_date())
