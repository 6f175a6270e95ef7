from handoff.models.activity import CheckIn, FinalReport, Message, RedFlagReport, SessionLog
from handoff.models.audit import AccessLog
from handoff.models.consent import Consent
from handoff.models.handoff import Handoff, HandoffEvent
from handoff.models.packet import PacketVersion, ProgramItem, Restriction
from handoff.models.partnership import Partnership

__all__ = [
    "AccessLog",
    "CheckIn",
    "Consent",
    "FinalReport",
    "Handoff",
    "HandoffEvent",
    "Message",
    "PacketVersion",
    "Partnership",
    "ProgramItem",
    "RedFlagReport",
    "Restriction",
    "SessionLog",
]
