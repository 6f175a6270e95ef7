from __future__ import annotations

from django.contrib import admin

from audit.admin_mixin import AuditedAdminMixin
from core.admin import ReadOnlyAdmin
from handoff.models import Handoff


@admin.register(Handoff)
class HandoffAdmin(AuditedAdminMixin, ReadOnlyAdmin):
    """Who, where and when; the packet's health content stays out of the admin entirely. Every
    page that shows a handoff still writes the access log: the operator learns who treats whom."""

    audit_object_type = "handoff"

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
