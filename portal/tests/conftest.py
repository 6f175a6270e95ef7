import pytest
from django.test import Client

from handoff.tests import builders


@pytest.fixture
def handoff(therapist, patient_record, trainer):
    """The patient's accepted handoff (builders.packet: split squat, side plank, no jumping)."""
    return builders.accepted(therapist=therapist, patient_record=patient_record, trainer=trainer)


@pytest.fixture
def other_handoff(therapist, other_patient_record, trainer):
    return builders.accepted(
        therapist=therapist, patient_record=other_patient_record, trainer=trainer
    )


@pytest.fixture
def page():
    """``page(user)``: a browser-like client logged in as ``user`` (``page(None)``: anonymous)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
