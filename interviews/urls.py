from django.urls import path

from . import views

app_name = "interviews"

urlpatterns = [
    path("", views.home, name="home"),
    path("practice/start/", views.practice_start, name="practice_start"),
    path("mock/start/", views.mock_start, name="mock_start"),
    path("sessions/<id:session_id>/", views.session_detail, name="session"),
    path("sessions/<id:session_id>/next/", views.practice_next, name="practice_next"),
    path("sessions/<id:session_id>/finish/", views.session_finish, name="finish"),
    path("sessions/<id:session_id>/report/", views.report, name="report"),
    path("sessions/<id:session_id>/rate/", views.session_rate, name="rate_all"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("answers/<id:answer_id>/", views.question, name="question"),
    path("answers/<id:answer_id>/submit/", views.answer_submit, name="submit"),
    path("answers/<id:answer_id>/reveal/", views.reveal, name="reveal"),
    path("answers/<id:answer_id>/rate/", views.answer_rate, name="rate"),
]
