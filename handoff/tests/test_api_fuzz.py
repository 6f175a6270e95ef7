"""Fuzzing: schemathesis over the whole OpenAPI schema as a therapist, a trainer and a patient.

Every operation gets generated valid and invalid requests, with random ids and with the ids of
the persona's real handoff, patient and notification. Checks: no 5xx, every documented response
matches the schema, invalid data is rejected (4xx), and a request without the credentials is
refused (authentication never ignored). ``BATON_FUZZ_EXAMPLES`` (default 3) bounds the run to a
few minutes for the three personas on a CI runner.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import (
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)

from accounts.services import issue_token
from notifications.models import Notification

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("BATON_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, response_schema_conformance, negative_data_rejection, ignored_auth]


@pytest.fixture(scope="module")
def api_schema() -> Any:
    """The served schema (read through Django's test client, which needs no database)."""
    from django.test import Client

    from config.wsgi import application

    raw = Client().get("/api/schema/", {"format": "json"}).json()
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = application
    schema.location = "/api/schema/"
    return schema


@pytest.fixture
def in_process(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Requests go straight to the WSGI app inside the test's transaction, unthrottled."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "100000/minute")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None})
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def real_ids(handoff: Any, user: Any) -> dict[str, int]:
    notification = Notification.objects.filter(recipient=user).first()
    return {
        "handoffs": handoff.pk,
        "patients": handoff.patient_id,
        "notifications": notification.pk if notification else 1,
        "number": 1,
    }


def path_parameters(path: str, ids: dict[str, int]) -> dict[str, int]:
    found: dict[str, int] = {}
    if "{id}" in path:
        collection = path.split("/api/v1/")[1].split("/")[0]
        found["id"] = ids.get(collection, 1)
    if "{number}" in path:
        found["number"] = ids["number"]
    return found


def fuzz(api_schema: Any, user: Any, handoff: Any) -> list[str]:
    headers = {"Authorization": f"Token {issue_token(user)}"}
    ids = real_ids(handoff, user)
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        # Valid requests at the persona's real objects; invalid ones anywhere.
        fixed = path_parameters(operation.path, ids) or None
        failures.extend(_run(operation, GenerationMode.POSITIVE, fixed, headers))
        failures.extend(_run(operation, GenerationMode.NEGATIVE, None, headers))
    return failures


def _run(operation: Any, mode: Any, fixed: Any, headers: dict[str, str]) -> list[str]:
    failures: list[str] = []
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def one(case: Any) -> None:
        try:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            failures.append(f"{case.method} {case.formatted_path} ({mode.value}): {exc}"[:1500])

    try:
        one()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        # Hypothesis's own complaints about a strategy are not findings about Baton.
        name = type(exc).__name__
        if "Unsatisfiable" not in name and not name.startswith("Flaky"):
            failures.append(f"{operation.method} {operation.path}: {type(exc).__name__}: {exc}")
    return failures


@pytest.mark.parametrize("persona", ["therapist", "trainer", "patient"])
def test_fuzzing_the_api_finds_no_5xx_no_schema_mismatch_and_no_ignored_auth(
    api_schema, in_process, make_handoff, request, persona
):
    handoff = make_handoff("accepted")
    user = request.getfixturevalue(persona)

    failures = fuzz(api_schema, user, handoff)

    assert not failures, "\n\n".join(failures[:20]) + f"\n\n({len(failures)} failures)"
