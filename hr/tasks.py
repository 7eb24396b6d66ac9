"""Celery tasks of HR: thin wrappers taking ids and calling one service each (see certificates/tasks.py
for the reliability settings they share)."""

from celery import shared_task

from core.tasks import FailureRecordingTask


class ExportBuildTask(FailureRecordingTask):
    def record_failure(self, row_id: int, error: str) -> None:
        from . import services

        services.export_fail(export_id=row_id, error=error)


@shared_task(
    name="hr.tasks.export_build",
    base=ExportBuildTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    max_retries=3,
    retry_backoff=10,
    retry_jitter=True,
    soft_time_limit=900,
    time_limit=960,
)
def export_build(self, export_id: int) -> None:
    from . import services

    services.export_build(export_id=export_id)


@shared_task(name="hr.tasks.exports_sweep", acks_late=True, soft_time_limit=60, time_limit=90)
def exports_sweep() -> int:
    from . import services

    return services.exports_sweep()


# Beat sends these (lms/settings/base.py). Not retried: a run that failed leaves its unsent
# claims for the next one, and sending again a claimed reminder is what must never happen.
@shared_task(name="hr.tasks.assignment_reminders_send", acks_late=False, soft_time_limit=600, time_limit=660)
def assignment_reminders_send() -> int:
    from . import services

    return services.assignment_reminders_send()


@shared_task(name="hr.tasks.assignment_digests_send", acks_late=False, soft_time_limit=600, time_limit=660)
def assignment_digests_send() -> int:
    from . import services

    return services.assignment_digests_send()
