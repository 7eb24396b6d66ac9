"""Editors' actions on translations (Wagtail admin)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import translations

from .selectors import MODELS


def _can_change(user, kind: str, obj) -> bool:
    if kind == "page":
        return obj.permissions_for_user(user).can_edit()
    return user.has_perm(f"{obj._meta.app_label}.change_{obj._meta.model_name}")


@require_POST
def translation_review(request, kind: str, pk: int):
    """Mark one translation as reviewed: it is up to date with its other language (who and when
    are recorded)."""
    model = MODELS.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(model.objects.select_related("locale"), pk=pk)
    if kind == "page":
        obj = obj.specific
    if not _can_change(request.user, kind, obj):
        raise PermissionDenied
    translations.translation_reviewed(
        translation_key=obj.translation_key, language=obj.locale.language_code, user=request.user
    )
    messages.success(request, _("The translation is marked as reviewed."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "wagtailadmin_home"
    return redirect(back)
