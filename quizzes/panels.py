"""The quiz's questions on the quiz's own edit page in the Wagtail admin.

django-polymorphic gives each question type its own table and form, which Wagtail's InlinePanel
cannot mix in one formset. So the quiz edit page lists its questions in their order (type, text,
points), each with its edit and delete links and buttons to move it up or down, and one "Add
... question" link per type: each opens that type's own form with the quiz filled in, and saving
it comes back to the quiz. The question types are the snippet viewsets registered in
wagtail_hooks.py, passed in when the panel is built."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class QuizQuestionsPanel(Panel):
    def __init__(self, question_types=(), **kwargs):
        kwargs.setdefault("heading", _("Questions"))
        super().__init__(**kwargs)
        self.question_types = tuple(question_types)

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "question_types": self.question_types}

    @property
    def clean_name(self):
        return super().clean_name or "questions"

    class BoundPanel(Panel.BoundPanel):
        template_name = "quizzes/admin/quiz_questions_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            quiz = self.instance
            context["quiz"] = quiz
            if not quiz.pk:
                context["questions"] = None
                return context
            here = reverse(quiz.snippet_viewset.get_url_name("edit"), args=[quiz.pk]) + "#panel-questions-section"
            back = urlencode({"next": here})
            # django-polymorphic: one query, then one per question type present.
            questions = list(quiz.questions.order_by("sort_order", "pk"))
            known = set(self.panel.question_types)
            rows = []
            for position, question in enumerate(questions, start=1):
                model = type(question) if type(question) in known else None
                rows.append(
                    {
                        "position": position,
                        "question": question,
                        "type": type(question)._meta.verbose_name,
                        "edit_url": model
                        and reverse(model.snippet_viewset.get_url_name("edit"), args=[question.pk]) + "?" + back,
                        "delete_url": model
                        and reverse(model.snippet_viewset.get_url_name("delete"), args=[question.pk]) + "?" + back,
                        "up_url": position > 1 and reverse("quizzes_question_move", args=[question.pk, "up"]),
                        "down_url": position < len(questions)
                        and reverse("quizzes_question_move", args=[question.pk, "down"]),
                    }
                )
            context["questions"] = rows
            context["add_links"] = [
                {
                    "label": _("Add %(type)s") % {"type": model._meta.verbose_name},
                    "url": reverse(model.snippet_viewset.get_url_name("add"))
                    + "?"
                    + urlencode({"quiz": quiz.pk, "next": here}),
                }
                for model in self.panel.question_types
            ]
            return context
