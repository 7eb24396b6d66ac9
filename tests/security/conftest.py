import pytest

from tests.conftest import write_course_tree
from tests.courses.factories import build_course
from tests.security.world import ensure_page_root


@pytest.fixture
def small_course(db):
    """A live course of one module and one lesson in Arabic and English, built straight in the
    database: {language: CoursePage}. The World's course (tests/security/world.py)."""
    ensure_page_root()
    return build_course(modules=1, lessons=1)


@pytest.fixture
def small_loaded_course(tmp_path, load_course_pages):
    """The same course through the content loader, its lesson made of every kind of block. A test
    that asks for it gets it as the World's course: the policy checks see real lesson bodies."""
    ensure_page_root()
    courses, _report = load_course_pages(write_course_tree(tmp_path / "content", modules=1, lessons=1))
    return courses
