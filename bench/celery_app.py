"""The benchmark's Celery app: Baton's own app plus the do-nothing reference task."""

from config.celery import app

__all__ = ["app", "noop"]


@app.task(name="bench.noop", acks_late=True)
def noop(n: int) -> None:
    """The reference for ``delivery_ratio``: a task that does nothing, with the same options
    (late acknowledgement, JSON, one id argument) as ``deliver_notification_task``."""
    return None
