"""The rows of ``GET handoffs/``: a summary per handoff, the same shape for every role.

A row says who, where it stands and whether it needs the caller: never the packet, the
timeline or the patient's contact details, which only ``GET handoffs/{id}/`` carries (and
audits as a read of the packet). A page costs a fixed number of queries whatever its length:
the handoffs with their people and current version number (one query), the consents of the
page's patients (one), and for staff the failed emails about the page's handoffs (one).

Rows are built as plain dicts by ``summaries``: building a DRF serializer per row was most of
the list's time (bench/README.md). ``HandoffSummarySerializer`` documents the same shape and is
checked against it by the tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from rest_framework import serializers

from handoff.models import Consent, Handoff, PacketVersion
from handoff.selectors.packets import consent_status
from notifications.models import Delivery

Status = Handoff.Status


class Attention(serializers.ChoiceField):
    CHOICES = {
        "awaiting_answer": "Sent; the trainer has not accepted or declined it yet.",
        "referred_back": "Referred back to the therapist: training stopped until they act.",
        "version_unacknowledged": "The trainer has not acknowledged the current packet version.",
        "consent_not_active": "Open, but no active consent covers this gym (revoked or expired).",
        "delivery_failed": "An email about it failed for good (staff only).",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(list(self.CHOICES), **kwargs)


class _Named(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _TrainerSummary(_Named):
    gym = _Named()


class _ConsentSummary(serializers.Serializer):
    state = serializers.ChoiceField(choices=["active", "none", "revoked", "expired"])
    expires_on = serializers.DateField(allow_null=True)


class HandoffSummarySerializer(serializers.Serializer):
    """One row of ``GET handoffs/`` (documentation only: rows are built by ``summaries``)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    patient = _Named()
    therapist = _Named()
    trainer = _TrainerSummary()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    respond_by = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    current_version = serializers.IntegerField(
        allow_null=True, help_text="The number of the packet's latest version."
    )
    acknowledged_version = serializers.IntegerField(allow_null=True)
    consent = _ConsentSummary()
    attention = serializers.ListField(
        child=Attention(),
        help_text="Why it needs someone's attention now; empty when nothing is waiting.",
    )


def for_summaries(handoffs: QuerySet[Handoff]) -> QuerySet[Handoff]:
    """The columns a summary reads, and the current version's number, in one query."""
    latest = PacketVersion.objects.filter(handoff_id=OuterRef("pk")).order_by("-number")
    return (
        handoffs.select_related("patient", "therapist", "trainer", "gym", "clinic")
        .only(
            *_HANDOFF_COLUMNS,
            "patient__first_name",
            "patient__last_name",
            "therapist__name",
            "trainer__name",
            "gym__name",
            "clinic__time_zone",
        )
        .annotate(current_number=Subquery(latest.values("number")[:1]))
    )


_HANDOFF_COLUMNS = (
    "id",
    "status",
    "patient_id",
    "clinic_id",
    "therapist_id",
    "trainer_id",
    "gym_id",
    "created_at",
    "sent_at",
    "respond_by",
    "accepted_at",
    "closed_at",
    "acknowledged_version",
)


def summaries(handoffs: Sequence[Handoff], *, role: str) -> list[dict[str, Any]]:
    """The rows for a page of ``for_summaries`` handoffs, for a caller in ``role``."""
    if not handoffs:
        return []
    consents: dict[int, list[Consent]] = defaultdict(list)
    for consent in Consent.objects.filter(
        patient_id__in={h.patient_id for h in handoffs}, gym_id__in={h.gym_id for h in handoffs}
    ).only(*_CONSENT_COLUMNS):
        consents[consent.patient_id].append(consent)
    failed = _failed_emails(handoffs, role)
    return [_row(h, consents[h.patient_id], h.pk in failed) for h in handoffs]


_CONSENT_COLUMNS = (
    "id",
    "patient_id",
    "gym_id",
    "trainer_id",
    "granted_at",
    "expires_on",
    "revoked_at",
    "revoked_by_id",
)


def _row(handoff: Handoff, consents: list[Consent], failed: bool) -> dict[str, Any]:
    state, consent = consent_status(handoff, consents)
    number = getattr(handoff, "current_number", None)
    attention = []
    status = handoff.status
    if status == Status.SENT:
        attention.append("awaiting_answer")
    elif status == Status.REFERRED_BACK:
        attention.append("referred_back")
    if (
        status in (Status.ACCEPTED, Status.REFERRED_BACK)
        and number is not None
        and (handoff.acknowledged_version or 0) < number
    ):
        attention.append("version_unacknowledged")
    if status in Handoff.OPEN_STATUSES and state != "active":
        attention.append("consent_not_active")
    if failed:
        attention.append("delivery_failed")
    patient = handoff.patient
    return {
        "id": handoff.pk,
        "status": status,
        "patient": {
            "id": handoff.patient_id,
            "name": f"{patient.first_name} {patient.last_name}".strip(),
        },
        "therapist": {"id": handoff.therapist_id, "name": handoff.therapist.name},
        "trainer": {
            "id": handoff.trainer_id,
            "name": handoff.trainer.name,
            "gym": {"id": handoff.gym_id, "name": handoff.gym.name},
        },
        "created_at": _iso(handoff.created_at),
        "sent_at": _iso(handoff.sent_at),
        "respond_by": _iso(handoff.respond_by),
        "accepted_at": _iso(handoff.accepted_at),
        "closed_at": _iso(handoff.closed_at),
        "current_version": number,
        "acknowledged_version": handoff.acknowledged_version,
        "consent": {
            "state": state,
            "expires_on": consent.expires_on.isoformat() if consent else None,
        },
        "attention": attention,
    }


_DATETIME = serializers.DateTimeField()


def _iso(value: Any) -> str | None:
    """As DRF writes a datetime (the site's time zone, ISO 8601)."""
    return None if value is None else _DATETIME.to_representation(value)


def _failed_emails(handoffs: Sequence[Handoff], role: str) -> set[int]:
    """Which of these handoffs have an email that failed for good, as the detail's
    ``delivery_problems`` shows them to ``role`` (one query; none for a patient)."""
    if role not in ("therapist", "trainer"):
        return set()
    by_id = {h.pk: h for h in handoffs}
    failed = Delivery.objects.filter(
        status=Delivery.Status.FAILED,
        notification__subject_type="handoff",
        notification__subject_id__in=list(by_id),
    ).values_list("notification__subject_id", "notification__recipient_id")
    out: set[int] = set()
    for subject_id, recipient_id in failed:
        if subject_id is None:
            continue
        handoff = by_id[subject_id]
        # The trainer hears of emails to either side, never of those to the patient.
        if role == "therapist" or recipient_id in (handoff.therapist_id, handoff.trainer_id):
            out.add(subject_id)
    return out
