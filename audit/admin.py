from __future__ import annotations

from django.contrib import admin

from audit.models import AccessLog
from core.admin import ReadOnlyAdmin


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "client_address"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["actor__email", "=object_id"]
    date_hierarchy = "at"
