"""Every action in every state (design §3), table-driven: allowed ones move the handoff and
leave an event; forbidden ones raise a readable error and change nothing."""

import pytest

from core.errors import Conflict, Forbidden
from handoff import services
from handoff.models import Handoff, HandoffEvent
from handoff.tests.builders import clinic_today, packet
from notifications.models import Notification

pytestmark = pytest.mark.django_db
S = Handoff.Status
STATES = list(S.values)

# action -> (states it is allowed in, the state it leads to or None for "unchanged", who does it)
TABLE = {
    "send": ({S.DRAFT}, S.SENT, "therapist"),
    "accept": ({S.SENT}, S.ACCEPTED, "trainer"),
    "decline": ({S.SENT}, S.DECLINED, "trainer"),
    "withdraw": ({S.SENT, S.ACCEPTED, S.REFERRED_BACK}, S.WITHDRAWN, "therapist"),
    "refer_back": ({S.ACCEPTED}, S.REFERRED_BACK, "trainer"),
    "refer_back_by_patient": ({S.ACCEPTED}, S.REFERRED_BACK, "patient"),
    "resume": ({S.REFERRED_BACK}, S.ACCEPTED, "therapist"),
    "complete": ({S.ACCEPTED, S.REFERRED_BACK}, S.COMPLETED, "therapist"),
    "complete_by_trainer": ({S.ACCEPTED, S.REFERRED_BACK}, S.COMPLETED, "trainer"),
    "reassign": ({S.DECLINED, S.EXPIRED}, None, "therapist"),
    # Consent can be revoked whenever one is active; only open handoffs close because of it.
    "revoke": (set(STATES) - {S.REVOKED}, "revoked_if_open", "patient"),
    "amend": ({S.SENT, S.ACCEPTED, S.REFERRED_BACK}, None, "therapist"),
    "acknowledge": ({S.SENT, S.ACCEPTED, S.REFERRED_BACK}, None, "trainer"),
    "log_session": ({S.ACCEPTED, S.REFERRED_BACK}, None, "patient"),
    "discard": ({S.DRAFT}, "deleted", "therapist"),
}


def perform(action: str, handoff: Handoff, by, *, other_trainer=None):
    calls = {
        "send": lambda: services.send_handoff(handoff, by=by),
        "accept": lambda: services.accept_handoff(handoff, by=by),
        "decline": lambda: services.decline_handoff(handoff, by=by, reason="No slots"),
        "withdraw": lambda: services.withdraw_handoff(handoff, by=by, reason="Moved away"),
        "refer_back": lambda: services.refer_back(handoff, by=by, reason="Sharp pain"),
        "refer_back_by_patient": lambda: services.refer_back(handoff, by=by, reason="It hurts"),
        "resume": lambda: services.resume_handoff(handoff, by=by, note="Reviewed"),
        "complete": lambda: services.complete_handoff(handoff, by=by),
        "complete_by_trainer": lambda: services.complete_handoff(
            handoff, by=by, final_report={"sessions_attended": 3, "progress": "Good"}
        ),
        "reassign": lambda: services.reassign_handoff(handoff, by=by, trainer=other_trainer),
        "revoke": lambda: services.revoke_consent(handoff, by=by),
        "amend": lambda: services.amend_packet(handoff, by=by, packet=packet(pain_ceiling=3)),
        "acknowledge": lambda: services.acknowledge_version(handoff, by=by, number=1),
        "log_session": lambda: services.log_session(
            handoff, by=by, date=clinic_today(), completed=True, pain=1
        ),
        "discard": lambda: services.discard_draft(handoff, by=by),
    }
    return calls[action]()


@pytest.fixture
def actors(therapist, trainer, patient, other_therapist, trainer2):
    return {
        "therapist": therapist,
        "trainer": trainer,
        "patient": patient,
        "other_therapist": other_therapist,
        "trainer2": trainer2,
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(TABLE))
def test_action_in_state(state, action, make_handoff, actors):
    allowed_in, leads_to, role = TABLE[action]
    handoff = make_handoff(state)
    events_before = HandoffEvent.objects.filter(handoff=handoff).count()
    notices_before = Notification.objects.count()
    by = actors[role]

    if state not in allowed_in:
        with pytest.raises(Conflict) as refused:
            perform(action, handoff, by, other_trainer=actors["trainer2"])
        assert refused.value.detail.startswith(("This handoff", "There is no", "Version"))
        handoff.refresh_from_db()
        assert handoff.status == state
        assert HandoffEvent.objects.filter(handoff=handoff).count() == events_before
        assert Notification.objects.count() == notices_before
        return

    perform(action, handoff, by, other_trainer=actors["trainer2"])
    if leads_to == "deleted":
        assert not Handoff.objects.filter(pk=handoff.pk).exists()
        return
    handoff.refresh_from_db()
    if leads_to == "revoked_if_open":
        leads_to = S.REVOKED if state in Handoff.OPEN_STATUSES else None
    assert handoff.status == (leads_to or state)
    if action == "log_session":  # a session log is not a timeline event
        assert handoff.session_logs.count() == 1
        return
    if action == "acknowledge" and state != S.SENT:
        # Accepting already acknowledged version 1; acknowledging it again changes nothing.
        assert handoff.acknowledged_version == 1
        return
    assert HandoffEvent.objects.filter(handoff=handoff).count() > events_before


# Who may not act, even in a state where the action is allowed.
WRONG_ACTORS = {
    "send": ["trainer", "patient", "other_therapist"],
    "accept": ["therapist", "trainer2", "patient"],
    "decline": ["therapist", "trainer2"],
    "withdraw": ["trainer", "patient", "other_therapist"],
    "refer_back": ["therapist", "trainer2", "other_therapist"],
    "resume": ["trainer", "patient", "other_therapist"],
    "complete": ["patient", "trainer2", "other_therapist"],
    "reassign": ["trainer", "other_therapist"],
    "revoke": ["trainer", "trainer2", "other_therapist"],
    "amend": ["trainer", "patient", "other_therapist"],
    "acknowledge": ["therapist", "trainer2", "patient"],
    "log_session": ["therapist", "trainer", "other_therapist"],
    "discard": ["trainer", "other_therapist"],
}


@pytest.mark.parametrize(
    ("action", "wrong"), [(a, w) for a, ws in WRONG_ACTORS.items() for w in ws]
)
def test_wrong_person_is_refused_and_nothing_changes(action, wrong, make_handoff, actors):
    allowed_in, _, _ = TABLE[action]
    state = sorted(allowed_in)[0]
    handoff = make_handoff(state)
    events_before = HandoffEvent.objects.filter(handoff=handoff).count()
    with pytest.raises(Forbidden):
        perform(action, handoff, actors[wrong], other_trainer=actors["trainer2"])
    handoff.refresh_from_db()
    assert handoff.status == state
    assert HandoffEvent.objects.filter(handoff=handoff).count() == events_before


def test_illegal_transition_message_says_what_happened(make_handoff, trainer):
    handoff = make_handoff("accepted")
    with pytest.raises(Conflict) as refused:
        services.accept_handoff(handoff, by=trainer)
    assert refused.value.detail == "This handoff was already accepted."


def test_expire_before_respond_by_is_refused(make_handoff):
    handoff = make_handoff("sent")
    with pytest.raises(Conflict):
        services.expire_handoff(handoff, now=handoff.sent_at)
    handoff.refresh_from_db()
    assert handoff.status == S.SENT


def test_trainer_completing_without_final_report_is_refused(make_handoff, trainer):
    from django.core.exceptions import ValidationError

    handoff = make_handoff("accepted")
    with pytest.raises(ValidationError) as refused:
        services.complete_handoff(handoff, by=trainer)
    assert "final_report" in refused.value.message_dict
    handoff.refresh_from_db()
    assert handoff.status == S.ACCEPTED


def test_reassign_makes_a_linked_draft_seeded_from_the_latest_version(
    make_handoff, therapist, trainer2
):
    handoff = make_handoff("declined")
    successor = services.reassign_handoff(handoff, by=therapist, trainer=trainer2)
    assert successor.status == S.DRAFT
    assert successor.reassigned_from == handoff
    assert successor.trainer == trainer2
    old, new = handoff.versions.get(), successor.versions.get()
    assert [i.name for i in new.program.all()] == [i.name for i in old.program.all()]
    assert new.frozen_at is None
    with pytest.raises(Conflict):
        services.reassign_handoff(handoff, by=therapist, trainer=trainer2)
