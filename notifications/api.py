"""``notifications/`` and ``preferences/`` under ``/api/v1/`` (docs/api.md).

Every read goes through ``notifications.selectors``: a user reaches their own notifications and
nobody else's (another user's id answers 404, as if it did not exist).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import strict_bool_param
from core.subjects import SubjectType
from core.validators import validate_time_zone
from notifications import services
from notifications.kinds import Kind
from notifications.models import Notification, Preference
from notifications.selectors import access_notification, notifications_visible_to

if TYPE_CHECKING:
    from accounts.models import User

TIME_FORMAT = "%H:%M"


def _user(request: Request) -> User:
    # IsAuthenticated (the default permission) has let only logged-in users through.
    return cast("User", request.user)


# --- Serializers ------------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    handoff = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "urgent",
            "requires_ack",
            "title",
            "body",
            "link",
            "handoff",
            "created_at",
            "read_at",
            "acknowledged_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_handoff(self, notification: Notification) -> int | None:
        """The handoff's id when the notification is about a handoff, else null."""
        return notification.subject_id if notification.subject_type == SubjectType.HANDOFF else None


class StrictBooleanField(serializers.BooleanField):
    """``true`` or ``false`` only: ``"yes"`` or ``1`` is a mistake worth a 400."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class QuietHoursSerializer(serializers.Serializer[dict[str, datetime.time]]):
    start = serializers.TimeField(format=TIME_FORMAT, input_formats=[TIME_FORMAT])
    end = serializers.TimeField(format=TIME_FORMAT, input_formats=[TIME_FORMAT])

    def validate(self, attrs: dict[str, datetime.time]) -> dict[str, datetime.time]:
        # Under PATCH the parent is partial; quiet hours are still given whole.
        missing = [name for name in ("start", "end") if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: ["This field is required."] for name in missing}
            )
        if attrs["start"] == attrs["end"]:
            raise serializers.ValidationError({"end": ["Quiet hours must end at another time."]})
        return attrs


class PreferencesSerializer(serializers.Serializer[dict[str, Any]]):
    time_zone = serializers.CharField(max_length=64, validators=[validate_time_zone])
    quiet_hours = QuietHoursSerializer(allow_null=True, help_text="null: no quiet hours")
    nudge_hour = serializers.IntegerField(min_value=0, max_value=23)
    email = serializers.DictField(
        child=StrictBooleanField(), help_text="{kind: true|false}; a kind left out stays as it was"
    )

    def validate_email(self, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(Kind.values))
        if unknown:
            raise serializers.ValidationError(f"Unknown kind: {', '.join(unknown)}.")
        return value


def preferences_data(pref: Preference) -> dict[str, Any]:
    """The API's shape: every kind is listed in ``email`` with its effective switch."""
    quiet = None
    if pref.quiet_start is not None and pref.quiet_end is not None:
        quiet = {"start": pref.quiet_start, "end": pref.quiet_end}
    return {
        "time_zone": pref.time_zone,
        "quiet_hours": quiet,
        "nudge_hour": pref.nudge_hour,
        "email": {kind: pref.wants_email(kind) for kind in Kind.values},
    }


# --- Views ------------------------------------------------------------------------------------


@extend_schema(
    summary="Your notifications, newest first",
    parameters=[
        OpenApiParameter(
            "unread", OpenApiTypes.BOOL, description="true: only unread ones; false: only read ones"
        )
    ],
)
class NotificationListView(generics.ListAPIView[Notification]):
    serializer_class = NotificationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Notification]:
        notifications = notifications_visible_to(_user(self.request))
        unread = strict_bool_param(self.request, "unread")
        if unread is True:
            notifications = notifications.filter(read_at__isnull=True)
        elif unread is False:
            notifications = notifications.filter(read_at__isnull=False)
        return notifications


class NotificationReadView(APIView):
    @extend_schema(
        summary="Mark one of your notifications read",
        request=None,
        responses=NotificationSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = access_notification(_user(request), pk)
        notification = services.mark_read(notification, by=_user(request))
        return Response(NotificationSerializer(notification).data)


class NotificationAcknowledgeView(APIView):
    @extend_schema(
        summary="Acknowledge one of your (urgent) notifications",
        request=None,
        responses=NotificationSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = access_notification(_user(request), pk)
        notification = services.acknowledge(notification, by=_user(request))
        return Response(NotificationSerializer(notification).data)


class PreferencesView(APIView):
    @extend_schema(summary="Your notification preferences", responses=PreferencesSerializer)
    def get(self, request: Request) -> Response:
        pref = services.preference_for(_user(request))
        return Response(PreferencesSerializer(preferences_data(pref)).data)

    @extend_schema(
        summary="Change your notification preferences",
        request=PreferencesSerializer,
        responses=PreferencesSerializer,
    )
    def patch(self, request: Request) -> Response:
        serializer = PreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "quiet_hours" in changes:
            quiet = changes.pop("quiet_hours")
            changes["quiet_hours"] = (quiet["start"], quiet["end"]) if quiet else None
        pref = services.update_preferences(_user(request), **changes)
        return Response(PreferencesSerializer(preferences_data(pref)).data)
