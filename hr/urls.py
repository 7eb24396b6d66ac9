"""Every URL of the hr app, mounted at the language root (lms/urls.py): the dashboard and its
exports under /hr/, and revoking under the certificate's own URL."""

from django.urls import path

from . import views

app_name = "hr"

urlpatterns = [
    path("hr/", views.dashboard, name="dashboard"),
    path("hr/trainees.csv", views.dashboard_csv, name="csv"),
    path("hr/trainees/<id:pk>/", views.trainee_detail, name="trainee"),
    path("hr/assignments/", views.assignments, name="assignments"),
    path("hr/assignments/<id:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("hr/invitations/", views.invitations, name="invitations"),
    path("hr/invitations/upload/", views.invitations_upload, name="invitations_upload"),
    path("hr/invitations/join-code/", views.join_code, name="join_code"),
    path("hr/invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("hr/invitations/<id:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("hr/exports/", views.export_create, name="export_create"),
    path("hr/exports/<id:pk>/", views.export_detail, name="export"),
    path("hr/exports/<id:pk>/status/", views.export_status, name="export_status"),
    path("hr/exports/<id:pk>/download/", views.export_download, name="export_download"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke, name="revoke"),
]
