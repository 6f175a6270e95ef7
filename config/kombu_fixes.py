"""A workaround for a kombu bug that kills Celery workers when Redis goes away (issue 11).

kombu 5.7.0 (the latest release when this was written; pinned in requirements.txt), Redis
transport: when a worker loses its broker connection, Celery releases the connection (which
sets the transport's ``client`` to ``None``) and then closes the channels still attached to it.
Closing a channel that holds unacknowledged messages first drops the channel's Redis pool
(``_disconnect_pools``) and then restores those messages (``QoS.restore_unacked_once``), which
builds a new pool from ``self.connection.client``: ``AttributeError: 'NoneType' object has no
attribute 'hostname'``. An ``AttributeError`` is not a connection error, so Celery calls it an
"Unrecoverable error" and the worker exits. The same failure, reached from other call sites,
was reported as celery/kombu#582 and #970; no released kombu fixes it for this path.

The fix, two small guards on kombu's Redis channel:

- restoring the unacknowledged messages of a channel whose connection has been released is
  skipped (logged), so the close completes and the consumer reconnects;
- anything else that needs a new Redis pool on such a channel gets a *connection* error, which
  kombu and Celery already handle on every path, instead of an ``AttributeError``.

Nothing is lost: the messages stay in Redis's unacked set until the visibility timeout
restores them, and Baton's delivery ledger re-publishes anything the broker loses (DESIGN §6).

``notifications/tests/test_kombu_fixes.py`` reproduces the bug without the patch; when a kombu
upgrade makes that reproduction pass unpatched, delete this module.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.transport import redis as kombu_redis

logger = logging.getLogger("baton.notifications")

# kombu's stubs do not know these (private) methods; the test checks they still exist.
Channel: Any = kombu_redis.Channel
QoS: Any = kombu_redis.QoS
_original_connparams = Channel._connparams
_original_restore_unacked = QoS.restore_unacked


def _released(channel: Any) -> bool:
    connection = getattr(channel, "connection", None)
    return connection is None or connection.client is None


def _restore_unacked(self: Any, client: Any = None) -> Any:
    if client is None and _released(self.channel):
        if self._delivered:
            logger.warning(
                "broker connection released: %d unacknowledged message(s) left for Redis to "
                "restore after the visibility timeout",
                len(self._delivered),
            )
        self._delivered.clear()
        return []
    return _original_restore_unacked(self, client)


def _connparams(self: Any, asynchronous: bool = False) -> Any:
    if _released(self):
        import redis

        raise redis.exceptions.ConnectionError(
            "the broker connection was released; cannot open a new Redis pool for this channel"
        )
    return _original_connparams(self, asynchronous=asynchronous)


def apply() -> None:
    """Idempotent: patch kombu's Redis channel once."""
    if getattr(Channel._connparams, "baton_fix", False):
        return
    _connparams.baton_fix = True  # type: ignore[attr-defined]
    Channel._connparams = _connparams
    QoS.restore_unacked = _restore_unacked
