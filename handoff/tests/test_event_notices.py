"""Each event of design §6 tells exactly the right people, in the app and by email."""

import pytest

from handoff import services
from handoff.tests import builders
from notifications.kinds import Kind
from notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def told(kind) -> dict[str, bool]:
    """Who got a notification of this kind, by persona email, with whether it is urgent."""
    return {
        n.recipient.email: n.urgent
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    }


T, TR, P = "pt@riverside.test", "trainer@ironoak.test", "patient@riverside.test"


def test_packet_sent_tells_the_trainer_and_the_patient(make_handoff):
    make_handoff("sent")
    assert told(Kind.HANDOFF_SENT) == {TR: False, P: False}


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        ("accepted", Kind.HANDOFF_ACCEPTED),
        ("declined", Kind.HANDOFF_DECLINED),
        ("expired", Kind.HANDOFF_EXPIRED),
    ],
)
def test_the_answer_tells_the_therapist_and_the_patient(make_handoff, state, kind):
    make_handoff(state)
    assert told(kind) == {T: False, P: False}


def test_a_new_version_tells_the_trainer_to_acknowledge_and_the_patient(make_handoff, therapist):
    handoff = make_handoff("accepted")
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=4))
    assert told(Kind.VERSION_CREATED) == {TR: False, P: False}
    assert Notification.objects.get(kind=Kind.VERSION_CREATED, recipient__email=TR).requires_ack


def test_a_refer_back_is_urgent_for_the_therapist_and_pauses_trainer_and_patient(make_handoff):
    make_handoff("referred_back")  # by the trainer
    assert told(Kind.REFERRED_BACK) == {T: True, P: True}
    assert Notification.objects.get(kind=Kind.REFERRED_BACK, recipient__email=T).requires_ack


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        ("withdrawn", Kind.HANDOFF_WITHDRAWN),  # by the therapist
        ("completed", Kind.HANDOFF_COMPLETED),  # by the therapist
        ("revoked", Kind.CONSENT_REVOKED),  # by the patient
    ],
)
def test_closing_tells_everyone_but_the_actor(make_handoff, state, kind):
    make_handoff(state)
    everyone_but_actor = {T: False, TR: False, P: False}
    everyone_but_actor.pop(P if state == "revoked" else T)
    assert told(kind) == everyone_but_actor


def test_resuming_tells_the_trainer_and_the_patient(make_handoff, therapist):
    services.resume_handoff(make_handoff("referred_back"), by=therapist, note="Reviewed")
    assert told(Kind.HANDOFF_RESUMED) == {TR: False, P: False}


@pytest.mark.parametrize(
    ("author", "to_patient", "expected"),
    [
        ("therapist", False, {TR}),
        ("therapist", True, {TR, P}),
        ("trainer", False, {T}),
        ("patient", False, {T, TR}),
    ],
)
def test_a_message_tells_the_other_side(make_handoff, request, author, to_patient, expected):
    handoff = make_handoff("accepted")
    services.post_message(
        handoff, by=request.getfixturevalue(author), body="Hello", to_patient=to_patient
    )
    assert set(told(Kind.MESSAGE)) == expected


def test_every_event_notice_is_also_emailed(make_handoff):
    make_handoff("referred_back")
    notices = Notification.objects.exclude(kind=Kind.INVITATION)
    emailed = Delivery.objects.filter(notification__in=notices).values_list(
        "notification_id", flat=True
    )
    assert set(emailed) == set(notices.values_list("id", flat=True))


def test_an_email_opt_out_keeps_the_in_app_notice(make_handoff, trainer):
    from notifications.models import Preference

    Preference.objects.create(user=trainer, email={Kind.HANDOFF_SENT: False})
    make_handoff("sent")
    notice = Notification.objects.get(kind=Kind.HANDOFF_SENT, recipient=trainer)
    assert not notice.deliveries.exists()
