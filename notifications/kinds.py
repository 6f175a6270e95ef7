"""What a notification is about. Preferences switch email on or off per kind."""

from django.db import models


class Kind(models.TextChoices):
    # Events
    HANDOFF_SENT = "handoff_sent", "A packet was sent"
    HANDOFF_ACCEPTED = "handoff_accepted", "A packet was accepted"
    HANDOFF_DECLINED = "handoff_declined", "A packet was declined"
    HANDOFF_EXPIRED = "handoff_expired", "A packet expired unanswered"
    VERSION_CREATED = "version_created", "The packet was amended"
    VERSION_ACKNOWLEDGED = "version_acknowledged", "An amendment was acknowledged"
    REFERRED_BACK = "referred_back", "Referred back to the therapist"
    HANDOFF_RESUMED = "handoff_resumed", "Training resumed"
    HANDOFF_COMPLETED = "handoff_completed", "A handoff was completed"
    HANDOFF_WITHDRAWN = "handoff_withdrawn", "A handoff was withdrawn"
    CONSENT_GRANTED = "consent_granted", "Consent was given"
    CONSENT_REVOKED = "consent_revoked", "Consent was revoked"
    MESSAGE = "message", "A new message"
    DELIVERY_FAILED = "delivery_failed", "An email could not be delivered"
    INVITATION = "invitation", "An invitation to Baton"
    EXCEPTION_REQUESTED = "exception_requested", "A trainer asks for an exception"
    EXCEPTION_ANSWERED = "exception_answered", "An exception was granted or refused"
    # Reminders
    RESPOND_REMINDER = "respond_reminder", "Reminder: answer a packet"
    ACKNOWLEDGE_REMINDER = "acknowledge_reminder", "Reminder: acknowledge an amendment"
    URGENT_UNACKNOWLEDGED = "urgent_unacknowledged", "An urgent notice is unacknowledged"
    FOLLOW_UP = "follow_up", "Follow-up check"
    CHECK_IN_DUE = "check_in_due", "Progress check-in due"
    PATIENT_NUDGE = "patient_nudge", "Keep up your program"
    RESTRICTION_REVIEW = "restriction_review", "A restriction is due for review"
    CONSENT_EXPIRING = "consent_expiring", "Consent is about to expire"
    CERTIFICATION_EXPIRING = "certification_expiring", "A certification is about to expire"
