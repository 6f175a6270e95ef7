"""A sent packet is never edited in place: amendments are new versions, acknowledged."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import Conflict
from handoff import services
from handoff.models import PacketVersion
from handoff.models.packet import FrozenVersionError
from handoff.services.packets import ProgramItemSpec
from handoff.tests import builders
from notifications.kinds import Kind
from notifications.models import Notification, Reminder

pytestmark = pytest.mark.django_db


def test_a_draft_is_edited_in_place(people, therapist):
    handoff = builders.draft(**people)
    services.update_draft(handoff, by=therapist, packet=builders.packet(pain_ceiling=3))
    version = handoff.versions.get()
    assert version.number == 1 and version.pain_ceiling == 3


def test_a_sent_packet_cannot_be_edited_in_place(make_handoff, therapist):
    handoff = make_handoff("sent")
    with pytest.raises(Conflict) as refused:
        services.update_draft(handoff, by=therapist, packet=builders.packet(pain_ceiling=2))
    assert "amend the packet" in refused.value.detail
    version = handoff.versions.get()
    assert version.pain_ceiling == 5 and version.frozen_at is not None


def test_a_frozen_version_refuses_a_direct_save(make_handoff):
    version = make_handoff("sent").versions.get()
    version.pain_ceiling = 9
    with pytest.raises(FrozenVersionError):
        version.save()
    version.refresh_from_db()
    assert version.pain_ceiling == 5


def test_amend_makes_version_n_plus_one_and_keeps_the_old(make_handoff, therapist, trainer):
    handoff = make_handoff("accepted")
    new_program = (
        *builders.packet().program,
        ProgramItemSpec(name="Step-up", sets=2, reps=12, per_week=2),
    )
    version = services.amend_packet(
        handoff,
        by=therapist,
        packet=builders.packet(program=new_program),
        change_note="Add step-ups",
    )
    assert [v.number for v in handoff.versions.all()] == [1, 2]
    assert version.frozen_at is not None and version.created_by == therapist
    assert version.change_note == "Add step-ups"
    assert handoff.versions.get(number=1).program.count() == 2
    notice = Notification.objects.get(recipient=trainer, kind=Kind.VERSION_CREATED)
    assert notice.requires_ack
    assert Reminder.objects.filter(kind=Kind.ACKNOWLEDGE_REMINDER, recipient=trainer).exists()


def test_amend_needs_a_complete_packet(make_handoff, therapist):
    handoff = make_handoff("accepted")
    with pytest.raises(ValidationError):
        services.amend_packet(handoff, by=therapist, packet=builders.packet(program=()))
    assert handoff.versions.count() == 1


def test_acknowledging_an_old_version_is_refused(make_handoff, therapist, trainer):
    handoff = make_handoff("accepted")
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=4))
    with pytest.raises(Conflict) as refused:
        services.acknowledge_version(handoff, by=trainer, number=1)
    assert refused.value.code == "not_latest_version"


def test_acknowledging_cancels_the_reminders_and_records_it(make_handoff, therapist, trainer):
    handoff = make_handoff("accepted")
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=4))
    services.acknowledge_version(handoff, by=trainer, number=2)
    handoff.refresh_from_db()
    assert handoff.acknowledged_version == 2
    event = handoff.events.get(action="version_acknowledged")
    assert event.version == 2 and event.from_status == event.to_status == "accepted"
    assert not Reminder.objects.filter(kind=Kind.ACKNOWLEDGE_REMINDER, status="pending").exists()


def test_diff_between_versions(make_handoff, therapist):
    handoff = make_handoff("accepted")
    old_program = builders.packet().program
    changed = (
        ProgramItemSpec(name="Split squat", sets=4, reps=8, per_week=3, load="10 kg"),
        ProgramItemSpec(name="Step-up", sets=2, reps=12, per_week=2),
    )
    services.amend_packet(
        handoff,
        by=therapist,
        packet=builders.packet(
            program=changed, red_flags=("swelling", "night_pain"), pain_ceiling=4
        ),
    )
    old, new = PacketVersion.objects.filter(handoff=handoff).order_by("number")
    diff = services.diff_versions(old, new)
    assert diff["program"]["added"] == ["Step-up"]
    assert diff["program"]["removed"] == [old_program[1].name]
    assert diff["program"]["changed"] == [
        {
            "name": "Split squat",
            "changes": {"sets": [3, 4], "reps": [10, 8], "load": ["bodyweight", "10 kg"]},
        }
    ]
    assert diff["red_flags"] == {"added": ["night_pain"], "removed": ["giving_way", "numbness"]}
    assert diff["fields"] == {"pain_ceiling": [5, 4]}
    assert diff["restrictions"] == {"added": [], "removed": [], "changed": []}


def test_restriction_review_must_follow_clearance(people):
    from handoff.services.packets import RestrictionSpec

    spec = builders.packet(
        restrictions=(
            RestrictionSpec(
                kind="no_impact",
                text="No running",
                review_on=builders.clinic_today().replace(year=2020),
            ),
        )
    )
    with pytest.raises(ValidationError) as refused:
        builders.draft(**people, spec=spec)
    assert "restrictions" in refused.value.message_dict
