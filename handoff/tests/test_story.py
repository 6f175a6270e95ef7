"""The whole story of a handoff, through the services, with what each step leaves behind."""

import datetime

import pytest

from core.errors import Conflict
from handoff import services
from handoff.models import FinalReport, Handoff, RedFlagReport
from handoff.tests.builders import clinic_today, packet
from notifications.kinds import Kind
from notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def kinds_for(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True)
    )


def actions(handoff) -> list[str]:
    return list(handoff.events.order_by("id").values_list("action", flat=True))


def test_a_handoff_from_draft_to_completion(therapist, trainer, patient_record, patient):
    # 1. The therapist starts a draft.
    handoff = services.create_handoff(
        patient=patient_record, trainer=trainer, packet=packet(), by=therapist
    )
    assert handoff.status == Handoff.Status.DRAFT
    assert handoff.versions.get().number == 1

    # 2. Sending without the patient's consent is refused, and nothing changes.
    with pytest.raises(Conflict) as refused:
        services.send_handoff(handoff, by=therapist)
    assert refused.value.code == "consent_required"
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.DRAFT
    assert Notification.objects.count() == 0

    # 3. Consent is recorded from the signed paper form, then the packet goes out.
    services.record_consent(handoff, by=therapist, signed_on=clinic_today())
    services.send_handoff(handoff, by=therapist)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.SENT
    assert handoff.respond_by == handoff.sent_at + datetime.timedelta(days=7)
    assert kinds_for(trainer) == [Kind.HANDOFF_SENT]
    assert kinds_for(patient) == [Kind.HANDOFF_SENT]
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 2

    # 4. The trainer accepts.
    handoff = services.accept_handoff(handoff, by=trainer)
    assert kinds_for(therapist) == [Kind.HANDOFF_ACCEPTED]

    # 5. The therapist amends the packet; the trainer must acknowledge version 2.
    version = services.amend_packet(
        handoff, by=therapist, packet=packet(pain_ceiling=4), change_note="Lower pain ceiling"
    )
    assert version.number == 2
    new_version_notice = Notification.objects.get(recipient=trainer, kind=Kind.VERSION_CREATED)
    assert new_version_notice.requires_ack and new_version_notice.acknowledged_at is None
    services.acknowledge_version(handoff, by=trainer, number=2)
    handoff.refresh_from_db()
    assert handoff.acknowledged_version == 2
    new_version_notice.refresh_from_db()
    assert new_version_notice.acknowledged_at is not None

    # 6. A painful session refers the handoff back with an urgent notice for the therapist.
    services.log_session(handoff, by=patient, date=clinic_today(), completed=True, pain=6)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REFERRED_BACK
    report = RedFlagReport.objects.get(handoff=handoff)
    assert report.above_pain_ceiling and report.pain == 6 and report.reported_by is None
    urgent = Notification.objects.get(recipient=therapist, kind=Kind.REFERRED_BACK)
    assert urgent.urgent and urgent.requires_ack
    assert Notification.objects.filter(recipient=trainer, kind=Kind.REFERRED_BACK).exists()
    referred = handoff.events.get(action="referred_back")
    assert referred.actor is None  # the system did it

    # 7. The therapist resumes; the urgent notice counts as handled.
    handoff = services.resume_handoff(
        handoff, by=therapist, note="Reviewed: soreness only, keep going"
    )
    urgent.refresh_from_db()
    assert urgent.acknowledged_at is not None

    # 8. The trainer completes it with a final report.
    services.complete_handoff(
        handoff,
        by=trainer,
        final_report={"sessions_attended": 24, "progress": "Squats 3x10 at 40 kg pain-free"},
    )
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.COMPLETED
    assert FinalReport.objects.get(handoff=handoff).sessions_attended == 24
    assert actions(handoff) == [
        "created",
        "consent_recorded",
        "sent",
        "accepted",
        "version_created",
        "version_acknowledged",
        "referred_back",
        "resumed",
        "completed",
    ]
    assert Kind.HANDOFF_COMPLETED in kinds_for(therapist)
    assert Kind.HANDOFF_COMPLETED in kinds_for(patient)


def test_revoking_consent_closes_the_handoff_and_tells_everyone(
    therapist, trainer, patient_record, patient, make_handoff
):
    handoff = make_handoff("accepted")
    closed = services.revoke_consent(handoff, by=patient)
    assert [h.pk for h in closed] == [handoff.pk]
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REVOKED
    assert actions(handoff)[-2:] == ["consent_revoked", "revoked"]
    assert Kind.CONSENT_REVOKED in kinds_for(therapist)
    assert Kind.CONSENT_REVOKED in kinds_for(trainer)
    assert Kind.CONSENT_REVOKED not in kinds_for(patient)  # the patient did it
