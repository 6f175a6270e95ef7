"""Reads that span clinics and gyms: partnerships and the trainer directory."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from clinics.models import Clinic
from gyms.models import Certification, Gym, GymMembership
from gyms.selectors import certified_trainers
from organisations.models import Partnership


def partnership_between(clinic: Clinic, gym: Gym) -> Partnership | None:
    return Partnership.objects.filter(clinic=clinic, gym=gym).first()


def is_active_partnership(*, clinic_id: int, gym_id: int) -> bool:
    """The one definition of "these two may hand patients to each other"."""
    return Partnership.objects.active().filter(clinic_id=clinic_id, gym_id=gym_id).exists()


def partnered_gym_ids(clinic_id: int) -> QuerySet[Partnership, int]:
    """The gyms a clinic may hand patients to (a subquery: costs no query of its own)."""
    return Partnership.objects.active().filter(clinic_id=clinic_id).values_list("gym_id", flat=True)


def partnered_trainers(clinic: Clinic) -> QuerySet[GymMembership]:
    """The trainer directory of a clinic: trainers at its active partner gyms who hold a
    certification valid today (the clinic's date), each carrying only its valid certifications.

    A constant number of queries however many trainers. How many handoffs a trainer has open is
    the handoff app's to add (``handoff.selectors.trainers_available_to``).
    """
    today = clinic.today()
    valid_certifications = Certification.objects.filter(expires_on__gte=today).order_by(
        "expires_on", "pk"
    )
    return (
        certified_trainers(on=today)
        .filter(gym_id__in=partnered_gym_ids(clinic.pk))
        .select_related("user", "gym")
        .prefetch_related(Prefetch("certifications", queryset=valid_certifications))
        .order_by("gym__name", "user__name", "pk")
    )
