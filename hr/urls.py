"""Every URL of the hr app, mounted at the language root (lms/urls.py): the dashboard and its
exports under /hr/, and revoking under the certificate's own URL."""

from django.urls import path

from . import views

app_name = "hr"

urlpatterns = [
    path("hr/", views.dashboard, name="dashboard"),
    path("hr/trainees.csv", views.dashboard_csv, name="csv"),
    path("hr/trainees/<id:pk>/", views.trainee_detail, name="trainee"),
    path("hr/exports/", views.export_create, name="export_create"),
    path("hr/exports/<id:pk>/", views.export_detail, name="export"),
    path("hr/exports/<id:pk>/status/", views.export_status, name="export_status"),
    path("hr/exports/<id:pk>/download/", views.export_download, name="export_download"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke, name="revoke"),
]
