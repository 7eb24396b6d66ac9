import contextlib
import os
import shutil

import pytest

from tests.courses.factories import build_course
from tests.factories import OrganizationFactory, UserFactory

CHROMIUM_MISSING = (
    "Debian's chromium is not installed: run `make test-deps` as root (it runs apt-get), "
    "or `sudo apt-get install chromium`."
)


def chromium() -> str | None:
    """The path of Debian's chromium, which the browser tests drive through Playwright; None without it."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.access(path, os.X_OK) else None


def pytest_collection_modifyitems(config, items):
    """Without chromium the browser tests (marked e2e or browser) skip, saying how to install it;
    on CI, which installs it (`make test-deps`), they run and fail instead."""
    if os.environ.get("CI") or chromium() is not None:
        return
    skip = pytest.mark.skip(reason=CHROMIUM_MISSING)
    for item in items:
        if item.get_closest_marker("e2e") or item.get_closest_marker("browser"):
            item.add_marker(skip)


# --- the test database --------------------------------------------------------------------
# Migrating a new SQLite test database costs about 15 s of CPU, in every process of every run.
# The first run keeps a copy of its freshly migrated database (var/test-template-<hash of the
# migrations and pinned requirements>.sqlite3); later runs start each process from a copy of it
# and migrate only what is new. PostgreSQL (CI) is migrated as usual.


def _sqlite_test_name() -> str | None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    return database["TEST"]["NAME"] if database["ENGINE"] == "django.db.backends.sqlite3" else None


def _template_path():
    import hashlib
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    sources = [base / "requirements.txt", *sorted(base.glob("*/migrations/*.py"))]
    for path in sources:
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return Path(settings.VAR_DIR) / f"test-template-{digest.hexdigest()[:16]}.sqlite3"


@pytest.fixture(scope="session")
def django_db_keepdb(django_db_keepdb, django_db_modify_db_settings):
    """pytest-django keeps (and reuses) the test database of this process when this is True: it is
    when the database starts as a copy of the template, and it is removed at the end all the same."""
    name = _sqlite_test_name()
    if django_db_keepdb or name is None or not _template_path().exists():
        yield django_db_keepdb
        return
    try:
        shutil.copyfile(_template_path(), name)
    except FileNotFoundError:  # another run replaced the template meanwhile
        yield False
        return
    yield True
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(name + suffix)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_keepdb, django_db_blocker):
    """pytest-django's test database; a freshly migrated SQLite one is kept as the template."""
    template = _template_path()
    if _sqlite_test_name() is not None and not django_db_keepdb and not template.exists():
        import sqlite3

        from django.db import connection

        partial = template.with_name(f"{template.name}.{os.getpid()}")
        with django_db_blocker.unblock():
            connection.ensure_connection()
            copy = sqlite3.connect(partial)
            connection.connection.backup(copy)
            copy.close()
        for stale in template.parent.glob("test-template-*.sqlite3"):
            stale.unlink(missing_ok=True)
        os.replace(partial, template)
    yield
    from core import notifications

    notifications.stop()  # its connection would keep PostgreSQL from dropping the test database


def _process_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # another user's
        return True
    return True


@pytest.fixture(scope="session", autouse=True)
def _empty_shared_cache():
    """Start every run with an empty shared cache, the run's own folder (lms/settings/test.py),
    and remove the folder at the end; also the folders of processes that are gone."""
    from pathlib import Path

    from django.conf import settings

    from core.caching import shared_cache

    for folder in Path(settings.VAR_DIR).glob("cache-test-*"):
        if not _process_alive(folder.name.removeprefix("cache-test-")):
            shutil.rmtree(folder, ignore_errors=True)
    shared_cache().clear()
    yield
    shutil.rmtree(settings.CACHES["shared"]["LOCATION"], ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _credential_keys(tmp_path_factory):
    """A signing key of this run's own (certificates/keys.py), in a temporary folder, never the
    developer's var/keys; a worker a test starts gets the folder through its environment."""
    from django.conf import settings

    from certificates import keys

    folder = tmp_path_factory.mktemp("credential-keys")
    saved = {
        name: getattr(settings, name) for name in ("CREDENTIAL_KEY_PEM", "CREDENTIAL_KEY_FILE", "CREDENTIAL_KEYS_DIR")
    }
    settings.CREDENTIAL_KEY_PEM, settings.CREDENTIAL_KEY_FILE, settings.CREDENTIAL_KEYS_DIR = "", "", str(folder)
    os.environ.update(CREDENTIAL_KEY_PEM="", CREDENTIAL_KEY_FILE="", CREDENTIAL_KEYS_DIR=str(folder))
    keys.key_generate()
    yield folder
    for name, value in saved.items():
        setattr(settings, name, value)


@pytest.fixture
def credential_keys_dir(settings, tmp_path):
    """A key folder of the test's own (to rotate keys in): a fresh current key, no retired ones."""
    from certificates import keys

    settings.CREDENTIAL_KEYS_DIR = str(tmp_path / "keys")
    keys.key_generate()
    return tmp_path / "keys"


@pytest.fixture(autouse=True)
def _throttles_of_their_own(monkeypatch):
    """Each test counts its own throttled requests (accounts/throttles.py): the shared cache
    outlives a test, and every test client comes from 127.0.0.1."""
    import uuid

    monkeypatch.setattr("accounts.throttles.NAMESPACE", f"throttle-{uuid.uuid4().hex}")


@pytest.fixture
def eager_celery():
    """Run tasks in the test process when they are queued (on commit)."""
    from lms.celery import app as celery_app

    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


@pytest.fixture
def locales(db):
    """Wagtail's locales of both languages: {"en": Locale, "ar": Locale}."""
    from wagtail.models import Locale

    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "ar")}


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Acme Media")


@pytest.fixture
def trainee(organization):
    """A trainee of `organization` whose names are confirmed: one a certificate can be issued to."""
    from django.utils import timezone

    return UserFactory(
        organization=organization, name_latin="Layla Haddad", name_arabic="ليلى حداد", names_confirmed_at=timezone.now()
    )


@pytest.fixture
def other_trainee(db):
    """Another trainee: of no organization, names not confirmed yet."""
    return UserFactory()


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts in the default language with an empty default cache, whatever the test
    before it left in this worker: a request activates its page's language for the rest of the
    thread, and Wagtail keeps renditions (with the file names of that test's own media folder)
    in the default cache, under image ids the next test's rolled-back database hands out again."""
    from django.conf import settings
    from django.core.cache import caches
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    caches["default"].clear()
    yield
    translation.activate(settings.LANGUAGE_CODE)


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

        from content.driver import Report
        from content.kinds import pages
        from content.sources import Problems
        from courses.models import CoursePage

        problems = Problems()
        items = pages.parse(root, problems)
        assert not problems, [str(p) for p in problems]
        report = Report()
        with transaction.atomic():
            pages.write(items, report=report, force=force)
        course_key = next(key for key, by_language in items.items() if by_language["en"].kind == "course")
        courses = CoursePage.objects.filter(slug=course_key).select_related("locale")
        return {c.locale.language_code: c for c in courses}, report

    return load


@pytest.fixture
def demo_course(db):
    """A live course of two modules of two lessons in Arabic and English, built straight in the
    database (tests/courses/factories.py): {language: CoursePage}. Slugs and titles as in
    `loaded_course`; lesson bodies are one paragraph."""
    return build_course()


@pytest.fixture
def loaded_course(tmp_path, load_course_pages):
    """The same course written in Markdown and loaded by the content loader (about 1.5 s):
    {language: CoursePage}. For tests of the loader, of lesson bodies made from Markdown
    (examples, checklists, internal links), and of revisions and content records."""
    courses, _report = load_course_pages(write_course_tree(tmp_path / "content"))
    return courses
