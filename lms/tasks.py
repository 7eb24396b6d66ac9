from pathlib import Path

from celery import shared_task


@shared_task
def ping(token: str, path: str) -> str:
    """Write `token` into the file at `path`: proof for a caller that a real worker ran it."""
    Path(path).write_text(token, encoding="utf-8")
    return token
