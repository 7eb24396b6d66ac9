"""Celery tasks: thin wrappers taking ids and calling one service each.

Reliability settings (acks_late, reject on worker lost, prefetch 1) come from CELERY_* in
settings; the render task adds retries with exponential backoff, jitter and a cap, and its
own soft and hard time limits. After the last retry the row is marked failed with the error."""

from celery import shared_task

from core.tasks import FailureRecordingTask

RENDER_MAX_RETRIES = 5


class CertificateRenderTask(FailureRecordingTask):
    def record_failure(self, row_id: int, error: str) -> None:
        from . import services

        services.certificate_render_fail(certificate_id=row_id, error=error)


@shared_task(
    name="certificates.tasks.certificate_render",
    base=CertificateRenderTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    max_retries=RENDER_MAX_RETRIES,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    soft_time_limit=60,
    time_limit=90,
)
def certificate_render(self, certificate_id: int) -> None:
    from . import services

    services.certificate_render(certificate_id=certificate_id)


@shared_task(name="certificates.tasks.certificates_sweep", acks_late=True, soft_time_limit=60, time_limit=90)
def certificates_sweep() -> int:
    from . import services

    return services.certificates_sweep()


@shared_task(
    name="certificates.tasks.certificate_ready_email",
    acks_late=True,
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=30,
    retry_jitter=True,
    soft_time_limit=30,
    time_limit=60,
)
def certificate_ready_email(certificate_id: int) -> bool:
    from . import services

    return services.certificate_ready_email_send(certificate_id=certificate_id)
