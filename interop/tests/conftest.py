import datetime

import pytest

from handoff import services
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


@pytest.fixture
def worked_handoff(people, patient):
    """An accepted handoff with session logs and a check-in, as the trainer sees it mid-way."""
    handoff = builders.accepted(**people)
    today = builders.clinic_today()
    for days_ago, pain, completed in ((9, 4, True), (6, 3, True), (3, 2, False), (1, 2, True)):
        services.log_session(
            handoff,
            by=patient,
            date=today - datetime.timedelta(days=days_ago),
            completed=completed,
            pain=pain,
            difficulty=5,
            note="",
        )
    services.add_check_in(
        handoff,
        by=people["trainer"],
        date=today,
        sessions_attended=3,
        progress="Split squats steady at 3x10; knee tracks well.",
    )
    return handoff
