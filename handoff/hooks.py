"""Everything the handoff app plugs into the notifications app, in one list.

The notifications app knows nothing of handoffs: it asks registered functions how to turn a due
reminder into a notice, what time-driven work its sweep must do, and whom to tell when an email
failed for good. ``HandoffConfig.ready`` calls ``connect`` once per process.
"""

from __future__ import annotations

from core.subjects import SubjectType
from handoff import reminders, sweep
from handoff.delivery_failures import tell_the_sender
from notifications.services import (
    register_delivery_failure_handler,
    register_reminder_handler,
    register_subject_loader,
    register_sweep_step,
)

SWEEP_STEPS = {
    "expire_overdue_handoffs": sweep.expire_overdue_handoffs,
    "revoke_expired_consents": sweep.revoke_expired_consents,
    "certification_reminders": reminders.schedule_certification_reminders,
}
DELIVERY_FAILURE_HANDLERS = [tell_the_sender]
# The sweep loads each batch's subjects of these types in one query (``reminder.subject``).
SUBJECT_LOADERS = {SubjectType.HANDOFF: reminders.load_handoffs}


def connect() -> None:
    for kind, reminder_handler in reminders.HANDLERS.items():
        register_reminder_handler(kind, reminder_handler)
    for name, step in SWEEP_STEPS.items():
        register_sweep_step(name, step)
    for failure_handler in DELIVERY_FAILURE_HANDLERS:
        register_delivery_failure_handler(failure_handler)
    for subject_type, loader in SUBJECT_LOADERS.items():
        register_subject_loader(subject_type, loader)
