"""Operators are audited too: admin pages that show a patient or a handoff write access-log rows.

A list page records one row per object on the page it shows (``admin_list``); an object's page
and its history record that object (``admin_read``), as the site's own pages and the API do.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from audit.services import record_access


class AuditedAdminMixin(admin.ModelAdmin):
    audit_object_type: str = ""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            ids = [obj.pk for obj in changelist.result_list]
            record_access(
                request, action="admin_list", object_type=self.audit_object_type, object_ids=ids
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_one(request, response)
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._record_one(request, response)
        return response

    def _record_one(self, request: HttpRequest, response: HttpResponse) -> None:
        # Only a page that showed the object (not a redirect for a missing id) is a read.
        context = getattr(response, "context_data", None) or {}
        obj = context.get("original") or context.get("object")
        if response.status_code == 200 and obj is not None:
            record_access(
                request,
                action="admin_read",
                object_type=self.audit_object_type,
                object_ids=[obj.pk],
            )
