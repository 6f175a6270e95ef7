"""Scoped reads of handoffs (this module) and what a handoff's representation loads (``packets``).

Who can read a handoff, by state:

| state                           | therapist (own clinic) | trainer (addressee) | patient   |
| draft                           | yes                    | no                  | consent request only |
| sent, accepted, referred_back   | yes                    | yes                 | yes       |
| completed                       | yes                    | read-only, while the consent stands | yes |
| declined, expired, withdrawn    | yes                    | no                  | read-only |
| revoked                         | yes                    | no                  | read-only |
"""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.types import AnyUser
from gyms.models import GymMembership
from handoff.models import Consent, Handoff
from handoff.models.handoff import HandoffQuerySet
from organisations.roles import actor_for
from organisations.selectors import partnered_trainers

Status = Handoff.Status


def handoffs_visible_to(user: AnyUser) -> HandoffQuerySet:
    actor = actor_for(user)
    handoffs = Handoff.objects.all()
    if actor.is_therapist and actor.clinic_id is not None:
        return handoffs.filter(clinic_id=actor.clinic_id)
    if actor.is_trainer and actor.gym_id is not None:
        # Consent is given to a gym: a trainer who moved elsewhere leaves the packets behind.
        # A completed case stays readable only while the patient's consent still stands.
        return (
            handoffs.filter(trainer_id=actor.user_id, gym_id=actor.gym_id)
            .alias(has_consent=Exists(_consents_covering()))
            .filter(
                Q(status__in=Handoff.OPEN_STATUSES) | Q(status=Status.COMPLETED, has_consent=True)
            )
        )
    if actor.is_patient and actor.patient is not None:
        return handoffs.filter(patient_id=actor.patient.pk).exclude(status=Status.DRAFT)
    return handoffs.none()


def _consents_covering() -> QuerySet[Consent]:
    """Unrevoked consents covering the outer handoff (expired ones are revoked by the sweep)."""
    return Consent.objects.unrevoked().covering(
        patient=OuterRef("patient_id"), gym=OuterRef("gym_id"), trainer=OuterRef("trainer_id")
    )


def trainers_available_to(user: AnyUser) -> QuerySet[GymMembership]:
    """Trainers a therapist may hand a patient to (the clinic's trainer directory), each
    annotated with ``open_handoffs``; anyone else: none. A constant number of queries."""
    actor = actor_for(user)
    if not actor.is_therapist or actor.clinic_membership is None:
        return GymMembership.objects.none()
    open_handoffs = (
        Handoff.objects.open()
        .filter(trainer_id=OuterRef("user_id"))
        .order_by()
        .values("trainer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return partnered_trainers(actor.clinic_membership.clinic).annotate(
        open_handoffs=Coalesce(Subquery(open_handoffs, output_field=IntegerField()), Value(0))
    )


def access_handoff(user: AnyUser, handoff_id: object, *, also: tuple[str, ...] = ()) -> Handoff:
    """The handoff if ``user`` may read it, else 404: never confirm that it exists.

    ``also`` names more relations a page reads, loaded in the same query.
    """
    try:
        return (
            handoffs_visible_to(user)
            .with_parties()
            .select_related(*_ALSO_READ, *also)
            .get(pk=int(str(handoff_id)))
        )
    except (Handoff.DoesNotExist, ValueError):
        raise Http404("No handoff matches the given query.") from None


def access_handoff_for_consent(user: AnyUser, handoff_id: object) -> Handoff:
    """Like ``access_handoff``, but the patient also reaches their draft's consent request."""
    actor = actor_for(user)
    queryset: HandoffQuerySet
    if actor.is_patient and actor.patient is not None:
        queryset = Handoff.objects.filter(patient_id=actor.patient.pk)
    else:
        queryset = handoffs_visible_to(user)
    try:
        return queryset.with_parties().select_related(*_ALSO_READ).get(pk=int(str(handoff_id)))
    except (Handoff.DoesNotExist, ValueError):
        raise Http404("No handoff matches the given query.") from None


# Read with the handoff, in the same query, so that its detail needs only its packet, timeline
# and consents after it (issue 16): the final report and the reassignment link.
_ALSO_READ = ("final_report__author", "reassigned_to")
