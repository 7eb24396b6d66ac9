"""Reads for courses: the catalog, a course's outline with a trainee's progress, a lesson's neighbours.

Every function issues a fixed number of queries, whatever the size of the course."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Locale, Page

from core import caching
from quizzes.models import Attempt
from quizzes.selectors import display_language, quiz_keys_passed

from . import caches
from .models import CourseAssignment, CoursePage, Enrollment, LessonCompletion, LessonPage, ModulePage


@dataclass(frozen=True)
class EnrollmentState:
    """A trainee's enrollment as pages show it: plain values, kept in the "progress" cache layer."""

    course_key: UUID
    last_lesson_key: UUID | None
    last_activity_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class Progress:
    """What one trainee has done, in every language: the same whichever page shows it."""

    enrollments: dict[UUID, EnrollmentState] = field(default_factory=dict)  # by course key
    done: dict[UUID, frozenset[UUID]] = field(default_factory=dict)  # lesson keys by course key
    passed_quiz_keys: frozenset[UUID] = frozenset()


def progress_read(*, user) -> Progress:
    """Return `user`'s progress from the database: three queries, however much they have done."""
    done: dict[UUID, set] = {}
    for course_key, lesson_key in LessonCompletion.objects.filter(user=user).values_list("course_key", "lesson_key"):
        done.setdefault(course_key, set()).add(lesson_key)
    return Progress(
        enrollments={
            course_key: EnrollmentState(course_key, *values)
            for course_key, *values in Enrollment.objects.filter(user=user).values_list(
                "course_key", "last_lesson_key", "last_activity_at", "completed_at"
            )
        },
        done={key: frozenset(keys) for key, keys in done.items()},
        passed_quiz_keys=frozenset(quiz_keys_passed(user=user)),
    )


# Where a trainee is in each course (the last lesson read, when): (course key, lesson key, time).
Places = tuple[tuple[UUID, UUID | None, datetime], ...]


# Read on every lesson page that follows a visit elsewhere: compiled once per thread.
_places_rows = caching.CompiledQuery(
    lambda user_id: Enrollment.objects.filter(user_id=user_id).values_list(
        "course_key", "last_lesson_key", "last_activity_at"
    )
)


def places_read(*, user) -> Places:
    """Return where `user` is in each course they are enrolled in: one query."""
    return tuple(_places_rows.rows(user_id=user.pk))


def _places_of(progress: Progress) -> Places:
    return tuple((s.course_key, s.last_lesson_key, s.last_activity_at) for s in progress.enrollments.values())


def _placed(progress: Progress, places: Places) -> Progress:
    """`progress` with the places of `places` (a course missing there keeps its own)."""
    states = dict(progress.enrollments)
    for course_key, lesson_key, activity in places:
        state = states.get(course_key)
        if state is not None:
            states[course_key] = EnrollmentState(course_key, lesson_key, activity, state.completed_at)
    return Progress(enrollments=states, done=progress.done, passed_quiz_keys=progress.passed_quiz_keys)


def progress(*, user, fresh: bool = False) -> Progress:
    """Return `user`'s progress, from the "progress" and "places" cache layers unless `fresh`
    (decisions that write read it fresh).

    The "progress" entry is cleared whenever the trainee's enrollments, completions or quiz
    attempts change (courses/signals.py); the "places" entry (the last lesson read in each course)
    also when a visit moves it (services.lesson_visit), which then costs one query, not three."""
    if not user.is_authenticated:
        return Progress()
    if fresh:
        return progress_read(user=user)
    places = caches.places_get(user)
    standing = caches.progress_get(user)
    if standing is None:
        standing = progress_read(user=user)
        caches.progress_set(user, standing)
        if places is None:
            places = _places_of(standing)
            caches.places_set(user, places)
    elif places is None:
        places = places_read(user=user)
        caches.places_set(user, places)
    return _placed(standing, places)


@dataclass(frozen=True)
class QuizEntry:
    pk: int
    title: str
    translation_key: UUID


@dataclass(frozen=True)
class PageEntry:
    """A live page of a course as outlines show it: plain values, kept in the "course-structures"
    cache layer (never the page itself, which a later line could change)."""

    pk: int
    path: str
    url: str | None
    title: str
    translation_key: UUID
    summary: str = ""

    @classmethod
    def of(cls, page, **values):
        return cls(page.pk, page.path, page.url, page.title, page.translation_key, page.summary, **values)


@dataclass(frozen=True)
class ModuleEntry(PageEntry):
    required: bool = True
    quiz: QuizEntry | None = None

    @property
    def quiz_id(self) -> int | None:
        return self.quiz.pk if self.quiz else None


@dataclass(frozen=True)
class LessonEntry(PageEntry):
    estimated_minutes: int = 0


@dataclass
class ModuleOutline:
    page: ModuleEntry
    lessons: list = field(default_factory=list)
    done_keys: set = field(default_factory=set)
    quiz_passed: bool = False

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.translation_key in self.done_keys)

    @property
    def complete(self) -> bool:
        quiz_ok = self.page.quiz_id is None or self.quiz_passed
        return quiz_ok and self.lessons_done == len(self.lessons)


@dataclass
class CourseOutline:
    course: CoursePage | PageEntry  # the page when the caller has it, else its structure's entry
    modules: list[ModuleOutline]
    enrollment: EnrollmentState | None = None
    done_keys: set = field(default_factory=set)
    exam: QuizEntry | None = None  # the final exam, taken after every required module
    exam_passed: bool = False
    due_on: date | None = None  # when HR assigned the course: the date it is due

    @property
    def overdue(self) -> bool:
        return bool(self.due_on and not self.complete and self.due_on < timezone.localdate())

    @property
    def lessons(self) -> list[LessonEntry]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def total_lessons(self) -> int:
        return len(self.lessons)

    @property
    def lessons_done(self) -> int:
        return sum(module.lessons_done for module in self.modules)

    @property
    def steps_done(self) -> "StepsDone":
        quizzes = [m for m in self.modules if m.page.quiz_id]
        return StepsDone(
            lessons_done=self.lessons_done,
            lessons=self.total_lessons,
            quizzes_passed=sum(1 for m in quizzes if m.quiz_passed) + int(self.exam_passed),
            quizzes=len(quizzes) + int(self.exam is not None),
        )

    @property
    def modules_complete(self) -> bool:
        """Every required module is complete: the final exam may be taken."""
        required = [m for m in self.modules if m.page.required]
        return bool(required) and all(m.complete for m in required)

    @property
    def percent(self) -> int:
        return self.steps_done.percent

    @property
    def complete(self) -> bool:
        """Every required module is complete, and the final exam passed if the course has one."""
        return self.modules_complete and (self.exam is None or self.exam_passed)

    @property
    def progress_signature(self) -> str:
        """Where the trainee stands, as a short text: a digit per lesson and per module quiz, 1 when
        done. Two trainees with the same signature see the same outline (a fragment's cache key)."""
        lessons = "".join("1" if lesson.translation_key in self.done_keys else "0" for lesson in self.lessons)
        quizzes = "".join("1" if module.quiz_passed else "0" for module in self.modules)
        return f"{lessons}-{quizzes}-{int(self.exam_passed)}"

    @property
    def next_lesson(self) -> LessonEntry | None:
        """The lesson to continue with: the one after the last visited, else the first not done."""
        lessons = self.lessons
        if self.enrollment and self.enrollment.last_lesson_key:
            keys = [lesson.translation_key for lesson in lessons]
            if self.enrollment.last_lesson_key in keys:
                start = keys.index(self.enrollment.last_lesson_key)
                for lesson in lessons[start:] + lessons[:start]:
                    if lesson.translation_key not in self.done_keys:
                        return lesson
        return next((lesson for lesson in lessons if lesson.translation_key not in self.done_keys), None)

    def module_for(self, page) -> ModuleOutline | None:
        return next((m for m in self.modules if m.page.pk == page.pk), None)


@dataclass(frozen=True)
class CourseStructure:
    """A course's live modules (with their quizzes) and lessons in order: the same for every trainee."""

    course: PageEntry
    modules: tuple[tuple[ModuleEntry, tuple[LessonEntry, ...]], ...]
    exam: QuizEntry | None = None


def _structure_compute(path: str) -> CourseStructure | None:
    course = CoursePage.objects.filter(path=path).select_related("final_exam").first()
    if course is None:
        return None
    modules = list(ModulePage.objects.child_of(course).live().select_related("quiz").order_by("path"))
    lessons = (
        LessonPage.objects.descendant_of(course)
        .live()
        .order_by("path")
        .only(
            "id",
            "path",
            "depth",
            "title",
            "slug",
            "url_path",
            "translation_key",
            "locale_id",
            "summary",
            "estimated_minutes",
        )
    )
    by_parent_path = {m.path: [] for m in modules}
    for lesson in lessons:
        siblings = by_parent_path.get(lesson.path[: -Page.steplen])
        if siblings is not None:
            siblings.append(LessonEntry.of(lesson, estimated_minutes=lesson.estimated_minutes))
    entries = []
    for module in modules:
        quiz = module.quiz and QuizEntry(module.quiz.pk, module.quiz.title, module.quiz.translation_key)
        entries.append(
            (ModuleEntry.of(module, required=module.required, quiz=quiz), tuple(by_parent_path[module.path]))
        )
    exam = course.final_exam
    exam = exam and QuizEntry(exam.pk, exam.title, exam.translation_key)
    return CourseStructure(course=PageEntry.of(course), modules=tuple(entries), exam=exam)


def course_structures(*, paths: list[str]) -> dict[str, CourseStructure | None]:
    """Return {course path: its structure}, from the "course-structures" cache layer when it is there."""
    return caching.remember_many(
        "course-structures", paths, lambda missing: {path: _structure_compute(path) for path in missing}
    )


def course_outlines(
    *, courses: list[CoursePage], user, structures: dict | None = None, fresh: bool = False
) -> list[CourseOutline]:
    """Return the outline of each course with `user`'s progress, in a fixed number of queries
    however many courses, modules and lessons there are (none when both are cached)."""
    structures = structures or course_structures(paths=[course.path for course in courses])
    state = progress(user=user, fresh=fresh) if courses else Progress()
    outlines = []
    for course in courses:
        structure = structures[course.path]
        key = course.translation_key
        exam = structure.exam if structure else None
        outline = CourseOutline(
            course=course,
            modules=[],
            enrollment=state.enrollments.get(key),
            done_keys=state.done.get(key, frozenset()),
            exam=exam,
            exam_passed=bool(exam and exam.translation_key in state.passed_quiz_keys),
        )
        for module, lessons in structure.modules if structure else []:
            quiz = module.quiz
            outline.modules.append(
                ModuleOutline(
                    page=module,
                    lessons=list(lessons),
                    done_keys=outline.done_keys,
                    quiz_passed=bool(quiz and quiz.translation_key in state.passed_quiz_keys),
                )
            )
        outlines.append(outline)
    return outlines


def course_outline(*, course: CoursePage, user, fresh: bool = False) -> CourseOutline:
    """Return the course's live modules and lessons in order, with `user`'s progress."""
    return course_outlines(courses=[course], user=user, fresh=fresh)[0]


# --- percent complete: one rule for the trainee's pages and for HR ------------------------


@dataclass(frozen=True)
class StepsDone:
    """How far a trainee is in a course. Its steps are each live lesson of a live module and the
    quiz of each live module that has one; a completed course with an optional module left is not
    100 %. The outline of the trainee's pages and HR's dashboard both count with this."""

    lessons_done: int = 0
    lessons: int = 0
    quizzes_passed: int = 0
    quizzes: int = 0

    @property
    def percent(self) -> int:
        steps = self.lessons + self.quizzes
        return round((self.lessons_done + self.quizzes_passed) * 100 / steps) if steps else 0


@dataclass(frozen=True)
class CourseSteps:
    """The steps of one course, read for many trainees at once (see `course_steps`)."""

    lesson_keys: frozenset[UUID] = frozenset()
    quiz_keys: tuple[UUID, ...] = ()  # one per live module with a quiz, and the final exam, as the outline counts them
    exam_key: UUID | None = None  # the final exam's, also in quiz_keys (HR shows its score apart)

    def done(self, *, done_keys, passed_quiz_keys) -> StepsDone:
        return StepsDone(
            lessons_done=len(self.lesson_keys & done_keys),
            lessons=len(self.lesson_keys),
            quizzes_passed=sum(1 for key in self.quiz_keys if key in passed_quiz_keys),
            quizzes=len(self.quiz_keys),
        )


def courses_in_language(*, course_keys, language: str) -> dict[UUID, CoursePage]:
    """Return {course key: its page in `language`, or in another language if it has none}: one query."""
    chosen: dict[UUID, CoursePage] = {}
    pages = (
        CoursePage.objects.filter(translation_key__in=course_keys)
        .select_related("locale")
        .only("id", "path", "depth", "title", "translation_key", "locale__language_code", "live")
    )
    for page in pages:
        current = chosen.get(page.translation_key)
        if current is None or (page.locale.language_code == language and current.locale.language_code != language):
            chosen[page.translation_key] = page
    return chosen


def course_steps(*, courses) -> dict[UUID, CourseSteps]:
    """Return {course key: its steps} for the course pages `courses`, from the structures their
    outlines are drawn from (`course_structures`: no query once cached), so HR counts exactly the
    steps the trainee sees."""
    structures = course_structures(paths=[course.path for course in courses])
    steps = {}
    for course in courses:
        structure = structures.get(course.path)
        if structure is None:
            continue
        quiz_keys = [module.quiz.translation_key for module, _lessons in structure.modules if module.quiz]
        exam_key = structure.exam.translation_key if structure.exam else None
        steps[course.translation_key] = CourseSteps(
            lesson_keys=frozenset(
                lesson.translation_key for _module, lessons in structure.modules for lesson in lessons
            ),
            quiz_keys=tuple(quiz_keys + ([exam_key] if exam_key else [])),
            exam_key=exam_key,
        )
    return steps


def steps_done_many(*, pairs, steps: dict[UUID, CourseSteps]) -> dict[tuple[int, UUID], StepsDone]:
    """Return {(user id, course key): StepsDone} for many trainees at once (HR's dashboard and
    CSV): two queries however many trainees, lessons and attempts."""
    pairs = {(user_id, key) for user_id, key in pairs if key in steps}
    if not pairs:
        return {}
    user_ids = {user_id for user_id, _key in pairs}
    done: dict[tuple[int, UUID], set] = {}
    completions = LessonCompletion.objects.filter(user_id__in=user_ids, course_key__in=steps.keys())
    for user_id, course_key, lesson_key in completions.values_list("user_id", "course_key", "lesson_key"):
        done.setdefault((user_id, course_key), set()).add(lesson_key)
    quiz_keys = {key for course in steps.values() for key in course.quiz_keys}
    passed: dict[int, set] = {}
    if quiz_keys:
        attempts = Attempt.objects.filter(user_id__in=user_ids, quiz_key__in=quiz_keys, passed=True)
        for user_id, quiz_key in attempts.values_list("user_id", "quiz_key").distinct():
            passed.setdefault(user_id, set()).add(quiz_key)
    return {
        (user_id, key): steps[key].done(
            done_keys=done.get((user_id, key), set()), passed_quiz_keys=passed.get(user_id, set())
        )
        for user_id, key in pairs
    }


def outline_above(*, page, levels: int, user) -> CourseOutline | None:
    """Return the outline of the course `levels` above `page` (1 for a module, 2 for a lesson),
    with its course page, without reading the page's ancestors."""
    course_path = page.path[: -Page.steplen * levels]
    structures = course_structures(paths=[course_path])
    if structures[course_path] is None:
        return None
    return course_outlines(courses=[structures[course_path].course], user=user, structures=structures)[0]


def lesson_context(*, lesson: LessonPage, user) -> dict:
    """Return the lesson's course, module, neighbours and whether `user` has done it."""
    outline = outline_above(page=lesson, levels=2, user=user)
    module_path = lesson.path[: -Page.steplen]
    module = next((m.page for m in outline.modules if m.page.path == module_path), None) if outline else None
    if module is None:  # a lesson of a module that is not live: read the tree
        module = lesson.get_parent().specific
        outline = course_outline(course=module.get_parent().specific, user=user)
    lessons = outline.lessons
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), 0)
    return {
        "course": outline.course,
        "module": module,
        "outline": outline,
        "previous_lesson": lessons[index - 1] if index > 0 else None,
        "next_lesson_page": lessons[index + 1] if index + 1 < len(lessons) else None,
        "lesson_done": lesson.translation_key in outline.done_keys,
    }


def course_ids_using(*, quiz) -> tuple[int, ...]:
    """Return the ids of the courses in `quiz`'s language with a live module whose quiz is `quiz`,
    or live with `quiz` as their final exam, in tree order: two queries, none while the content is
    unchanged (kept in the "course-structures" layer)."""

    def compute() -> tuple[int, ...]:
        modules = ModulePage.objects.live().filter(quiz__translation_key=quiz.translation_key, locale_id=quiz.locale_id)
        parents = [path[: -Page.steplen] for path in modules.values_list("path", flat=True)]
        exam = Q(live=True, final_exam__translation_key=quiz.translation_key, locale_id=quiz.locale_id)
        return tuple(
            CoursePage.objects.filter(Q(path__in=parents) | exam).order_by("path").values_list("pk", flat=True)
        )

    return caching.remember("course-structures", f"using:{quiz.translation_key}:{quiz.locale_id}", compute)


def courses_completed_with(*, user, quiz, since=None) -> list[CoursePage]:
    """Return the live courses in `quiz`'s language whose module quiz or final exam is `quiz` and
    that `user` has completed (at or after `since`, if given): a quiz result links to their
    "course complete" page. One query (none when no course uses the quiz)."""
    if not user.is_authenticated or quiz is None:
        return []
    ids = course_ids_using(quiz=quiz)
    if not ids:
        return []
    completed = Enrollment.objects.filter(user=user, completed_at__isnull=False)
    if since is not None:
        completed = completed.filter(completed_at__gte=since)
    completed = completed.values_list("course_key", flat=True)
    return list(CoursePage.objects.live().filter(pk__in=ids, translation_key__in=completed).order_by("path"))


def module_after_quiz(*, quiz_key: UUID, locale: Locale) -> Page | None:
    """Return where a trainee goes from a passed quiz (a quiz result's "Next module"): the live
    module after the one whose quiz has translation key `quiz_key`, in `locale` if the course
    has that language; the course page after its last module or its final exam; None if no live
    module or course uses the quiz. At most three queries."""
    modules = ModulePage.objects.live().filter(quiz__translation_key=quiz_key)
    module = min(modules, key=lambda m: (m.locale_id != locale.pk, m.path), default=None)
    if module is None:
        courses = CoursePage.objects.live().filter(final_exam__translation_key=quiz_key)
        return min(courses, key=lambda c: (c.locale_id != locale.pk, c.path), default=None)
    following = (
        ModulePage.objects.live().sibling_of(module, inclusive=False).filter(path__gt=module.path).order_by("path")
    ).first()
    return following or CoursePage.objects.parent_of(module).live().first()


def lesson_by_key(*, key: UUID, locale: Locale) -> LessonPage | None:
    """Return the live lesson with translation key `key` in `locale`, or in another language
    when it has no translation there: one query."""
    lessons = LessonPage.objects.live().filter(translation_key=key)
    return min(lessons, key=lambda lesson: lesson.locale_id != locale.pk, default=None)


@dataclass
class CatalogEntry:
    course: CoursePage
    enrollment: EnrollmentState | None


def catalog(*, home, user) -> list[CatalogEntry]:
    """Return the live courses under `home`, each with `user`'s enrollment if any."""
    courses = list(CoursePage.objects.child_of(home).live().order_by("path").select_related("cover"))
    enrollments = progress(user=user).enrollments
    return [CatalogEntry(course=c, enrollment=enrollments.get(c.translation_key)) for c in courses]


def live_course_paths(*, language: str) -> dict[UUID, str]:
    """Return {translation key: tree path} of the live courses in `language`, from the
    "course-structures" cache layer when it is there."""
    return dict(
        caching.remember(
            "course-structures",
            f"live-courses:{language}",
            lambda: tuple(
                CoursePage.objects.live().filter(locale__language_code=language).values_list("translation_key", "path")
            ),
        )
    )


# My learning's one query: compiled once per thread ("compiled-queries").
_assignments_due = caching.CompiledQuery(
    lambda user_id: (
        CourseAssignment.objects.filter(user_id=user_id).order_by("due_on", "pk").values_list("course_key", "due_on")
    )
)


def my_learning(*, user) -> list[CourseOutline]:
    """Return an outline with progress for each course `user` is enrolled in or was assigned, in the
    active language: the assigned courses not completed first, soonest due first, then the others
    by last activity. One query (the assignments) while the content and the progress are cached;
    each outline's course is its `PageEntry`."""
    due = dict(_assignments_due.rows(user_id=user.pk))
    enrolled = sorted(progress(user=user).enrollments.values(), key=lambda state: state.last_activity_at, reverse=True)
    keys = list(dict.fromkeys([*due, *(state.course_key for state in enrolled)]))
    paths = live_course_paths(language=display_language())
    ordered = [paths[key] for key in keys if key in paths]
    structures = course_structures(paths=ordered)
    courses = [structures[path].course for path in ordered if structures.get(path) is not None]
    outlines = course_outlines(courses=courses, user=user, structures=structures)
    for outline in outlines:
        outline.due_on = due.get(outline.course.translation_key)
    # Assigned and still to do first (soonest due first); then everything else in the order above.
    return sorted(outlines, key=lambda o: (0, o.due_on) if o.due_on and not o.complete else (1, date.min))


def lessons_overdue_for_review():
    """Return live lessons whose policy review date has passed, oldest first."""
    from django.utils import timezone

    lessons = LessonPage.objects.live().filter(last_reviewed__isnull=False, review_interval_days__isnull=False)
    lessons = lessons.select_related("locale").order_by("last_reviewed")
    today = timezone.localdate()
    # Date arithmetic stays in Python: portable across SQLite and PostgreSQL, and the list is short.
    return [lesson for lesson in lessons if lesson.review_due_on and lesson.review_due_on < today]


def search_terms(query: str) -> list[str]:
    """Split what a visitor typed into plain words: runs of letters, marks and digits of any script.

    Everything else (quotes, `*`, `:`, `-`, brackets, control characters) only separates words:
    the search backends write the terms into an FTS5 or tsquery expression, where a stray `"`
    is a syntax error. Search input is data, never syntax. A dot between two words stays (1.1,
    example.com): PostgreSQL's parser indexes such a run as one word, SQLite as a phrase."""
    kept = "".join(char if char == "." or unicodedata.category(char)[0] in "LMN" else " " for char in query)
    return [term for chunk in kept.split() for term in re.findall(r"[^.]+(?:\.[^.]+)*", chunk)]


def lesson_search(*, query: str, locale: Locale):
    """Return live lessons in `locale` matching every word of `query` (none when it has no words)."""
    terms = search_terms(query)
    lessons = LessonPage.objects.live().filter(locale=locale)
    return lessons.search(" ".join(terms)) if terms else lessons.none()
