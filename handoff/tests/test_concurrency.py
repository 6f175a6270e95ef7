"""Two actions on one handoff never both win (design §3), proven on PostgreSQL with threads."""

import threading

import pytest
from django.db import connection
from django.http import Http404

from core.errors import Conflict
from gyms.models import GymMembership
from handoff import services
from handoff.models import Handoff
from handoff.tests import builders

pytestmark = [
    pytest.mark.services("postgres"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(*actions):
    """Run the actions at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_accepts_one_wins(make_handoff, trainer):
    handoff = make_handoff("sent")
    outcomes = race(
        lambda: services.accept_handoff(Handoff.objects.get(pk=handoff.pk), by=trainer),
        lambda: services.accept_handoff(Handoff.objects.get(pk=handoff.pk), by=trainer),
    )
    assert sum(isinstance(o, Handoff) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    assert handoff.events.filter(action="accepted").count() == 1


def test_accept_racing_withdraw_one_wins(make_handoff, trainer, therapist):
    handoff = make_handoff("sent")
    outcomes = race(
        lambda: services.accept_handoff(Handoff.objects.get(pk=handoff.pk), by=trainer),
        lambda: services.withdraw_handoff(
            Handoff.objects.get(pk=handoff.pk), by=therapist, reason="Changed plan"
        ),
    )
    winners = [o for o in outcomes if isinstance(o, Handoff)]
    assert len(winners) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    handoff.refresh_from_db()
    assert handoff.status == winners[0].status
    assert handoff.events.filter(action__in=["accepted", "withdrawn"]).count() == 1


def test_two_sends_cannot_both_take_the_trainers_last_place(
    therapist, trainer, patient_record, other_patient_record
):
    GymMembership.objects.filter(user=trainer).update(capacity=1)
    first = builders.with_consent(
        builders.draft(therapist=therapist, patient_record=patient_record, trainer=trainer),
        therapist,
    )
    second = builders.with_consent(
        builders.draft(therapist=therapist, patient_record=other_patient_record, trainer=trainer),
        therapist,
    )
    outcomes = race(
        lambda: services.send_handoff(Handoff.objects.get(pk=first.pk), by=therapist),
        lambda: services.send_handoff(Handoff.objects.get(pk=second.pk), by=therapist),
    )
    assert sum(isinstance(o, Handoff) for o in outcomes) == 1
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert [r.code for r in refused] == ["trainer_at_capacity"]
    assert Handoff.objects.filter(trainer=trainer, status="sent").count() == 1


def test_a_send_racing_a_revocation_never_sends_without_consent(
    therapist, trainer, trainer2, patient_record, patient
):
    """The patient revokes through another handoff to the same gym while a draft is sent."""
    from handoff.models import Consent

    open_one = builders.accepted(
        therapist=therapist, patient_record=patient_record, trainer=trainer2
    )
    draft = builders.draft(therapist=therapist, patient_record=patient_record, trainer=trainer)
    race(
        lambda: services.send_handoff(Handoff.objects.get(pk=draft.pk), by=therapist),
        lambda: services.revoke_consent(Handoff.objects.get(pk=open_one.pk), by=patient),
    )
    draft.refresh_from_db()
    assert not Consent.objects.filter(revoked_at__isnull=True).exists()
    # Whichever won, the packet is not out there without a consent.
    assert draft.status in (Handoff.Status.DRAFT, Handoff.Status.REVOKED)


def test_an_action_on_a_draft_discarded_meanwhile_is_a_404(people, therapist):
    handoff = builders.draft(**people)
    stale = Handoff.objects.get(pk=handoff.pk)
    services.discard_draft(handoff, by=therapist)
    with pytest.raises(Http404):
        services.update_draft(stale, by=therapist, packet=builders.packet())
