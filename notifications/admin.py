"""The operator's view of notifications, deliveries, reminders and preferences.

Deliveries and reminders are the ledger: the admin shows them and offers the one sanctioned
write (retrying a failed delivery through its service); statuses are never edited by hand.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from notifications.health import broker_status, work_status
from notifications.models import Delivery, Heartbeat, Notification, Preference, Reminder
from notifications.services import retry_failed_delivery


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "recipient", "kind", "urgent", "title", "created_at", "read_at"]
    list_filter = ["kind", "urgent", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email", "title"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "notification",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["notification__recipient__email", "idempotency_key"]
    list_select_related = ["notification__recipient"]
    actions = ["retry_failed"]

    @admin.action(description="Retry selected failed deliveries")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        retried = sum(
            retry_failed_delivery(delivery, by=request.user)  # type: ignore[arg-type]
            for delivery in queryset.filter(status=Delivery.Status.FAILED)
        )
        skipped = queryset.count() - retried
        self.message_user(request, f"{retried} deliveries queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} were not failed and were left alone.", messages.WARNING
            )


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "recipient", "due_at", "status", "fired_at", "cancelled_reason"]
    list_filter = ["kind", "status"]
    search_fields = ["recipient__email", "key"]
    list_select_related = ["recipient"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "quiet_start", "quiet_end", "nudge_hour"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    """Work status: the same report as ``/healthz``, with each worker's heartbeat below it."""

    list_display = ["name", "kind", "pid", "started_at", "seen_at"]
    list_filter = ["kind"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        status = work_status()
        broker = broker_status()
        problems = list(status.problems)
        if broker != "ok":
            problems.insert(0, ("broker_unreachable", broker))
        context = {"status": status, "broker": broker, "problems": problems}
        return super().changelist_view(request, extra_context={**(extra_context or {}), **context})
