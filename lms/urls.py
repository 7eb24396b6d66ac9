from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import wagtail_account
from certificates import views as certificates_views
from courses import views as courses_views

from . import views

handler400 = "lms.views.bad_request"
handler403 = "lms.views.permission_denied"
handler404 = "lms.views.page_not_found"

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # The admin's account page with Masar's two names, not a first and last name (accounts/wagtail_account.py).
    path("admin/account/", wagtail_account.account, name="wagtailadmin_account"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Printed on certificates: no language prefix, the page is bilingual.
    path("verify/", include("certificates.verify_urls")),
    # The issuer's DID document (did:web of SITE_URL): the keys that sign credentials.
    path(".well-known/did.json", certificates_views.did_document, name="did_document"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("learn/", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("interviews/", include("interviews.urls")),
    path("certificates/", include("certificates.urls")),
    path("", include("hr.urls")),  # /hr/... and /certificates/<code>/revoke/
    # Wagtail serves the course pages: /ar/<course>/<module>/<lesson>/ and /en/..., through
    # the cache layers (courses/caches.py); Wagtail's own /_util/ views come next.
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", courses_views.serve),
    path("", include(wagtail_urls)),
)

if settings.MASAR_BENCH:
    urlpatterns.append(path("bench/bare", views.bench_bare, name="bench_bare"))

if settings.DEBUG or getattr(settings, "MASAR_SERVE_MEDIA", False):
    # Public media (images editors upload) on one machine; production serves MEDIA_ROOT from
    # its web server or storage. Certificates are private storage and never under this URL.
    from django.views.static import serve

    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))
