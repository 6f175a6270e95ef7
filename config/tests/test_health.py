"""``GET /healthz`` (docs/api.md): 200 when the database and the broker answer and the work
is moving, 503 naming each problem; no login, no redirect, exempt from the HTTPS redirect;
failed deliveries counted, never a reason for 503. ``GET /livez``: the process and the
database only. (Whether the work is moving: ``notifications/tests/test_health.py``.)

The broker is swapped on the Celery app itself (the URL and transport options the health check
connects with), and put back afterwards.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from config.celery import app
from notifications.heartbeat import record_heartbeat, record_sweep
from notifications.models import Delivery
from notifications.tests.builders import notify_one

pytestmark = pytest.mark.django_db

HEALTHZ = "/healthz"
LIVEZ = "/livez"
# A load balancer probe gives up after a few seconds; the answer must come before that.
PROBE_BUDGET_SECONDS = 3.0
# What settings.py gives every broker but the filesystem one.
NETWORK_BROKER_OPTIONS = {
    "visibility_timeout": settings.BROKER_VISIBILITY_TIMEOUT,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}


@pytest.fixture(autouse=True)
def work_moving() -> None:
    """A worker has just beaten and the sweep has just run: only the broker and the database
    decide these tests."""
    record_heartbeat("w1@test", kind="worker", pid=1, start=True)
    record_sweep()


def codes(response) -> list[str]:
    return [problem["code"] for problem in response.json()["problems"]]


@pytest.fixture
def use_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, dict], None]]:
    """``use_broker(url, transport_options)`` points the Celery app elsewhere for one test."""
    saved = {
        "broker_url": app.conf.broker_url,
        "broker_transport_options": app.conf.broker_transport_options,
    }

    def use(url: str, options: dict) -> None:
        # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
        monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
        app.conf.broker_url = url
        app.conf.broker_transport_options = options

    yield use
    app.conf.broker_url = saved["broker_url"]
    app.conf.broker_transport_options = saved["broker_transport_options"]


@pytest.fixture
def filesystem_broker(use_broker, tmp_path: Path) -> None:
    folders = {
        key: str(tmp_path / "broker" / name)
        for key, name in [
            ("data_folder_in", "out"),
            ("data_folder_out", "out"),
            ("processed_folder", "processed"),
            ("control_folder", "control"),
        ]
    }
    for folder in folders.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
    use_broker("filesystem://", {**folders, "store_processed": False})


def free_port() -> int:
    """A loopback port nothing listens on (bound for a moment by us, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections (the kernel does) and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


def timed_get(client, path: str = HEALTHZ):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


# --- Healthy ---------------------------------------------------------------------------------------


def test_healthz_is_200_on_the_filesystem_broker(client, filesystem_broker):
    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "ok")
    assert (body["problems"], body["failed_deliveries"], body["live_workers"]) == ([], 0, 1)


@pytest.mark.services("redis")
def test_healthz_is_200_with_real_redis(client, use_broker):
    use_broker(settings.REDIS_URL, NETWORK_BROKER_OPTIONS)

    response = client.get(HEALTHZ)

    assert response.status_code == 200, response.json()
    assert (response.json()["broker"], response.json()["problems"]) == ("ok", [])


def test_healthz_is_200_on_the_configured_broker(client):
    """Whatever this run is configured with: the filesystem here, Redis under CI."""
    response = client.get(HEALTHZ)

    assert response.status_code == 200, response.json()


# --- Unhealthy ---------------------------------------------------------------------------------------


def test_healthz_is_503_naming_the_broker_on_a_closed_port(client, use_broker):
    use_broker(f"redis://127.0.0.1:{free_port()}/0", NETWORK_BROKER_OPTIONS)

    response, seconds = timed_get(client)

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("unreachable")
    assert codes(response) == ["broker_unreachable"]
    assert body["failed_deliveries"] == 0
    assert seconds < PROBE_BUDGET_SECONDS, f"/healthz took {seconds:.1f}s"


def test_healthz_is_503_in_time_when_the_broker_accepts_but_never_answers(client, use_broker):
    with silent_server() as port:
        use_broker(f"redis://127.0.0.1:{port}/0", NETWORK_BROKER_OPTIONS)

        response, seconds = timed_get(client)

    assert response.status_code == 503
    assert response.json()["broker"].startswith("unreachable")
    assert seconds < PROBE_BUDGET_SECONDS, f"/healthz took {seconds:.1f}s"


def test_healthz_is_503_naming_the_database_when_it_is_unreachable(client, filesystem_broker):
    refused = OperationalError("could not connect to server: Connection refused")
    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json() == {
        "database": "unreachable: OperationalError",
        "broker": "ok",
        "status": "failing",
        "problems": [{"code": "database_unreachable", "detail": "unreachable: OperationalError"}],
    }


def test_healthz_names_both_when_both_are_down(client, use_broker):
    use_broker(f"redis://127.0.0.1:{free_port()}/0", NETWORK_BROKER_OPTIONS)
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get(HEALTHZ)

    assert response.status_code == 503
    body = response.json()
    assert body["database"].startswith("unreachable")
    assert body["broker"].startswith("unreachable")
    assert codes(response) == ["database_unreachable", "broker_unreachable"]


# --- Failed deliveries -------------------------------------------------------------------------------


def test_failed_deliveries_are_counted_but_never_make_it_unhealthy(
    client, filesystem_broker, trainer
):
    for _ in range(3):
        _, delivery = notify_one(trainer)
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    notify_one(trainer)  # pending: not counted

    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert (response.json()["failed_deliveries"], response.json()["problems"]) == (3, [])


# --- Reachable by any probe --------------------------------------------------------------------------


def test_healthz_needs_no_login_and_never_redirects(client, filesystem_broker):
    response = client.get(HEALTHZ, follow=False)

    assert response.status_code == 200
    assert "Location" not in response


def test_healthz_has_no_trailing_slash_and_is_not_redirected_to_one(client, filesystem_broker):
    assert client.get(HEALTHZ).status_code == 200
    assert client.get(HEALTHZ + "/").status_code == 404


def test_healthz_answers_plain_http_when_https_is_enforced(client, settings, filesystem_broker):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/accounts/login/").status_code == 301  # the redirect is on ...
    response = client.get(HEALTHZ, secure=False)  # ... and /healthz is exempt

    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_healthz_is_never_cached(client, filesystem_broker):
    cache_control = client.get(HEALTHZ)["Cache-Control"]

    assert "no-store" in cache_control
    assert "max-age=0" in cache_control or "no-cache" in cache_control


def test_healthz_answers_only_get(client, filesystem_broker):
    assert client.post(HEALTHZ).status_code == 405


# --- /livez: the load balancer's probe ------------------------------------------------------------


def test_livez_is_200_while_the_broker_is_unreachable(client, use_broker):
    use_broker(f"redis://127.0.0.1:{free_port()}/0", NETWORK_BROKER_OPTIONS)

    assert client.get(HEALTHZ).status_code == 503  # the operators hear about it ...
    response = client.get(LIVEZ)  # ... the load balancer keeps the node

    assert response.status_code == 200
    assert response.json() == {"database": "ok"}


def test_livez_is_200_with_no_worker_and_no_sweep(client, filesystem_broker):
    from notifications.models import Heartbeat

    Heartbeat.objects.all().delete()

    assert client.get(HEALTHZ).status_code == 503
    assert client.get(LIVEZ).status_code == 200


def test_livez_is_503_when_the_database_is_unreachable(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get(LIVEZ)

    assert response.status_code == 503
    assert response.json() == {"database": "unreachable: OperationalError"}


def test_livez_needs_no_login_is_never_cached_and_answers_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(LIVEZ, secure=False, follow=False)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert client.post(LIVEZ).status_code == 405
