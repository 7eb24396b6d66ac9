"""Celery tasks of accounts: thin wrappers calling one service each (as certificates/tasks.py)."""

from celery import shared_task


@shared_task(
    name="accounts.tasks.password_reset_send",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),  # the mail server is down or refuses (smtplib's errors are OSErrors)
    max_retries=5,
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    soft_time_limit=60,
    time_limit=90,
)
def password_reset_send(email: str, domain: str, use_https: bool, language: str) -> None:
    from . import services

    services.password_reset_send(email=email, domain=domain, use_https=use_https, language=language)


@shared_task(
    name="accounts.tasks.invitations_send",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    max_retries=5,
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    soft_time_limit=120,
    time_limit=180,
)
def invitations_send(invitation_ids: list[int]) -> int:
    from . import services

    return services.invitations_send(invitation_ids=invitation_ids)
