"""Each reminder of design §6: created by its trigger, cancelled when no longer needed, checked
again when it falls due, and told to the right person at the right time."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from gyms.models import Certification
from handoff import reminders, services
from handoff.services.packets import RestrictionSpec
from handoff.tests import builders
from handoff.tests.builders import clinic_today
from notifications.kinds import Kind
from notifications.models import Delivery, Notification, Preference, Reminder
from notifications.services import acknowledge
from notifications.sweep import fire_due_reminders

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
HOUR = datetime.timedelta(hours=1)


def pending(kind, **filters):
    return Reminder.objects.filter(kind=kind, status=Reminder.Status.PENDING, **filters)


def fire_at(moment):
    with time_machine.travel(moment, tick=False):
        return fire_due_reminders()


def told(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


# --- Respond to packet ----------------------------------------------------------------------------


def test_trainer_is_reminded_24h_and_72h_after_sending(make_handoff, trainer):
    handoff = make_handoff("sent")
    due = sorted(pending(Kind.RESPOND_REMINDER, recipient=trainer).values_list("due_at", flat=True))
    assert due == [handoff.sent_at + 24 * HOUR, handoff.sent_at + 72 * HOUR]
    assert fire_at(handoff.sent_at + 23 * HOUR) == 0
    fire_at(handoff.sent_at + 24 * HOUR)
    assert told(trainer, Kind.RESPOND_REMINDER).count() == 1
    fire_at(handoff.sent_at + 72 * HOUR)
    assert told(trainer, Kind.RESPOND_REMINDER).count() == 2


def test_answering_cancels_the_respond_reminders(make_handoff, trainer):
    handoff = services.accept_handoff(make_handoff("sent"), by=trainer)
    assert not pending(Kind.RESPOND_REMINDER).exists()
    assert (
        Reminder.objects.filter(kind=Kind.RESPOND_REMINDER, cancelled_reason="answered").count()
        == 2
    )
    fire_at(handoff.sent_at + 80 * HOUR)
    assert not told(trainer, Kind.RESPOND_REMINDER).exists()


def test_a_respond_reminder_whose_reason_went_is_stale_at_fire_time(make_handoff, trainer):
    handoff = make_handoff("sent")
    # The answer came by a path that did not cancel the reminder: it is checked again anyway.
    type(handoff).objects.filter(pk=handoff.pk).update(status="withdrawn")
    fire_at(handoff.sent_at + 25 * HOUR)
    assert not told(trainer, Kind.RESPOND_REMINDER).exists()
    stale = Reminder.objects.get(kind=Kind.RESPOND_REMINDER, due_at=handoff.sent_at + 24 * HOUR)
    assert stale.status == Reminder.Status.CANCELLED and stale.cancelled_reason.startswith("stale")


# --- Acknowledge a new version -------------------------------------------------------------------------


def test_acknowledge_reminder_repeats_daily_until_acknowledged(make_handoff, therapist, trainer):
    handoff = make_handoff("accepted")
    version = services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=4))
    assert pending(Kind.ACKNOWLEDGE_REMINDER).get().due_at == version.created_at + 24 * HOUR
    fire_at(version.created_at + 24 * HOUR)
    assert told(trainer, Kind.ACKNOWLEDGE_REMINDER).count() == 1
    assert pending(Kind.ACKNOWLEDGE_REMINDER).get().due_at == version.created_at + 48 * HOUR
    services.acknowledge_version(handoff, by=trainer, number=2)
    assert not pending(Kind.ACKNOWLEDGE_REMINDER).exists()
    fire_at(version.created_at + 49 * HOUR)
    assert told(trainer, Kind.ACKNOWLEDGE_REMINDER).count() == 1


# --- Urgent notice not acknowledged ---------------------------------------------------------------


def test_clinic_admins_hear_of_an_urgent_notice_unacknowledged_after_4h(
    make_handoff, therapist, clinic_admin
):
    handoff = make_handoff("referred_back")
    urgent = told(therapist, Kind.REFERRED_BACK).get()
    assert pending(Kind.URGENT_UNACKNOWLEDGED, recipient=clinic_admin).get().due_at == (
        urgent.created_at + 4 * HOUR
    )
    fire_at(urgent.created_at + 3 * HOUR)
    assert not told(clinic_admin, Kind.URGENT_UNACKNOWLEDGED).exists()
    fire_at(urgent.created_at + 4 * HOUR)
    notice = told(clinic_admin, Kind.URGENT_UNACKNOWLEDGED).get()
    assert therapist.name in notice.body and handoff.patient.last_name not in notice.body


def test_acknowledging_the_urgent_notice_cancels_the_escalation(
    make_handoff, therapist, clinic_admin
):
    make_handoff("referred_back")
    urgent = told(therapist, Kind.REFERRED_BACK).get()
    acknowledge(urgent, by=therapist)
    assert not pending(Kind.URGENT_UNACKNOWLEDGED).exists()
    fire_at(urgent.created_at + 5 * HOUR)
    assert not told(clinic_admin, Kind.URGENT_UNACKNOWLEDGED).exists()


def test_resuming_counts_as_acknowledging(make_handoff, therapist, clinic_admin):
    handoff = make_handoff("referred_back")
    services.resume_handoff(handoff, by=therapist, note="Reviewed")
    assert told(therapist, Kind.REFERRED_BACK).get().acknowledged_at is not None
    assert not pending(Kind.URGENT_UNACKNOWLEDGED).exists()


# --- Follow-ups and check-ins ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "who"), [(Kind.FOLLOW_UP, "therapist"), (Kind.CHECK_IN_DUE, "trainer")]
)
def test_follow_ups_at_2_6_and_12_weeks_after_acceptance(make_handoff, kind, who, request):
    person = request.getfixturevalue(who)
    handoff = make_handoff("accepted")
    due = sorted(pending(kind, recipient=person).values_list("due_at", flat=True))
    assert due == [handoff.accepted_at + datetime.timedelta(weeks=w) for w in (2, 6, 12)]
    fire_at(handoff.accepted_at + datetime.timedelta(weeks=2))
    assert told(person, kind).count() == 1


def test_a_recent_check_in_answers_the_check_in_reminder(make_handoff, trainer):
    handoff = make_handoff("accepted")
    two_weeks = handoff.accepted_at + datetime.timedelta(weeks=2)
    with time_machine.travel(two_weeks - 2 * HOUR, tick=False):
        services.add_check_in(
            handoff,
            by=trainer,
            date=timezone.localdate(timezone=NEW_YORK),
            sessions_attended=5,
            progress="Squat depth improving",
        )
    fire_at(two_weeks)
    assert not told(trainer, Kind.CHECK_IN_DUE).exists()


def test_completing_cancels_every_follow_up(make_handoff, therapist, trainer):
    handoff = services.complete_handoff(make_handoff("accepted"), by=therapist)
    assert not Reminder.objects.filter(
        subject_type="handoff", subject_id=handoff.pk, status="pending"
    ).exists()
    fire_at(handoff.accepted_at + datetime.timedelta(weeks=13))
    assert not told(therapist, Kind.FOLLOW_UP).exists()
    assert not told(trainer, Kind.CHECK_IN_DUE).exists()


# --- Keep up your program -------------------------------------------------------------------------------


def test_nudge_at_the_patients_nudge_hour_in_their_time_zone(people, patient):
    Preference.objects.create(user=patient, time_zone="America/New_York", nudge_hour=18)
    accepted_at = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)
    with time_machine.travel(accepted_at, tick=False):
        handoff = builders.accepted(**people)
    nudge = pending(Kind.PATIENT_NUDGE, recipient=patient).get()
    # Three days later at 18:00 in New York (UTC-5 in December) is 23:00 UTC.
    assert nudge.due_at == datetime.datetime(2026, 12, 4, 23, 0, tzinfo=datetime.UTC)
    fire_at(nudge.due_at)
    assert told(patient, Kind.PATIENT_NUDGE).count() == 1
    assert handoff.pk == told(patient, Kind.PATIENT_NUDGE).get().subject_id


def test_logging_a_session_moves_the_nudge(people, patient):
    Preference.objects.create(user=patient, time_zone="America/New_York", nudge_hour=18)
    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        handoff = builders.accepted(**people)
    with time_machine.travel(
        datetime.datetime(2026, 12, 3, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        services.log_session(
            handoff, by=patient, date=datetime.date(2026, 12, 3), completed=True, pain=1
        )
    nudge = pending(Kind.PATIENT_NUDGE).get()
    assert nudge.due_at == datetime.datetime(2026, 12, 6, 23, 0, tzinfo=datetime.UTC)
    assert Reminder.objects.filter(
        kind=Kind.PATIENT_NUDGE, cancelled_reason="session logged"
    ).exists()


def test_a_nudge_never_emails_in_quiet_hours(people, patient):
    Preference.objects.create(
        user=patient,
        time_zone="America/New_York",
        nudge_hour=22,
        quiet_start=datetime.time(21, 0),
        quiet_end=datetime.time(7, 0),
    )
    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        builders.accepted(**people)
    nudge = pending(Kind.PATIENT_NUDGE).get()
    fire_at(nudge.due_at)
    delivery = Delivery.objects.get(notification__kind=Kind.PATIENT_NUDGE)
    # 22:00 in New York is quiet: the email waits for 07:00 New York time (12:00 UTC).
    assert delivery.next_attempt_at == datetime.datetime(2026, 12, 5, 12, 0, tzinfo=datetime.UTC)
    assert delivery.enqueued_at is None


# --- Restriction review ---------------------------------------------------------------------------------


def test_restriction_review_3_days_before_at_9_in_the_clinic(people, therapist):
    review_on = clinic_today() + datetime.timedelta(days=20)
    spec = builders.packet(
        restrictions=(RestrictionSpec(kind="no_impact", text="No running", review_on=review_on),)
    )
    builders.sent(**people, spec=spec)
    reminder = pending(Kind.RESTRICTION_REVIEW, recipient=therapist).get()
    expected = datetime.datetime.combine(
        review_on - datetime.timedelta(days=3), datetime.time(9), tzinfo=NEW_YORK
    )
    assert reminder.due_at == expected
    fire_at(reminder.due_at)
    assert told(therapist, Kind.RESTRICTION_REVIEW).count() == 1


def test_an_amended_away_restriction_is_not_reviewed(people, therapist):
    review_on = clinic_today() + datetime.timedelta(days=20)
    spec = builders.packet(
        restrictions=(RestrictionSpec(kind="no_impact", text="No running", review_on=review_on),)
    )
    handoff = builders.accepted(**people, spec=spec)
    services.amend_packet(handoff, by=therapist, packet=builders.packet(restrictions=()))
    reminder = pending(Kind.RESTRICTION_REVIEW).get()
    fire_at(reminder.due_at)
    assert not told(therapist, Kind.RESTRICTION_REVIEW).exists()


# --- Consent and certification expiring ----------------------------------------------------------------


def test_consent_expiring_14_days_before(make_handoff, therapist, patient):
    handoff = make_handoff("accepted")
    consent = handoff.patient.consents.get()
    reminders_ = pending(Kind.CONSENT_EXPIRING)
    assert {r.recipient for r in reminders_} == {therapist, patient}
    expected = datetime.datetime.combine(
        consent.expires_on - datetime.timedelta(days=14), datetime.time(9), tzinfo=NEW_YORK
    )
    assert {r.due_at for r in reminders_} == {expected}
    fire_at(expected)
    assert told(therapist, Kind.CONSENT_EXPIRING).count() == 1
    assert told(patient, Kind.CONSENT_EXPIRING).count() == 1


def test_revoked_consent_cancels_its_expiry_reminders(make_handoff, patient):
    handoff = make_handoff("accepted")
    services.revoke_consent(handoff, by=patient)
    assert not pending(Kind.CONSENT_EXPIRING).exists()


def test_certification_expiring_30_days_before_tells_trainer_and_gym_admin(trainer, gym_admin):
    Certification.objects.filter(trainer__user=trainer).update(
        expires_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    assert reminders.schedule_certification_reminders() == 2
    assert reminders.schedule_certification_reminders() == 0  # once
    fire_due_reminders()
    assert told(trainer, Kind.CERTIFICATION_EXPIRING).count() == 1
    assert told(gym_admin, Kind.CERTIFICATION_EXPIRING).count() == 1


def test_a_certification_further_out_is_not_reminded_yet(trainer):
    Certification.objects.filter(trainer__user=trainer).update(
        expires_on=timezone.localdate() + datetime.timedelta(days=31)
    )
    assert reminders.schedule_certification_reminders() == 0


def test_two_logs_on_one_day_keep_one_nudge_pending(make_handoff, patient):
    handoff = make_handoff("accepted")
    for _ in range(2):
        services.log_session(handoff, by=patient, date=clinic_today(), completed=True, pain=1)
    assert pending(Kind.PATIENT_NUDGE).count() == 1


def test_resuming_starts_the_nudges_again(make_handoff, therapist):
    handoff = make_handoff("referred_back")
    Reminder.objects.filter(kind=Kind.PATIENT_NUDGE).update(status="cancelled")
    services.resume_handoff(handoff, by=therapist, note="Fine to go on")
    assert pending(Kind.PATIENT_NUDGE).count() == 1


def test_two_amendments_leave_one_chain_of_acknowledge_reminders(make_handoff, therapist):
    handoff = make_handoff("accepted")
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=4))
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=3))
    assert pending(Kind.ACKNOWLEDGE_REMINDER).count() == 1


def test_nudges_follow_the_patients_own_date_west_of_utc(people, patient):
    Preference.objects.create(user=patient, time_zone="America/Los_Angeles", nudge_hour=18)
    # 02:00 UTC on 2 Dec is still 1 Dec in Los Angeles: the nudge is three of *their* days on.
    with time_machine.travel(datetime.datetime(2026, 12, 2, 2, 0, tzinfo=datetime.UTC), tick=False):
        builders.accepted(**people)
    nudge = pending(Kind.PATIENT_NUDGE).get()
    assert nudge.due_at == datetime.datetime(2026, 12, 5, 2, 0, tzinfo=datetime.UTC)  # 4 Dec 18:00


def test_a_sweep_outage_does_not_turn_into_a_burst_of_nudges(people, patient):
    from notifications.sweep import fire_due_reminders

    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        builders.accepted(**people)
    with time_machine.travel(
        datetime.datetime(2026, 12, 20, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        fire_due_reminders()
    assert Notification.objects.filter(kind=Kind.PATIENT_NUDGE).count() == 1
