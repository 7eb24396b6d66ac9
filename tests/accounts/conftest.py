import pytest

from lms.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Run tasks in the test process when they are queued (on commit)."""
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old
