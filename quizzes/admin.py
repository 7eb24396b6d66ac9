"""Django admin: one quiz with its mixed-type questions inline (django-polymorphic), and each
question with its choices. Wagtail's InlinePanel takes one model; this admin takes them all."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from polymorphic.admin import (
    PolymorphicChildModelAdmin,
    PolymorphicChildModelFilter,
    PolymorphicInlineSupportMixin,
    PolymorphicParentModelAdmin,
    StackedPolymorphicInline,
)

from .models import (
    Answer,
    Attempt,
    Choice,
    EssayQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    Quiz,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

QUESTION_FIELDS = ["key", "sort_order", "category", "text", "explanation", "points"]


class QuestionInline(StackedPolymorphicInline):
    """The quiz's questions, each with the form of its own type."""

    class SingleChoiceInline(StackedPolymorphicInline.Child):
        model = SingleChoiceQuestion
        fields = QUESTION_FIELDS

    class MultipleChoiceInline(StackedPolymorphicInline.Child):
        model = MultipleChoiceQuestion
        fields = QUESTION_FIELDS

    class TrueFalseInline(StackedPolymorphicInline.Child):
        model = TrueFalseQuestion
        fields = QUESTION_FIELDS + ["correct_answer"]

    class EssayInline(StackedPolymorphicInline.Child):
        model = EssayQuestion
        fields = QUESTION_FIELDS

    class OrderingInline(StackedPolymorphicInline.Child):
        model = OrderingQuestion
        fields = QUESTION_FIELDS

    class NumericInline(StackedPolymorphicInline.Child):
        model = NumericQuestion
        fields = QUESTION_FIELDS + ["answer", "tolerance", "unit"]

    model = Question
    child_inlines = (
        SingleChoiceInline,
        MultipleChoiceInline,
        TrueFalseInline,
        EssayInline,
        OrderingInline,
        NumericInline,
    )
    extra = 0


@admin.register(Quiz)
class QuizAdmin(PolymorphicInlineSupportMixin, admin.ModelAdmin):
    list_display = ["title", "locale", "category", "pass_mark", "draft"]
    list_filter = ["locale", "draft", "category"]
    search_fields = ["title", "description"]
    readonly_fields = ["translation_key"]
    inlines = [QuestionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["key", "text", "correct", "sort_order"]
    extra = 0


class StepInline(admin.TabularInline):
    """An ordering question's steps: their order numbers give the right order."""

    model = Choice
    fields = ["sort_order", "key", "text"]
    extra = 0
    verbose_name = _("step")
    verbose_name_plural = _("steps (the order numbers give the right order; trainees see them scrambled)")


class QuestionChildAdmin(PolymorphicChildModelAdmin):
    base_model = Question
    show_in_index = False  # reached through "Questions", which lists every type
    list_select_related = ["quiz"]
    search_fields = ["text", "key"]


@admin.register(SingleChoiceQuestion)
class SingleChoiceQuestionAdmin(QuestionChildAdmin):
    base_model = Question
    inlines = [ChoiceInline]


@admin.register(MultipleChoiceQuestion)
class MultipleChoiceQuestionAdmin(QuestionChildAdmin):
    base_model = Question
    inlines = [ChoiceInline]


@admin.register(TrueFalseQuestion)
class TrueFalseQuestionAdmin(QuestionChildAdmin):
    base_model = Question


@admin.register(EssayQuestion)
class EssayQuestionAdmin(QuestionChildAdmin):
    base_model = Question


@admin.register(OrderingQuestion)
class OrderingQuestionAdmin(QuestionChildAdmin):
    base_model = Question
    inlines = [StepInline]


@admin.register(NumericQuestion)
class NumericQuestionAdmin(QuestionChildAdmin):
    base_model = Question


@admin.register(Question)
class QuestionParentAdmin(PolymorphicParentModelAdmin):
    base_model = Question
    child_models = (
        SingleChoiceQuestion,
        MultipleChoiceQuestion,
        TrueFalseQuestion,
        EssayQuestion,
        OrderingQuestion,
        NumericQuestion,
    )
    list_display = ["text", "quiz", "key", "points", "polymorphic_ctype"]
    list_filter = [PolymorphicChildModelFilter, "quiz"]
    list_select_related = ["quiz", "polymorphic_ctype"]
    search_fields = ["text", "key"]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = [
        "position",
        "question",
        "answer_bool",
        "answer_text",
        "answer_order",
        "points",
        "correct",
        "marked_by",
        "marked_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Read-only: attempts change only through the quiz pages and the marking queue."""

    list_display = ["user", "quiz", "status", "score", "max_score", "passed", "started_at"]
    list_filter = ["status", "passed"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username", "user__email", "quiz__title"]
    readonly_fields = [f.name for f in Attempt._meta.fields]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False
