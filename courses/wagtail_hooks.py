from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from .selectors import lessons_overdue_for_review


class OverdueReviewPanel(Component):
    """Lists policy lessons past their review date: platform rules change often."""

    name = "overdue_policy_reviews"
    order = 50
    template_name = "courses/admin/overdue_panel.html"
    heading = _("Lessons overdue for policy review")

    def get_context_data(self, parent_context=None):
        return {"lessons": lessons_overdue_for_review(), "heading": self.heading}


@hooks.register("construct_homepage_panels")
def add_overdue_review_panel(request, panels):
    if request.user.has_perm("wagtailadmin.access_admin"):
        panels.append(OverdueReviewPanel())
