from handoff.models.activity import CheckIn, FinalReport, Message, RedFlagReport, SessionLog
from handoff.models.consent import Consent
from handoff.models.handoff import Handoff, HandoffEvent
from handoff.models.packet import PacketVersion, ProgramItem, Restriction
from handoff.models.plan import PlanItem

__all__ = [
    "CheckIn",
    "Consent",
    "FinalReport",
    "Handoff",
    "HandoffEvent",
    "Message",
    "PacketVersion",
    "PlanItem",
    "ProgramItem",
    "RedFlagReport",
    "Restriction",
    "SessionLog",
]
