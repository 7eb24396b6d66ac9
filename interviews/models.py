import textwrap

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

from .widgets import PhraseListWidget


class Category(models.TextChoices):
    BACKGROUND = "background", _("Background and experience")
    TOOLS_ANALYTICS = "tools-analytics", _("Tools and analytics")
    STRATEGY_BRAND = "strategy-brand", _("Strategy and brand")
    CONTENT_COMMUNITY = "content-community", _("Content and community")
    CRISIS_REPUTATION = "crisis-reputation", _("Crisis and reputation")
    PLATFORM_POLICIES = "platform-policies", _("Platform policies")
    SEO = "seo", _("SEO")
    CAREER_LEADERSHIP = "career-leadership", _("Career and leadership")
    AI = "ai", _("AI in the work")
    REGIONAL_PLATFORMS = "regional-platforms", _("The region's channels")
    PAID_SOCIAL = "paid-social", _("Paid social")
    SOCIAL_LISTENING = "social-listening", _("Social listening")


class InterviewCategory(models.Model):
    """What content/<lang>/interviews/<category>.yaml says of its category beyond its questions:
    the course modules a trainee weak in it is sent back to (`modules:` in the file, written by
    load_content), as the modules' translation keys in the file's order."""

    key = models.CharField(_("category"), max_length=30, choices=Category.choices, unique=True)
    modules = models.JSONField(_("modules to review"), default=list, blank=True)

    class Meta:
        verbose_name = _("interview category")
        verbose_name_plural = _("interview categories")

    def __str__(self):
        return self.get_key_display()


class Level(models.TextChoices):
    SPECIALIST = "specialist", _("Specialist")
    MANAGER = "manager", _("Manager")
    DIRECTOR = "director", _("Director")


class Rating(models.IntegerChoices):
    """The four self-ratings; the values are fsrs.Rating's. Each label says what the rating
    does to the question's schedule, since that is what the trainee is choosing."""

    AGAIN = 1, _("Missed it: ask me again today")
    HARD = 2, _("Shaky: bring it back soon")
    GOOD = 3, _("Solid: wait longer")
    EASY = 4, _("Effortless: wait much longer")


def validate_phrases(value) -> None:
    if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.strip() for p in value):
        raise ValidationError(_("Enter at least one word or phrase, one per line."))


class InterviewQuestion(TranslatableMixin, index.Indexed, ClusterableModel):
    """An interview question in one language. Its versions in other languages share its
    translation key, and everything a trainee does with it (cards, answers) hangs off that key."""

    key = models.SlugField(_("key"), max_length=80, help_text=_("Stable key, the same in every language."))
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    prompt = models.TextField(_("question"))
    model_answer = models.TextField(
        _("model answer"), help_text=_("Behavioural questions follow situation, task, action, result.")
    )
    suggested_seconds = models.PositiveSmallIntegerField(_("suggested answer time (seconds)"), default=120)

    panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("level"), FieldPanel("suggested_seconds")]),
        FieldPanel("prompt"),
        FieldPanel("model_answer"),
        InlinePanel("key_points", label=_("Key points"), min_num=1, max_num=8),
        MultiFieldPanel([FieldPanel("key")], heading=_("Advanced"), classname="collapsed"),
    ]
    search_fields = [
        index.SearchField("prompt"),
        index.AutocompleteField("prompt"),  # the admin's search finds "platf" in "platforms"
        index.SearchField("key"),
        index.FilterField("category"),
        index.FilterField("level"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("interview question")
        verbose_name_plural = _("interview questions")
        ordering = ["category", "level", "key"]
        constraints = [models.UniqueConstraint(fields=["key", "locale"], name="interview_key_unique_in_locale")]
        indexes = [models.Index(fields=["locale", "category", "level"])]

    def __str__(self):
        # Whole words: a long question is never cut in the middle of one.
        return textwrap.shorten(self.prompt, 80, placeholder=" …")


class KeyPoint(Orderable):
    """A point a good answer covers, with the words and phrases (in the question's language)
    that suggest an answer covers it."""

    question = ParentalKey(InterviewQuestion, on_delete=models.CASCADE, related_name="key_points")
    key = models.SlugField(_("key"), max_length=60, help_text=_("The same in every language."))
    text = models.CharField(_("text"), max_length=300)
    phrases = models.JSONField(
        _("phrases"),
        default=list,
        validators=[validate_phrases],
        help_text=_("Words or phrases that show the point is covered, one per line."),
    )

    panels = [
        FieldPanel("text"),
        FieldPanel("phrases", widget=PhraseListWidget),
        MultiFieldPanel([FieldPanel("key")], heading=_("Advanced"), classname="collapsed"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("key point")
        verbose_name_plural = _("key points")
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="key_point_unique_in_question")]

    def __str__(self):
        return self.text


class Card(models.Model):
    """A trainee's FSRS memory state for one question, keyed by the question's
    language-free translation key so a language switch keeps the schedule.

    Category and level are copied from the question (they are the same in every
    language) so the next due card is picked from the (user, due) index alone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_cards")
    question_key = models.UUIDField(_("question key"))
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    due = models.DateTimeField(_("due"))
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    state = models.PositiveSmallIntegerField(default=1, help_text="fsrs.State: 1 learning, 2 review, 3 relearning.")
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [models.UniqueConstraint(fields=["user", "question_key"], name="one_card_per_question")]
        indexes = [
            models.Index(fields=["user", "due"], name="interviews_card_user_due"),
            models.Index(fields=["user", "created_at"], name="interviews_card_user_created"),
        ]

    def __str__(self):
        return f"{self.user} · {self.question_key}"


class PracticeSession(models.Model):
    """A run of practice (open-ended, scheduled by FSRS) or a mock interview (N questions, timed)."""

    class Mode(models.TextChoices):
        PRACTICE = "practice", _("Practice")
        MOCK = "mock", _("Mock interview")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions")
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    question_keys = models.JSONField(_("question keys"), default=list, blank=True, help_text="In the order asked.")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("practice session")
        verbose_name_plural = _("practice sessions")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"], name="interviews_session_user_start")]

    def __str__(self):
        return f"{self.get_mode_display()} · {self.user} · {self.started_at:%Y-%m-%d}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class PracticeAnswer(models.Model):
    """One question asked in a session, and what the trainee did with it."""

    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField(default=0)
    question_key = models.UUIDField(_("question key"))
    question = models.ForeignKey(
        InterviewQuestion,
        verbose_name=_("question"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="answers",
        help_text="The language version shown when the question was asked.",
    )
    answer_text = models.TextField(_("answer"), blank=True)
    skipped = models.BooleanField(_("skipped"), default=False)
    covered_keys = models.JSONField(_("covered key points"), default=list, blank=True)
    hinted_keys = models.JSONField(_("key points the answer seems to cover"), default=list, blank=True)
    rating = models.PositiveSmallIntegerField(_("self-rating"), choices=Rating.choices, null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    seconds_taken = models.PositiveIntegerField(_("seconds taken"), null=True, blank=True)

    class Meta:
        verbose_name = _("practice answer")
        verbose_name_plural = _("practice answers")
        ordering = ["session", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "position"], name="one_answer_per_position")]

    def __str__(self):
        return f"{self.session_id} · {self.position}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class ReviewLog(models.Model):
    """One self-rating of a card, as the FSRS optimiser learns from it (the revlog of
    fsrs-optimizer and Anki: card, rating, time, duration, state before the review), written in
    the transaction that reschedules the card. A trainee's logs are what their own parameters
    are fitted to (SchedulingParameters).

    `duration_ms` runs from the reveal, when the model answer and key points are shown (the
    answer's answered_at in practice; the end of a mock interview, whose answers stay hidden
    until then), to the rating; empty when the review did not come from a practice answer."""

    class State(models.IntegerChoices):
        NEW = 0, _("New")
        LEARNING = 1, _("Learning")
        REVIEW = 2, _("Review")
        RELEARNING = 3, _("Relearning")

    card = models.ForeignKey(Card, verbose_name=_("card"), on_delete=models.CASCADE, related_name="review_logs")
    rating = models.PositiveSmallIntegerField(_("self-rating"), choices=Rating.choices)
    reviewed_at = models.DateTimeField(_("reviewed at"))
    duration_ms = models.PositiveIntegerField(_("time from reveal to rating (ms)"), null=True, blank=True)
    state = models.PositiveSmallIntegerField(_("state before"), choices=State.choices)
    stability = models.FloatField(_("stability before"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty before"), null=True, blank=True)
    elapsed_days = models.PositiveIntegerField(
        _("days since the previous review"), default=0, help_text="Calendar days; 0 for a card's first review."
    )

    class Meta:
        verbose_name = _("review log")
        verbose_name_plural = _("review logs")
        ordering = ["card", "reviewed_at", "pk"]
        indexes = [models.Index(fields=["card", "reviewed_at"], name="interviews_log_card_time")]

    def __str__(self):
        return f"{self.card_id} · {self.get_rating_display()} · {self.reviewed_at:%Y-%m-%d %H:%M}"


class SchedulingParameters(models.Model):
    """A trainee's own FSRS-6 parameters, fitted to their review log by the periodic task
    (interviews.tasks.parameters_refit); without a row their cards use FSRS's defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_scheduling_parameters"
    )
    parameters = models.JSONField(_("FSRS parameters"), help_text="The 21 FSRS-6 parameters, in FSRS's order.")
    fitted_at = models.DateTimeField(_("fitted at"))
    review_count = models.PositiveIntegerField(_("reviews used"), help_text="Review log rows the fit read.")

    class Meta:
        verbose_name = _("scheduling parameters")
        verbose_name_plural = _("scheduling parameters")

    def __str__(self):
        return f"{self.user} · {self.fitted_at:%Y-%m-%d}"


class WeeklyEmail(models.Model):
    """One weekly email of drills due, claimed before it is sent (services.drills_due_emails):
    the unique (trainee, week) row makes a second beat or a restart in the same week send nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_weekly_emails")
    week = models.DateField(_("week"), help_text="The Monday of the week the email was for.")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("weekly email of questions due")
        verbose_name_plural = _("weekly emails of questions due")
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="one_weekly_email_a_week")]

    def __str__(self):
        return f"{self.user} · {self.week:%Y-%m-%d}"
