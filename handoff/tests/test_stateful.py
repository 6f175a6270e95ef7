"""Random sequences of actions by random people never reach an illegal state, and the trainer
can read the packet exactly when design §3 says so."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from accounts.tests.factories import UserFactory
from clinics.tests.factories import ClinicFactory, ClinicMembershipFactory, PatientFactory
from core.errors import Conflict, Forbidden
from gyms.tests.factories import GymFactory, TrainerMembershipFactory
from handoff import services
from handoff.models import Handoff
from handoff.selectors import handoffs_visible_to
from handoff.tests import builders
from handoff.tests.test_transitions import TABLE, perform
from organisations.models import Partnership

S = Handoff.Status
# design §3 and §5, written out here rather than imported, so a wrong selector cannot agree with
# itself: the open states, and a completed case while the patient's consent still stands.
OPEN = {S.SENT, S.ACCEPTED, S.REFERRED_BACK}
ROLES = ("therapist", "trainer", "patient", "trainer2")


class HandoffMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        clinic = ClinicFactory()
        gym = GymFactory()
        Partnership.objects.create(clinic=clinic, gym=gym, status="active", proposed_by_side="gym")
        patient_user = UserFactory()
        self.people = {
            "therapist": ClinicMembershipFactory(clinic=clinic).user,
            "trainer": TrainerMembershipFactory(gym=gym, capacity=50).user,
            "trainer2": TrainerMembershipFactory(gym=gym, capacity=50).user,
            "patient": patient_user,
        }
        self.patient_record = PatientFactory(clinic=clinic, user=patient_user)
        self._new_draft()

    def _new_draft(self):
        self.handoff = builders.draft(
            therapist=self.people["therapist"],
            patient_record=self.patient_record,
            trainer=self.people["trainer"],
        )
        if services.consent_covering(self.handoff, today=builders.clinic_today()) is None:
            builders.with_consent(self.handoff, self.people["therapist"])

    def teardown(self):
        if hasattr(self, "atomic"):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    def _current(self):
        if not Handoff.objects.filter(pk=self.handoff.pk).exists():
            return None
        self.handoff.refresh_from_db()
        return self.handoff

    @rule(data=st.data(), legal=st.integers(0, 4), any_role=st.integers(0, 3))
    def act(self, data, legal, any_role):
        handoff = self._current()
        if handoff is None:
            return
        before = handoff.status
        # Half the time an action the table allows now, so runs go deep into the lifecycle;
        # the other half any action, to probe what must be refused.
        allowed_now = sorted(
            a
            for a, (states, _, _) in TABLE.items()
            if before in states and a not in ("discard", "revoke")
        )
        if not allowed_now:  # a dead end (withdrawn, completed, revoked): a new case begins
            self._new_draft()
            return
        action = data.draw(st.sampled_from(allowed_now if legal and allowed_now else sorted(TABLE)))
        role = data.draw(st.sampled_from(ROLES)) if any_role == 0 else TABLE[action][2]
        allowed_in, _, who = TABLE[action]
        try:
            result = perform(
                action, handoff, self.people[role], other_trainer=self.people["trainer2"]
            )
        except (Conflict, Forbidden, ValidationError):
            after = self._current()
            assert after is not None and after.status == before  # a refusal changes nothing
            return
        assert before in allowed_in, f"{action} succeeded in {before}"
        assert (
            role == who
            or (action.startswith("refer_back") and role in ("trainer", "patient"))
            or (action.startswith("complete") and role in ("therapist", "trainer"))
            or (action == "revoke" and role in ("therapist", "patient"))
        ), f"{role} did {action}"
        if action == "reassign":
            # Follow the case to its new draft; "trainer" is always the current addressee.
            self.handoff = result
            self.people["trainer"], self.people["trainer2"] = (
                self.people["trainer2"],
                self.people["trainer"],
            )

    @rule()
    def the_patient_consents_again(self):
        handoff = self._current()
        if handoff is None or handoff.status in Handoff.TERMINAL_STATUSES:
            return
        if services.consent_covering(handoff, today=builders.clinic_today()) is None:
            services.grant_consent(handoff, by=self.people["patient"])

    @rule()
    def time_passes_beyond_respond_by(self):
        handoff = self._current()
        if handoff is not None and handoff.status == S.SENT:
            services.expire_handoff(handoff, now=handoff.respond_by)

    @invariant()
    def status_is_known_and_events_agree(self):
        handoff = self._current() if hasattr(self, "handoff") else None
        if handoff is None:
            return
        assert handoff.status in S.values
        last = handoff.events.order_by("-id").first()
        assert last is not None and last.to_status == handoff.status
        if handoff.status != S.DRAFT:
            assert handoff.sent_at is not None
            assert handoff.versions.filter(frozen_at__isnull=True).count() == 0

    @invariant()
    def the_trainer_reads_the_packet_exactly_when_allowed(self):
        handoff = self._current() if hasattr(self, "handoff") else None
        if handoff is None:
            return
        trainer_sees = handoffs_visible_to(self.people["trainer"]).filter(pk=handoff.pk).exists()
        consent_stands = handoff.patient.consents.filter(revoked_at__isnull=True).exists()
        expected = handoff.status in OPEN or (handoff.status == S.COMPLETED and consent_stands)
        assert trainer_sees == expected
        assert not handoffs_visible_to(self.people["trainer2"]).filter(pk=handoff.pk).exists() or (
            handoff.trainer_id == self.people["trainer2"].pk
        )
        patient_sees = handoffs_visible_to(self.people["patient"]).filter(pk=handoff.pk).exists()
        assert patient_sees == (handoff.status != S.DRAFT)

    @invariant()
    def at_most_one_open_handoff_per_patient_and_trainer(self):
        if not hasattr(self, "people"):
            return
        for role in ("trainer", "trainer2"):
            open_count = Handoff.objects.filter(
                patient=self.patient_record,
                trainer=self.people[role],
                status__in=Handoff.OPEN_STATUSES,
            ).count()
            assert open_count <= 1


@pytest.mark.django_db
def test_random_action_sequences_stay_legal():
    machine = HandoffMachine.TestCase
    machine.settings = settings(
        max_examples=40,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine().runTest()
