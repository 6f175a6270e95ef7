import pytest

from handoff.tests import builders


@pytest.fixture
def people(therapist, patient_record, trainer):
    """The three people every handoff story needs."""
    return {"therapist": therapist, "patient_record": patient_record, "trainer": trainer}


@pytest.fixture
def make_handoff(people):
    """``make_handoff("accepted")`` is a handoff brought to that state through the services."""

    def make(status: str):
        return builders.in_state(status, **people)

    return make
