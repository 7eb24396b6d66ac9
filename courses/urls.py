from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("search/", views.search, name="search"),
    path("courses/<id:course_id>/enroll/", views.enroll, name="enroll"),
    path("lessons/<id:lesson_id>/done/", views.lesson_done, name="lesson_done"),
    path("lessons/<id:lesson_id>/undone/", views.lesson_undone, name="lesson_undone"),
    path("lessons/<uuid:key>/", views.lesson_by_key, name="lesson_by_key"),
    path("quizzes/<uuid:quiz_key>/next/", views.module_after_quiz, name="module_after_quiz"),
]
