"""What a notification, a reminder or an access-log row is about: one vocabulary for all three.

The notifications and audit apps store a generic ``(type, id)`` reference and know nothing of the
domain; the domain apps name their objects with these codes, so a typo cannot make a reminder
handler or an access-log query silently miss its rows.
"""

from __future__ import annotations

from django.db import models


class SubjectType(models.TextChoices):
    HANDOFF = "handoff", "Handoff"
    PATIENT = "patient", "Patient"
    PACKET_VERSION = "packet_version", "Packet version"
    SESSION_LOG = "session_log", "Session log"
    CHECK_IN = "check_in", "Check-in"
    MESSAGE = "message", "Message"
    CONSENT = "consent", "Consent"
    RESTRICTION = "restriction", "Restriction"
    CERTIFICATION = "certification", "Certification"
    NOTIFICATION = "notification", "Notification"
    INVITATION = "invitation", "Invitation"
