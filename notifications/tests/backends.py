"""A scripted mail server for tests: the one thing outside the project that tests fake."""

from __future__ import annotations

from collections.abc import Callable

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

# Each send takes the next step: an exception to raise, a callable to run first (simulating
# something that happens while the mail server talks), or None to accept the message.
script: list[BaseException | Callable[[], object] | None] = []


class ScriptedBackend(LocmemBackend):
    def __init__(self, *args: object, timeout: float | None = None, **kwargs: object) -> None:
        self.timeout = timeout
        super().__init__(*args, **kwargs)

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        if script:
            step = script.pop(0)
            if isinstance(step, BaseException):
                raise step
            if step is not None:
                step()
        return super().send_messages(messages)


def outbox() -> list:
    return mail.outbox
