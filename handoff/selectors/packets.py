"""The reads behind a handoff's representation, in a constant number of queries.

``prepare`` (one handoff, after ``access_handoff`` or a service) and ``for_representation`` (a
queryset of them) load exactly what the role serializers read: the parties, the latest packet version with its program (and exercises) and
restrictions, the timeline with its actors, the patient's consents and the reassignment link.
Failed email deliveries are read in one query by ``delivery_problems``. The list
(``GET handoffs/``) answers summaries instead: ``handoff.api.summaries``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from core.subjects import SubjectType
from handoff.models import Consent, Handoff, HandoffEvent, PacketVersion, ProgramItem, Restriction
from notifications.models import Delivery

_SELECTED = (*Handoff.PARTIES, "final_report__author")


def with_packet_parts(versions: QuerySet[PacketVersion]) -> QuerySet[PacketVersion]:
    """Versions with what the packet serializer reads."""
    return versions.select_related("created_by").prefetch_related(
        Prefetch("program", ProgramItem.objects.select_related("exercise").order_by("order")),
        Prefetch("restrictions", Restriction.objects.order_by("order")),
    )


def _latest_versions() -> QuerySet[PacketVersion]:
    return with_packet_parts(PacketVersion.objects.current_of_each())


def _prefetches() -> list[Prefetch[Any]]:
    return [
        Prefetch("versions", _latest_versions(), to_attr="latest_versions"),
        Prefetch("events", HandoffEvent.objects.select_related("actor").order_by("at", "id")),
        Prefetch("patient__consents", Consent.objects.order_by("granted_at", "id")),
        Prefetch("reassigned_to", Handoff.objects.only("id", "reassigned_from_id")),
    ]


def for_representation(handoffs: QuerySet[Handoff]) -> QuerySet[Handoff]:
    """A queryset that serializes without a query per row."""
    return handoffs.select_related(*_SELECTED).prefetch_related(*_prefetches())


def prepare(handoff: Handoff) -> Handoff:
    """Load what one handoff's representation reads (after ``access_handoff`` or a service)."""
    prefetch_related_objects([handoff], *_SELECTED, *_prefetches())
    return handoff


def latest_version(handoff: Handoff) -> PacketVersion | None:
    versions = getattr(handoff, "latest_versions", None)
    if versions is None:  # not prepared: one query rather than a wrong answer
        versions = list(with_packet_parts(handoff.versions.newest_first())[:1])
    return versions[0] if versions else None


def consent_status(handoff: Handoff, consents: Iterable[Consent]) -> tuple[str, Consent | None]:
    """The state of the patient's consent to share with this handoff's gym, and that consent.

    ``active`` when an unrevoked, unexpired consent covers the gym (and this trainer);
    otherwise the latest relevant consent says ``revoked`` or ``expired``; ``none`` if there
    never was one.
    """
    today = handoff.clinic.today()  # expiry dates are clinic dates
    relevant = [c for c in consents if c.covers(handoff)]
    active = [c for c in relevant if c.is_active_on(today)]
    if active:
        return "active", max(active, key=lambda c: (c.expires_on, c.pk))
    if not relevant:
        return "none", None
    latest = max(relevant, key=lambda c: (c.granted_at, c.pk))
    # The sweep ends an expired consent with no one's name on it; a revocation has a revoker.
    revoked = latest.revoked_at is not None and latest.revoked_by_id is not None
    return ("revoked" if revoked else "expired"), latest


def delivery_problems(handoff_ids: Iterable[int]) -> dict[int, list[Delivery]]:
    """Emails about these handoffs that failed for good, by handoff id (one query)."""
    failed = (
        Delivery.objects.filter(
            status=Delivery.Status.FAILED,
            notification__subject_type=SubjectType.HANDOFF,
            notification__subject_id__in=list(handoff_ids),
        )
        .select_related("notification__recipient")
        .order_by("-failed_at", "-id")
    )
    problems: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in failed:
        problems[cast(int, delivery.notification.subject_id)].append(delivery)
    return problems
