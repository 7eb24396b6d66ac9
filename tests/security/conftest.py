import pytest

from tests.conftest import write_course_tree
from tests.security.world import ensure_page_root


@pytest.fixture
def small_course(tmp_path, load_course_pages):
    """A live course of one module and one lesson in Arabic and English: {language: CoursePage}."""
    ensure_page_root()
    courses, _report = load_course_pages(write_course_tree(tmp_path / "content", modules=1, lessons=1))
    return courses
