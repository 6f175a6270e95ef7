"""How session logs, check-ins, messages, consent and version diffs look on the wire.

Every party who may read one of these lists sees the same fields (the views decide who may
read which list, and a patient's message list holds only messages meant for them).
"""

from __future__ import annotations

from rest_framework import serializers

from handoff.api.serializers_handoff import PersonSerializer, SymptomField
from handoff.models import CheckIn, Consent, Message, SessionLog


def _symptoms() -> serializers.ListField:
    return serializers.ListField(child=SymptomField())


class SessionLogSerializer(serializers.ModelSerializer[SessionLog]):
    symptoms = _symptoms()

    class Meta:
        model = SessionLog
        fields = ["id", "date", "completed", "pain", "difficulty", "symptoms", "note", "created_at"]
        read_only_fields = fields


class CheckInSerializer(serializers.ModelSerializer[CheckIn]):
    author = PersonSerializer()
    symptoms = _symptoms()

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "date",
            "sessions_attended",
            "progress",
            "symptoms",
            "note",
            "author",
            "created_at",
        ]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer[Message]):
    author = PersonSerializer()

    class Meta:
        model = Message
        fields = ["id", "author", "body", "to_patient", "created_at"]
        read_only_fields = fields


# --- Consent --------------------------------------------------------------------------------------


class AuthorizationElementsSerializer(serializers.Serializer):
    """What a valid authorization states (design §5), from the clinic's standard form."""

    information = serializers.CharField(help_text="What will be shared.")
    discloser = serializers.CharField(help_text="Who shares it: the clinic.")
    recipient = serializers.CharField(help_text="With whom: the gym and its trainers.")
    purpose = serializers.CharField()
    expires_on = serializers.CharField()
    signature = serializers.CharField()
    signed_on = serializers.CharField()
    right_to_revoke = serializers.CharField()
    no_conditioning = serializers.CharField()
    redisclosure = serializers.CharField()


class ConsentStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["active", "none", "revoked", "expired"])
    method = serializers.ChoiceField(
        choices=Consent.Method.choices,
        allow_null=True,
        help_text="How the latest consent for this gym was given; null if none ever was.",
    )
    signed_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    granted_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    authorization_text = serializers.CharField(
        help_text="The active consent's text; otherwise what the patient would sign now."
    )
    elements = AuthorizationElementsSerializer()


# --- Version diffs ----------------------------------------------------------------------------------

_CHANGES = serializers.DictField(
    child=serializers.ListField(child=serializers.JSONField(), min_length=2, max_length=2),
    help_text="{field: [old, new]}",
)


class ChangedItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    changes = _CHANGES


class ItemsDiffSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    changed = ChangedItemSerializer(many=True)


class RedFlagsDiffSerializer(serializers.Serializer):
    added = serializers.ListField(child=SymptomField())
    removed = serializers.ListField(child=SymptomField())


class VersionDiffSerializer(serializers.Serializer):
    """What changed from version n-1 to n. Program items are matched by name, restrictions by
    kind, body region and pattern."""

    program = ItemsDiffSerializer()
    restrictions = ItemsDiffSerializer(help_text="Restrictions are labelled by their text.")
    red_flags = RedFlagsDiffSerializer()
    # A declared field named "fields": the serializer metaclass takes it out of the class body,
    # so it does not hide ``Serializer.fields``.
    fields = _CHANGES  # type: ignore[assignment]
