"""What every page of the Wagtail admin gets: text boxes that follow the direction of what is
typed in them (core/static/core/admin-text-direction.js) and listings that wrap between words."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def text_direction_js():
    return format_html('<script src="{}" defer></script>', static("core/admin-text-direction.js"))


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("core/admin.css"))
