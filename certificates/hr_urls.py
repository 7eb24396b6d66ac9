from django.urls import path

from . import views

app_name = "hr"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("trainees.csv", views.dashboard_csv, name="csv"),
    path("exports/", views.export_create, name="export_create"),
    path("exports/<id:pk>/", views.export_detail, name="export"),
    path("exports/<id:pk>/status/", views.export_status, name="export_status"),
    path("exports/<id:pk>/download/", views.export_download, name="export_download"),
]
