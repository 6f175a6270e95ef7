from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from handoff.models import Handoff


@admin.register(Handoff)
class HandoffAdmin(ReadOnlyAdmin):
    """Who, where and when; the packet's health content stays out of the admin entirely."""

    list_display = [
        "id",
        "status",
        "clinic",
        "gym",
        "therapist",
        "trainer",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "clinic", "gym"]
    list_select_related = ["clinic", "gym", "therapist", "trainer"]
    search_fields = ["=id", "therapist__email", "trainer__email"]
    fields = [
        "status",
        "clinic",
        "gym",
        "therapist",
        "trainer",
        "created_at",
        "sent_at",
        "respond_by",
        "accepted_at",
        "closed_at",
        "acknowledged_version",
        "reassigned_from",
    ]
    date_hierarchy = "created_at"
