from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("<id:pk>/", views.quiz_detail, name="detail"),
    path("<id:pk>/start/", views.quiz_start, name="start"),
    path("attempts/<id:pk>/", views.attempt_take, name="take"),
    path("attempts/<id:pk>/summary/", views.attempt_summary, name="summary"),
    path("attempts/<id:pk>/submit/", views.attempt_submit, name="submit"),
    path("attempts/<id:pk>/result/", views.attempt_result, name="result"),
    path("mine/", views.my_results, name="my_results"),
    path("marking/", views.marking_queue, name="marking_queue"),
    path("marking/<id:pk>/", views.answer_mark, name="mark"),
]
