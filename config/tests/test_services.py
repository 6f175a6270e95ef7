"""The real services CI runs on: this proves PostgreSQL and Redis are there and answering."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection


@pytest.mark.services("postgres")
@pytest.mark.django_db
def test_postgresql_answers_through_the_django_connection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()

    assert connection.vendor == "postgresql"
    assert version.startswith("PostgreSQL ")


@pytest.mark.services("redis")
def test_redis_answers_a_ping_and_keeps_a_value():
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    key = f"baton-test:{uuid.uuid4().hex}"
    try:
        assert client.ping() is True
        assert client.set(key, "handoff", ex=60) is True
        assert client.get(key) == b"handoff"
    finally:
        client.delete(key)
        client.close()
    # Checked with a fresh client: the delete reached the server.
    with redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5) as fresh:
        assert fresh.exists(key) == 0
