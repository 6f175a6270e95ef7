"""Strict input: a JSON field takes its own type only, and query parameters must parse.

Floats as ids (``"patient": 2.9`` would otherwise look up patient 2), numbers as strings
(``"pain": "5"``), names as numbers and bad query parameters all answer 400 naming the field.
"""

from __future__ import annotations

import pytest

from .test_api_bad_input import refused
from .test_api_support import day, packet_body, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "as_sent"),
    [
        ("patient", lambda pk: pk + 0.9),
        ("patient", float),
        ("patient", str),
        ("patient", lambda pk: True),
        ("trainer", lambda pk: pk + 0.5),
        ("trainer", float),
        ("trainer", str),
    ],
    ids=[
        "patient-fraction",
        "patient-float",
        "patient-string",
        "patient-bool",
        "trainer-fraction",
        "trainer-float",
        "trainer-string",
    ],
)
def test_ids_must_be_whole_json_numbers(api, therapist, trainer, patient_record, field, as_sent):
    body = {"patient": patient_record.pk, "trainer": trainer.pk, "packet": packet_body()}
    body[field] = as_sent(body[field])

    refused(api(therapist), "post", url("handoff-list"), body, field)


SESSION = {"completed": True, "pain": 3, "difficulty": 4, "note": "Fine"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pain": "5"}, "pain"),
        ({"pain": 5.5}, "pain"),
        ({"difficulty": "4"}, "difficulty"),
        ({"completed": "true"}, "completed"),
        ({"completed": 1}, "completed"),
        ({"note": 42}, "note"),
    ],
    ids=str,
)
def test_session_log_fields_take_their_own_type_only(api, patient, make_handoff, change, field):
    handoff = make_handoff("accepted")
    body = {"date": day(), **SESSION, **change}

    refused(api(patient), "post", url("handoff-sessions", handoff), body, field)


def test_the_right_types_still_work(api, patient, make_handoff):
    handoff = make_handoff("accepted")

    response = api(patient).post(
        url("handoff-sessions", handoff), {"date": day(), **SESSION}, format="json"
    )

    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("name", [42, 4.2, True, ["Alex"]], ids=str)
def test_names_given_as_numbers_are_refused(api, therapist, name):
    refused(
        api(therapist),
        "post",
        "/api/v1/patients/",
        {"first_name": name, "last_name": "Morgan"},
        "first_name",
    )


@pytest.mark.parametrize(
    "value", ["abc", "0", "-1", "101", "2.5", "\uff11\uff10"]
)  # the last: full-width digits
def test_a_bad_page_size_is_a_400_naming_it(api, therapist, value):
    response = api(therapist).get("/api/v1/handoffs/", {"page_size": value})

    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_good_page_size_still_works(api, therapist):
    assert api(therapist).get("/api/v1/handoffs/", {"page_size": "100"}).status_code == 200


def test_a_page_that_is_not_a_number_is_a_400_naming_it(api, therapist):
    response = api(therapist).get("/api/v1/handoffs/", {"page": "abc"})

    assert response.status_code == 400
    assert "page" in response.json()


@pytest.mark.parametrize("value", ["maybe", "yes", "", "2"])
def test_a_bad_unread_filter_is_a_400_naming_it(api, therapist, value):
    response = api(therapist).get("/api/v1/notifications/", {"unread": value})

    assert response.status_code == 400
    assert "unread" in response.json()


@pytest.mark.parametrize("value", ["true", "false", "1", "0"])
def test_unread_true_or_false_works(api, therapist, value):
    assert api(therapist).get("/api/v1/notifications/", {"unread": value}).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v2/handoffs/", "/api/x"])
def test_unknown_api_paths_answer_the_apis_json_404(api, therapist, path):
    response = api(therapist).get(path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
