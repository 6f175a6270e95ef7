"""The scoping matrix: every endpoint x every persona gets exactly the access docs/api.md gives.

The endpoints come from the URL patterns: every route under ``/api/v1/`` and every method its
view answers must have a row in ``MATRIX``, so a new endpoint without its rows fails
``test_every_api_route_and_method_has_rows``. Each row says which handoff state it needs (built
once, through the real services) and the status each persona must get; a persona a row does
not name gets 404 on an object (it may not see it) or the row's default on a list, and an
anonymous caller gets 401 unless the endpoint is public.

Personas without a side effect ask first; the allowed ones then ask in the order written, so a
second allowed actor meets the state the first one left (a 409 proves it passed the role check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.tests.factories import PASSWORD
from clinics.tests.factories import PatientFactory
from handoff import services
from handoff.models import Handoff
from handoff.services import plan as plan_services
from handoff.tests import builders
from notifications.services import Notice, notify

from .test_api_support import day, packet_body, url

pytestmark = pytest.mark.django_db

PERSONAS = (
    "therapist",
    "other_therapist",
    "trainer",
    "trainer2",
    "unpartnered_trainer",
    "patient",
    "other_patient",
    "clinic_admin",
    "gym_admin",
    "outsider",
    "anonymous",
)
METHODS = ("get", "post", "put", "patch", "delete")

Body = dict[str, Any] | Callable[[str, "World"], dict[str, Any]] | None


@dataclass
class World:
    """What a row's requests point at: the handoff in its state and a few other objects."""

    people: dict[str, Any]
    handoff: Handoff | None = None
    uninvited: Any = None
    notification: Any = None
    plan_item: Any = None

    def kwargs(self, name: str) -> dict[str, Any]:
        if name.startswith("handoff-") and name not in ("handoff-list", "handoff-fhir-import"):
            assert self.handoff is not None
            extra: dict[str, Any] = {"number": 2} if name.endswith("diff") else {}
            if name.startswith("handoff-plan-"):
                extra["item"] = self.plan_item.pk
            return {"pk": self.handoff.pk, **extra}
        if name in ("patient-detail", "patient-export", "patient-export-pdf"):
            return {"pk": self.people["patient"].patient_record.pk}
        if name == "patient-invite":
            return {"pk": self.uninvited.pk}
        if name.startswith("notification-") and name != "notification-list":
            return {"pk": self.notification.pk}
        return {}


@dataclass(frozen=True)
class Case:
    state: str | None
    expect: dict[str, int]
    body: Body = None
    sees: tuple[str, ...] = ()  # on a list: who finds the handoff (or the patient) in it
    named: tuple[str, ...] = ()  # the personas the row singles out, in the order they ask


def on_handoff(state: str, body: Body = None, **expect: int) -> Case:
    """Everyone the row does not name may not see the handoff: 404; anonymous: 401."""
    defaults = {p: 404 for p in PERSONAS if p not in expect} | {"anonymous": 401}
    return Case(state, defaults | expect, body, named=tuple(expect))


def for_all(default: int, *, state: str | None = None, body: Body = None, sees=(), **expect):
    """A list, create or account endpoint: the named personas, else ``default``; anonymous 401."""
    defaults = {p: default for p in PERSONAS if p not in expect and p != "anonymous"}
    anonymous = {} if "anonymous" in expect else {"anonymous": 401}
    return Case(state, defaults | anonymous | expect, body, tuple(sees), tuple(expect))


def consent_body(persona: str, world: World) -> dict[str, Any]:
    if persona in ("patient", "other_patient"):
        return {"method": "portal"}
    return {"method": "recorded", "signed_on": day()}


def credentials(persona: str, world: World) -> dict[str, Any]:
    if persona == "anonymous":
        return {"email": "nobody@example.test", "password": "not-a-password"}
    return {"email": world.people[persona].email, "password": PASSWORD}


def new_handoff(persona: str, world: World) -> dict[str, Any]:
    patient = world.people["patient"].patient_record
    return {"patient": patient.pk, "trainer": world.people["trainer"].pk, "packet": packet_body()}


def referral_bundle(persona: str, world: World) -> dict[str, Any]:
    """A minimal FHIR referral naming the partnered trainer as its performer (by email)."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "ServiceRequest",
                    "id": "r",
                    "status": "active",
                    "intent": "order",
                    "subject": {"reference": "Patient/p"},
                    "authoredOn": day(),
                    "performer": [{"reference": "Practitioner/t"}],
                    "reasonCode": [{"text": "Right knee after ACL repair"}],
                }
            },
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "p",
                    "name": [{"family": "Ng", "given": ["Kim"]}],
                }
            },
            {
                "resource": {
                    "resourceType": "Practitioner",
                    "id": "t",
                    "telecom": [{"system": "email", "value": world.people["trainer"].email}],
                }
            },
        ],
    }


SESSION = {"date": day(), "completed": True, "pain": 2, "symptoms": [], "note": "Fine"}
CHECK_IN = {"date": day(), "sessions_attended": 3, "progress": "Squats pain-free"}
REPORT = {"final_report": {"sessions_attended": 12, "progress": "Goals met", "symptoms": []}}
PLAN_ITEM = {
    "name": "Glute bridge",
    "body_regions": ["hip"],
    "patterns": ["hinge"],
    "impact": "none",
    "sets": 3,
    "reps": 12,
    "per_week": 2,
}
STAFF = dict.fromkeys(
    ("therapist", "other_therapist", "trainer", "trainer2", "unpartnered_trainer"), 200
) | {"clinic_admin": 200, "gym_admin": 200}
LIST_USERS = dict.fromkeys(
    ("therapist", "other_therapist", "trainer", "trainer2", "unpartnered_trainer"), 200
) | {"patient": 200, "other_patient": 200}

MATRIX: dict[tuple[str, str], list[Case]] = {
    # --- Accounts, catalog, patients, notifications ------------------------------------------
    ("auth-token", "POST"): [for_all(200, body=credentials, anonymous=400)],
    ("me", "GET"): [for_all(200)],
    ("trainer-list", "GET"): [for_all(403, therapist=200, other_therapist=200)],
    ("exercise-list", "GET"): [for_all(403, **STAFF)],
    ("patient-list", "GET"): [
        for_all(403, therapist=200, other_therapist=200, sees=("therapist",))
    ],
    ("patient-list", "POST"): [
        for_all(
            403,
            body={"first_name": "Robin", "last_name": "Shah"},
            therapist=201,
            other_therapist=201,
        )
    ],
    ("patient-detail", "GET"): [for_all(404, therapist=200, clinic_admin=403)],
    ("patient-detail", "PATCH"): [
        for_all(404, body={"phone": "555-0142"}, therapist=200, clinic_admin=403)
    ],
    ("patient-invite", "POST"): [for_all(404, therapist=200, clinic_admin=403)],
    # The patient's own data; a clinic admin produces the same on the patient's request.
    ("auth-token", "DELETE"): [for_all(401)],  # only a presented token (not a session) is revoked
    ("me-export", "GET"): [for_all(403, patient=200, other_patient=200)],
    ("me-export-pdf", "GET"): [for_all(403, patient=200, other_patient=200)],
    ("patient-export", "GET"): [on_handoff("accepted", therapist=403, clinic_admin=200)],
    ("patient-export-pdf", "GET"): [on_handoff("accepted", therapist=403, clinic_admin=200)],
    ("notification-list", "GET"): [for_all(200)],
    ("notification-read", "POST"): [for_all(404, therapist=200)],
    ("notification-acknowledge", "POST"): [for_all(404, therapist=200)],
    ("preferences", "GET"): [for_all(200)],
    ("preferences", "PATCH"): [for_all(200, body={"nudge_hour": 9})],
    # --- Handoffs ------------------------------------------------------------------------------
    ("handoff-list", "GET"): [
        for_all(403, state="accepted", sees=("therapist", "trainer", "patient"), **LIST_USERS)
    ],
    ("handoff-list", "POST"): [
        for_all(403, state="accepted", body=new_handoff, therapist=201, other_therapist=400)
    ],
    ("handoff-detail", "GET"): [
        on_handoff("accepted", therapist=200, trainer=200, patient=200),
        on_handoff("draft", therapist=200),
        on_handoff("declined", therapist=200, patient=200),
        on_handoff("revoked", therapist=200, patient=200),
    ],
    ("handoff-detail", "PATCH"): [
        on_handoff("draft", {"packet": packet_body(pain_ceiling=4)}, therapist=200),
        on_handoff("sent", {"packet": packet_body()}, trainer=403, patient=403, therapist=409),
    ],
    ("handoff-detail", "DELETE"): [
        on_handoff("draft", therapist=204),
        on_handoff("sent", trainer=403, patient=403, therapist=409),
    ],
    ("handoff-send", "POST"): [
        on_handoff("draft", therapist=200),
        on_handoff("sent", trainer=403, patient=403, therapist=409),
    ],
    ("handoff-accept", "POST"): [on_handoff("sent", therapist=403, patient=403, trainer=200)],
    ("handoff-decline", "POST"): [
        on_handoff("sent", {"reason": "Fully booked"}, therapist=403, patient=403, trainer=200)
    ],
    ("handoff-withdraw", "POST"): [
        on_handoff("accepted", {"reason": "Moved"}, trainer=403, patient=403, therapist=200)
    ],
    ("handoff-refer-back", "POST"): [
        on_handoff(
            "accepted",
            {"reason": "Knee swelling", "symptoms": ["swelling"]},
            therapist=403,
            trainer=200,
            patient=409,
        )
    ],
    ("handoff-resume", "POST"): [
        on_handoff("referred_back", {"note": "Settled"}, trainer=403, patient=403, therapist=200)
    ],
    ("handoff-complete", "POST"): [
        on_handoff("accepted", REPORT, patient=403, trainer=200, therapist=409)
    ],
    ("handoff-reassign", "POST"): [
        on_handoff(
            "declined",
            lambda persona, world: {"trainer": world.people["trainer2"].pk},
            patient=403,
            therapist=201,
        )
    ],
    ("handoff-versions", "GET"): [
        on_handoff("accepted", therapist=200, trainer=200, patient=200),
        on_handoff("draft", therapist=200),
    ],
    ("handoff-versions", "POST"): [
        on_handoff("accepted", packet_body(), trainer=403, patient=403, therapist=201)
    ],
    ("handoff-version-diff", "GET"): [
        on_handoff("amended", therapist=200, trainer=200, patient=200)
    ],
    ("handoff-acknowledge", "POST"): [
        on_handoff("amended", {"version": 2}, therapist=403, patient=403, trainer=200)
    ],
    ("handoff-consent", "GET"): [
        on_handoff("draft", therapist=200, patient=200),
        on_handoff("accepted", trainer=403, therapist=200, patient=200),
    ],
    ("handoff-consent", "POST"): [
        on_handoff("draft", consent_body, therapist=201, patient=201),
        on_handoff("accepted", consent_body, trainer=403, therapist=201, patient=201),
    ],
    ("handoff-consent-revoke", "POST"): [
        on_handoff("draft", {}, patient=200, therapist=409),
        on_handoff("accepted", {}, trainer=403, patient=200, therapist=409),
    ],
    ("handoff-sessions", "GET"): [on_handoff("accepted", therapist=200, trainer=200, patient=200)],
    ("handoff-sessions", "POST"): [
        on_handoff("accepted", SESSION, therapist=403, trainer=403, patient=201)
    ],
    ("handoff-check-ins", "GET"): [on_handoff("accepted", patient=403, therapist=200, trainer=200)],
    ("handoff-check-ins", "POST"): [
        on_handoff("accepted", CHECK_IN, therapist=403, patient=403, trainer=201)
    ],
    ("handoff-messages", "GET"): [on_handoff("accepted", therapist=200, trainer=200, patient=200)],
    # --- FHIR (interop) ------------------------------------------------------------------------
    ("handoff-fhir", "GET"): [
        on_handoff("accepted", therapist=200, trainer=200, patient=200),
        on_handoff("draft", therapist=200),
        on_handoff("declined", therapist=200, patient=200),
    ],
    ("handoff-handout", "GET"): [
        on_handoff("accepted", therapist=200, trainer=200, patient=200),
    ],
    ("handoff-fhir-task", "GET"): [
        on_handoff("accepted", therapist=200, trainer=200, patient=200),
        on_handoff("draft", therapist=200),
    ],
    ("handoff-fhir-import", "POST"): [
        for_all(403, state="accepted", body=referral_bundle, therapist=201, other_therapist=400)
    ],
    ("handoff-messages", "POST"): [
        on_handoff("accepted", {"body": "See you Monday"}, therapist=201, trainer=201, patient=201)
    ],
    # --- The trainer's plan and the live check (issue 12) ----------------------------------------
    ("handoff-plan", "GET"): [on_handoff("planned", therapist=200, trainer=200, patient=200)],
    ("handoff-plan", "POST"): [
        on_handoff("accepted", PLAN_ITEM, therapist=403, patient=403, trainer=201)
    ],
    ("handoff-plan-item", "PATCH"): [
        on_handoff("planned", {"sets": 4}, therapist=403, patient=403, trainer=200)
    ],
    ("handoff-plan-item", "DELETE"): [
        on_handoff("planned", therapist=403, patient=403, trainer=204)
    ],
    ("handoff-plan-exception", "POST"): [
        on_handoff(
            "suspended", {"reason": "Flat treadmill only"}, therapist=403, patient=403, trainer=200
        )
    ],
    ("handoff-plan-exception-grant", "POST"): [
        on_handoff("awaiting", {"note": "Flat only"}, trainer=403, patient=403, therapist=200)
    ],
    ("handoff-plan-exception-refuse", "POST"): [
        on_handoff("awaiting", {"note": "Not yet"}, trainer=403, patient=403, therapist=200)
    ],
    ("handoff-check", "POST"): [
        on_handoff("accepted", {"items": [PLAN_ITEM]}, patient=403, therapist=200, trainer=200)
    ],
}


def api_patterns() -> dict[str, tuple[str, set[str]]]:
    """Every named route under /api/v1/: its pattern and the methods its view answers."""
    found: dict[str, tuple[str, set[str]]] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                view = getattr(pattern.callback, "view_class", None)
                assert view is not None, f"{route}: a class-based view is expected"
                assert pattern.name, f"{route} has no name"
                found[pattern.name] = (route, {m.upper() for m in METHODS if hasattr(view, m)})

    walk(get_resolver().url_patterns, "")
    return found


def api_routes() -> set[tuple[str, str]]:
    """(route name, method) for every route under /api/v1/ and every method its view answers."""
    return {(name, m) for name, (_, methods) in api_patterns().items() for m in methods}


def test_every_api_route_and_method_has_rows():
    routes = api_routes()

    assert routes - set(MATRIX) == set(), "endpoints without rows in the scoping matrix"
    assert set(MATRIX) - routes == set(), "rows for endpoints that do not exist"


def test_every_row_names_every_persona():
    for key, cases in MATRIX.items():
        for case in cases:
            assert set(case.expect) == set(PERSONAS), key


# --- Running a row ----------------------------------------------------------------------------------


def build_world(state: str | None, people: dict[str, Any]) -> World:
    world = World(people=people)
    therapist, trainer = people["therapist"], people["trainer"]
    record = people["patient"].patient_record
    if state is not None:
        on_plan = ("planned", "suspended", "awaiting")
        status = "accepted" if state == "amended" or state in on_plan else state
        world.handoff = builders.in_state(
            status, therapist=therapist, patient_record=record, trainer=trainer
        )
        if state == "amended":
            services.amend_packet(world.handoff, by=therapist, packet=builders.packet())
        if state in on_plan:
            world.plan_item = builders.plan_item(world.handoff, trainer)
        if state == "suspended":
            builders.amend_with(world.handoff, therapist, builders.NO_IMPACT_ON_THE_KNEE)
        if state == "awaiting":
            builders.amend_with(world.handoff, therapist, builders.NO_IMPACT_ON_THE_KNEE)
            plan_services.request_exception(
                world.handoff, item_id=world.plan_item.pk, by=trainer, reason="Flat only"
            )
    world.uninvited = PatientFactory(clinic=record.clinic, email="uninvited@mail.example")
    (world.notification,) = notify(
        [Notice(recipient=therapist, kind="handoff_accepted", title="t")]
    )
    return world


def ordered(case: Case) -> list[tuple[str, int]]:
    """Personas the row did not single out first (they change nothing), then the named ones."""
    rest = [(p, status) for p, status in case.expect.items() if p not in case.named]
    return rest + [(p, case.expect[p]) for p in case.named]


@pytest.fixture
def people(request):
    return {p: request.getfixturevalue(p) for p in PERSONAS if p != "anonymous"}


@pytest.mark.parametrize(
    ("name", "method", "index"),
    [(name, method, i) for (name, method), cases in MATRIX.items() for i in range(len(cases))],
)
def test_scoping_matrix(api, people, name, method, index):
    case = MATRIX[(name, method)][index]
    world = build_world(case.state, people)
    path = url(name, **world.kwargs(name))

    for persona, expected in ordered(case):
        user = people.get(persona)
        body = case.body(persona, world) if callable(case.body) else case.body
        response = getattr(api(user), method.lower())(path, body, format="json")

        assert response.status_code == expected, (persona, response.content[:300])
        if case.sees and expected == 200:
            ids = {row["id"] for row in response.json()["results"]}
            target = world.handoff.pk if world.handoff else people["patient"].patient_record.pk
            assert (target in ids) == (persona in case.sees), persona


def test_an_unpartnered_trainer_id_reveals_nothing(
    therapist, patient_record, unpartnered_trainer, api
):
    body = {"patient": patient_record.pk, "trainer": unpartnered_trainer.pk, "packet": {}}
    response = api(therapist).post("/api/v1/handoffs/", body, format="json")
    assert response.status_code == 400
    assert "partnership" not in str(response.json()["trainer"])
    assert not Handoff.objects.exists()


# --- The admin and the account pages ---------------------------------------------------------


def admin_paths(people: dict[str, Any]) -> list[str]:
    """Every registered model's list and one object page, from the admin's own registry."""
    from django.contrib import admin

    record = people["patient"].patient_record
    paths = []
    for model in admin.site._registry:
        meta = model._meta
        paths.append(f"/admin/{meta.app_label}/{meta.model_name}/")
    paths.append(f"/admin/clinics/patient/{record.pk}/change/")
    paths.append(f"/admin/accounts/user/{people['patient'].pk}/change/")
    return paths


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"] + ["anonymous"])
def test_no_persona_reaches_the_admin(client, people, persona):
    """Only operators (is_staff) use the admin; every persona is sent to the login."""
    if persona != "anonymous":
        client.force_login(people[persona])

    for path in admin_paths(people):
        response = client.get(path)
        assert response.status_code == 302, (persona, path, response.status_code)
        assert "/login/" in response["Location"], (persona, path)


ACCOUNT_PAGES = (
    "/accounts/tokens/",
    "/accounts/password/",
    "/accounts/two-factor/",
    "/accounts/two-factor/setup/",
)


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_pages_need_a_login_and_show_only_ones_own(client, people, path):
    assert client.get(path)["Location"].startswith("/accounts/login/")
    for persona in ("therapist", "trainer", "patient", "outsider"):
        client.force_login(people[persona])
        assert client.get(path).status_code == 200, (persona, path)
