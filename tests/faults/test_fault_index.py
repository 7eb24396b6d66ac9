"""Two of the faults of issue 6 are tested beside the code they concern; this keeps the pointers right."""

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.faults

ELSEWHERE = [
    # The worker's process killed mid-render: the certificate still ends ready, once.
    (
        "tests/certificates/test_certificate_worker.py",
        "test_killing_the_worker_mid_render_still_ends_ready_exactly_once",
    ),
    # A content file with an error: load_content writes nothing.
    ("tests/courses/test_load_content_command.py", "test_a_bad_file_writes_nothing"),
]


@pytest.mark.parametrize(("path", "name"), ELSEWHERE)
def test_the_other_faults_are_tested_beside_their_code(path, name):
    assert f"def {name}(" in (Path(settings.BASE_DIR) / path).read_text(encoding="utf-8")
