from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("courses/<id:course_id>/complete/", views.course_complete, name="course_complete"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/status/", views.status, name="status"),
    path("<str:code>/names/", views.confirm_names, name="confirm_names"),
    path("<str:code>/<str:language>.pdf", views.download, name="download"),
    # <code>/revoke/ is the hr app's (hr/urls.py): HR and support revoke, the holder does not.
]
