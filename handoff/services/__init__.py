"""Every state change of a handoff goes through one of these services (design §3, §8)."""

from handoff.services._base import party_of
from handoff.services.activity import (
    acknowledge_version,
    add_check_in,
    amend_packet,
    escalation_triggers,
    log_session,
    post_message,
    refer_back,
)
from handoff.services.consent import (
    consent_request,
    expire_consent,
    grant_consent,
    record_consent,
    revoke_consent,
)
from handoff.services.lifecycle import (
    accept_handoff,
    complete_handoff,
    consent_covering,
    create_handoff,
    decline_handoff,
    discard_draft,
    expire_handoff,
    reassign_handoff,
    resume_handoff,
    send_handoff,
    send_refusals,
    update_draft,
    withdraw_handoff,
)
from handoff.services.packets import PacketSpec, diff_versions, packet_spec_from_data

__all__ = [
    "PacketSpec",
    "accept_handoff",
    "acknowledge_version",
    "add_check_in",
    "amend_packet",
    "complete_handoff",
    "consent_covering",
    "consent_request",
    "create_handoff",
    "decline_handoff",
    "diff_versions",
    "discard_draft",
    "escalation_triggers",
    "expire_consent",
    "expire_handoff",
    "grant_consent",
    "log_session",
    "packet_spec_from_data",
    "party_of",
    "post_message",
    "reassign_handoff",
    "record_consent",
    "refer_back",
    "resume_handoff",
    "revoke_consent",
    "send_handoff",
    "send_refusals",
    "update_draft",
    "withdraw_handoff",
]
