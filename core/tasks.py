"""What Masar's Celery tasks share."""

import traceback

from celery import Task


class FailureRecordingTask(Task):
    """A task over one row (its first argument is the row's id) whose final failure, once the
    retries are spent, is written to that row: a subclass says how in `record_failure`."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        row_id = args[0] if args else next(iter(kwargs.values()))
        self.record_failure(row_id, "".join(traceback.format_exception(exc)))

    def record_failure(self, row_id: int, error: str) -> None:
        raise NotImplementedError
