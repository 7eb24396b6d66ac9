"""A small world for the security tests: two organizations, their people, and one of
everything a trainee owns (quiz attempts, practice sessions and answers, certificates, an HR
export). Each object is made the first time a test asks for it, so a test pays only for
what it uses."""

import uuid
from datetime import timedelta
from functools import cached_property

from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from wagtail.models import Locale

from certificates import services as certificate_services
from certificates.models import Certificate
from courses.models import LessonPage, ModulePage
from hr import services as hr_services
from interviews import services as practice_services
from quizzes import services as quiz_services
from quizzes.models import Answer, Quiz
from tests.certificates.factories import issued
from tests.courses.factories import build_course
from tests.factories import EditorFactory, HRFactory, OrganizationFactory, SupportFactory, UserFactory
from tests.interviews.factories import make_question
from tests.quizzes.factories import question_add


def ensure_page_root() -> None:
    """Give Wagtail its root page back after a transactional test flushed the database."""
    from wagtail.models import Page

    if Page.get_first_root_node() is None:
        locale, _ = Locale.objects.get_or_create(language_code="en")
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


# The people a request can come from; "owner" is whoever owns the object of the row.
# "editor" is one as seed_demo makes (staff, Wagtail's Editors group, marks essays, a member of the
# owner's organization); "staff" has no permission at all; "support" is staff in the support group.
ROLES = [
    "anonymous",
    "other_trainee",
    "hr_other_org",
    "hr_same_org",
    "editor",
    "staff",
    "support",
    "superuser",
    "owner",
]


class World:
    def __init__(self, request):
        self.request = request  # pytest's, for the shared fixtures (made on first use)

    # People -------------------------------------------------------------------------------

    @cached_property
    def org(self):
        return OrganizationFactory(name="Owner's Organization")

    @cached_property
    def other_org(self):
        return OrganizationFactory(name="Another Organization")

    @cached_property
    def trainee(self):
        """The owner of the attempts, practice sessions and certificates (names confirmed)."""
        return UserFactory(
            organization=self.org,
            name_latin="Owner Trainee",
            name_arabic="متدرب مالك",
            names_confirmed_at=timezone.now(),
        )

    @cached_property
    def newcomer(self):
        """A trainee of the same organization whose certificate waits for confirmed names."""
        return UserFactory(organization=self.org, name_latin="New Comer", name_arabic="متدرب جديد")

    @cached_property
    def other_trainee(self):
        """A colleague: same organization as the owner, but a trainee."""
        return UserFactory(organization=self.org)

    @cached_property
    def hr_same_org(self):
        return HRFactory(organization=self.org)

    @cached_property
    def hr_creator(self):
        """The HR member of the owner's organization who asked for the ZIP export."""
        return HRFactory(organization=self.org)

    @cached_property
    def hr_other_org(self):
        return HRFactory(organization=self.other_org)

    @cached_property
    def staff(self):
        """Staff without any permission (an editor account, say)."""
        return UserFactory(is_staff=True)

    @cached_property
    def editor(self):
        return EditorFactory(organization=self.org)

    @cached_property
    def support(self):
        return SupportFactory()

    @cached_property
    def superuser(self):
        return UserFactory(is_staff=True, is_superuser=True)

    @cached_property
    def marker(self):
        user = UserFactory(is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="mark_answer"))
        return type(user).objects.get(pk=user.pk)

    def user(self, role: str, owner: str = "trainee"):
        if role == "anonymous":
            return None
        return getattr(self, owner if role == "owner" else role)

    def client(self, role: str, owner: str = "trainee", **kwargs) -> Client:
        client = Client(raise_request_exception=False, **kwargs)
        user = self.user(role, owner)
        if user is not None:
            client.force_login(user)
        return client

    # Courses ------------------------------------------------------------------------------

    @cached_property
    def courses(self):
        """A live course in Arabic and English under the site's home pages: `small_loaded_course`
        for a test that asks for it, else `small_course` (tests/security/conftest.py)."""
        loaded = "small_loaded_course" in self.request.fixturenames
        return self.request.getfixturevalue("small_loaded_course" if loaded else "small_course")

    @cached_property
    def course(self):
        return self.courses["en"]

    @cached_property
    def lesson(self):
        return LessonPage.objects.descendant_of(self.course).live().order_by("path").first()

    @cached_property
    def lesson_key(self):
        return str(self.lesson.translation_key)

    @cached_property
    def module_quiz_key(self):
        """The translation key of the quiz of the course's first module (a quiz result's "Next module")."""
        module = ModulePage.objects.descendant_of(self.course).order_by("path").first()
        ModulePage.objects.filter(pk=module.pk).update(quiz=self.quiz)
        return str(self.quiz.translation_key)

    @cached_property
    def certificate_course(self):
        """A course for certificates: quicker to make, and its pages need no URL."""
        return build_course(slug="certificate-course", modules=1, lessons=1)["en"]

    @cached_property
    def unpublished_course(self):
        course = build_course(slug="unpublished-course", modules=1, lessons=1)["en"]
        course.unpublish()
        return course

    # Quizzes ------------------------------------------------------------------------------

    @cached_property
    def locales(self):
        return {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "ar")}

    @cached_property
    def quiz(self):
        quiz = Quiz.objects.create(locale=self.locales["en"], translation_key=uuid.uuid4(), title="Security quiz")
        for index, kind in enumerate(["single", "true_false", "essay"], start=1):
            question_add(quiz, kind, index)
        return quiz

    @cached_property
    def draft_quiz(self):
        quiz = Quiz.objects.create(
            locale=self.locales["en"], translation_key=uuid.uuid4(), title="Draft quiz", draft=True
        )
        question_add(quiz, "single", 1)
        return quiz

    @cached_property
    def single_question(self):
        return self.quiz.questions.get(key="q1")

    @cached_property
    def single_right(self):
        return self.single_question.choices.get(correct=True).pk

    @cached_property
    def essay_question(self):
        return self.quiz.questions.get(key="q3")

    @cached_property
    def attempt_done(self):
        """The owner's submitted attempt; its essay waits for a marker."""
        attempt = quiz_services.attempt_start(user=self.trainee, quiz=self.quiz)
        quiz_services.answers_save(attempt=attempt, answers={self.essay_question.pk: ["My essay answer."]})
        return quiz_services.attempt_submit(attempt=attempt)

    @cached_property
    def essay_response(self):
        return Answer.objects.get(attempt=self.attempt_done, question=self.essay_question)

    @cached_property
    def attempt_open(self):
        """The owner's attempt in progress (made after the submitted one)."""
        self.attempt_done  # noqa: B018 (the order matters: one attempt in progress per quiz)
        return quiz_services.attempt_start(user=self.trainee, quiz=self.quiz)

    # Interview practice -------------------------------------------------------------------

    @cached_property
    def practice_bank(self):
        return [make_question(f"security-{i}") for i in range(3)]

    def _practice_answer(self):
        self.practice_bank  # noqa: B018
        session = practice_services.practice_start(user=self.trainee)
        return practice_services.practice_next(session=session, locale=self.locales["en"])

    @cached_property
    def practice_open_answer(self):
        """A practice question shown to the owner, not answered yet."""
        return self._practice_answer()

    @cached_property
    def practice_open_session(self):
        return self.practice_open_answer.session

    @cached_property
    def practice_answered(self):
        """A practice answer of the owner, answered and not rated yet."""
        self.practice_open_answer  # noqa: B018 (made first, in its own session)
        answer = self._practice_answer()
        return practice_services.answer_submit(answer=answer, text="I schedule with Buffer.")

    @cached_property
    def practice_answered_session(self):
        return self.practice_answered.session

    @cached_property
    def mock_session(self):
        """The owner's finished mock interview."""
        self.practice_bank  # noqa: B018
        session = practice_services.mock_start(
            user=self.trainee, level="specialist", count=3, locale=self.locales["en"]
        )
        return practice_services.session_finish(session=session)

    # Certificates -------------------------------------------------------------------------

    @cached_property
    def certificate(self) -> Certificate:
        """The owner's certificate, issued and queued (rendering is left to `pdf_code`: it is slow)."""
        return issued(self.trainee, self.certificate_course)

    @cached_property
    def completed_course(self):
        """The course of the owner's certificate: completed, so its course complete page opens."""
        return self.certificate and self.certificate_course

    @cached_property
    def code(self) -> str:
        return self.certificate.code

    @cached_property
    def pdf_code(self) -> str:
        """The code of the owner's certificate, rendered: both PDFs are in private storage."""
        certificate_services.certificate_render(certificate_id=self.certificate.pk)
        return self.certificate.code

    @cached_property
    def names_certificate(self) -> Certificate:
        """The newcomer's certificate, waiting for confirmed names."""
        certificate = issued(self.newcomer, self.certificate_course)
        assert certificate.awaiting_names
        return certificate

    @cached_property
    def names_code(self) -> str:
        return self.names_certificate.code

    @cached_property
    def export(self):
        """A ZIP export of the owner's organization, asked for by `hr_creator` and built."""
        self.certificate  # noqa: B018 (something to put in the ZIP)
        export = hr_services.export_create(user=self.hr_creator, filters={})
        return hr_services.export_build(export_id=export.pk)

    @cached_property
    def invitation(self):
        """A waiting invitation to the owner's organization, sent by `hr_creator`."""
        from accounts.models import Invitation

        return Invitation.objects.create(
            organization=self.org,
            email="invited@example.com",
            invited_by=self.hr_creator,
            expires_at=timezone.now() + timedelta(days=7),
        )

    @cached_property
    def assignment(self):
        """The owner's course assigned by HR of their organization, due in a week."""
        from courses.models import CourseAssignment

        return CourseAssignment.objects.create(
            user=self.trainee,
            course_key=self.course.translation_key,
            due_on=timezone.localdate() + timedelta(days=7),
            assigned_by=self.hr_creator,
        )

    @cached_property
    def trainee_email(self) -> str:
        """The owner trainee's address, for the forms that take addresses (assigning, inviting)."""
        return self.trainee.email

    @cached_property
    def course_key(self) -> str:
        return str(self.course.translation_key)

    # URL templates ------------------------------------------------------------------------

    def format(self, template: str) -> str:
        """Fill `{name}` in `template` with the id (or code) of the world's object `name`."""
        return template.format_map(_Ids(self))


class _Ids(dict):
    def __init__(self, world: World):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        value = getattr(self.world, key)
        return getattr(value, "pk", value)
