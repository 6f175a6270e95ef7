"""The kombu workaround (config.kombu_fixes): a worker's channel closed after its connection was
released, with a task message unacknowledged, is what killed workers in a Redis outage."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import kombu
import pytest
from django.conf import settings
from kombu.transport import redis as kombu_redis

from config import kombu_fixes

pytestmark = pytest.mark.services("redis")


@pytest.fixture
def holding_channel() -> Iterator[tuple[kombu.Connection, object, str]]:
    """A consumer's channel holding one delivered, unacknowledged message: (connection,
    channel, the message's delivery tag)."""
    name = f"baton-test-kombu-{uuid.uuid4().hex[:8]}"
    queue = kombu.Queue(name, kombu.Exchange(name), name)
    with kombu.Connection(settings.REDIS_URL) as producer:
        producer.Producer().publish(
            {"n": 1}, exchange=queue.exchange, routing_key=name, declare=[queue]
        )
    connection = kombu.Connection(settings.REDIS_URL)
    channel = connection.channel()
    received: list[object] = []
    kombu.Consumer(
        channel, [queue], callbacks=[lambda body, msg: received.append(msg)], accept=["json"]
    ).consume()
    connection.drain_events(timeout=5)
    assert len(received) == 1 and channel.qos._delivered  # type: ignore[attr-defined]
    tag = received[0].delivery_tag  # type: ignore[attr-defined]
    try:
        yield connection, channel, tag
    finally:
        # Only this test's own keys and entries: the Redis is shared.
        with kombu.Connection(settings.REDIS_URL) as cleanup, contextlib.suppress(Exception):
            client = cleanup.default_channel.client
            client.delete(name)
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def test_closing_a_released_channel_with_unacked_messages_leaves_them_to_redis(holding_channel):
    connection, channel, tag = holding_channel
    connection._do_close_transport()  # what Celery's consumer does first on connection loss

    channel.close()  # no AttributeError: the worker carries on and reconnects

    with kombu.Connection(settings.REDIS_URL) as check:
        # Still in Redis's unacked set: restored to the queue after the visibility timeout.
        assert check.default_channel.client.hexists("unacked", tag)


def test_unpatched_kombu_still_has_the_bug(holding_channel, monkeypatch):
    """When this fails, kombu has fixed it: delete config/kombu_fixes.py and this file."""
    monkeypatch.setattr(kombu_redis.Channel, "_connparams", kombu_fixes._original_connparams)
    monkeypatch.setattr(kombu_redis.QoS, "restore_unacked", kombu_fixes._original_restore_unacked)
    connection, channel, _ = holding_channel
    connection._do_close_transport()

    with pytest.raises(AttributeError, match="hostname"):
        channel.close()
