from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("<int:pk>/", views.quiz_detail, name="detail"),
    path("<int:pk>/start/", views.quiz_start, name="start"),
    path("attempts/<int:pk>/", views.attempt_take, name="take"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="submit"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="result"),
    path("mine/", views.my_results, name="my_results"),
    path("marking/", views.marking_queue, name="marking_queue"),
    path("marking/<int:pk>/", views.response_mark, name="mark"),
]
