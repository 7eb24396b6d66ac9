# `trainee` (of `organization`, names confirmed), `organization` and `demo_course` come from
# tests/conftest.py; `hr` and `course` mean here what they mean in the certificates tests.
from tests.certificates.conftest import course, hr  # noqa: F401
