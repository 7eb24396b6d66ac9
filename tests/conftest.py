import pytest


@pytest.fixture(scope="session", autouse=True)
def _empty_shared_cache():
    """Start every run with an empty shared cache, when it is the tests' own folder (see
    lms/settings/test.py); a Redis given with CACHE_URL is left alone."""
    from django.conf import settings

    from lms.cache import SHARED, shared_cache

    if settings.CACHES[SHARED]["LOCATION"].endswith("cache-test"):
        shared_cache().clear()


@pytest.fixture(autouse=True)
def _throttles_of_their_own(monkeypatch):
    """Each test counts its own throttled requests (accounts/throttles.py): the shared cache
    outlives a test, and every test client comes from 127.0.0.1."""
    import uuid

    monkeypatch.setattr("accounts.throttles.NAMESPACE", f"throttle-{uuid.uuid4().hex}")


@pytest.fixture
def trainee(db):
    """A trainee of no organization (tests/certificates has one of an organization)."""
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_trainee(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Keep uploaded and private files of each test in a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


LESSON_BODY = {
    "en": "Intro paragraph about {key} with **bold** words.\n\n## A heading\n\nMore text, see [the first lesson](lesson:lesson-1-1).\n\n:::example\nA worked example.\n:::\n\n:::checklist\n- one\n- two\n:::\n\n:::keypoints\n- a key point\n:::\n",
    "ar": "فقرة تمهيدية عن {key} فيها كلمات **بارزة**.\n\n## عنوان\n\nنص إضافي، انظر [الدرس الأول](lesson:lesson-1-1).\n\n:::example\nمثال عملي.\n:::\n\n:::checklist\n- أولًا\n- ثانيًا\n:::\n\n:::keypoints\n- نقطة أساسية\n:::\n",
}


def write_course_tree(
    root, *, modules: int = 2, lessons: int = 2, course_key: str = "demo-course", quiz_keys=None, prefix=""
):
    """Write a small course in both languages under `root` (a content/ folder); return root."""
    titles = {"en": "Demo course", "ar": "دورة تجريبية"}
    for lang in ("en", "ar"):
        base = root / lang / "courses" / course_key
        base.mkdir(parents=True, exist_ok=True)
        (base / "course.md").write_text(
            f"---\nkey: {course_key}\ntitle: {titles[lang]}\nsummary: S {lang}\nlevel: beginner\n"
            f"estimated_hours: 2\norder: 1\noutcomes:\n  - O {lang}\n---\nIntro {lang}.\n",
            encoding="utf-8",
        )
        for m in range(1, modules + 1):
            mdir = base / f"{prefix}module-{m}"
            mdir.mkdir(exist_ok=True)
            quiz = f"quiz: {quiz_keys[m - 1]}\n" if quiz_keys else ""
            (mdir / "module.md").write_text(
                f"---\nkey: {prefix}module-{m}\ntitle: Module {m} {lang}\norder: {m}\nrequired: true\n{quiz}summary: M\n---\nM{m}\n",
                encoding="utf-8",
            )
            for n in range(1, lessons + 1):
                key = f"{prefix}lesson-{m}-{n}"
                (mdir / f"{key}.md").write_text(
                    f"---\nkey: {key}\ntitle: Lesson {m}.{n} {lang}\nsummary: L\nestimated_minutes: 5\norder: {n}\n---\n"
                    + LESSON_BODY[lang].format(key=key).replace("lesson:lesson-1-1", f"lesson:{prefix}lesson-1-1"),
                    encoding="utf-8",
                )
    return root


@pytest.fixture
def load_course_pages():
    """Load a written content tree's pages (no quizzes) and return {language: CoursePage}."""

    def load(root, force=False):
        from django.db import transaction

        from courses.content import pages
        from courses.content.common import Problems, Report
        from courses.models import CoursePage

        problems = Problems()
        trees = pages.parse(root, problems)
        assert not problems, [str(p) for p in problems]
        report = Report()
        with transaction.atomic():
            pages.write(trees, report=report, force=force, quizzes={})
        courses = CoursePage.objects.filter(slug=trees["en"][0].key).select_related("locale")
        return {c.locale.language_code: c for c in courses}, report

    return load


@pytest.fixture
def demo_course(tmp_path, load_course_pages):
    courses, _report = load_course_pages(write_course_tree(tmp_path / "content"))
    return courses
