from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import User
from core.errors import DomainError
from organisations.models import Partnership
from organisations.selectors import partnership_between
from organisations.services import (
    accept_partnership,
    end_partnership,
    propose_partnership,
    reactivate_partnership,
    suspend_partnership,
)


def _acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - the admin requires a logged-in user
    return request.user


class ProposePartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["clinic", "gym", "proposed_by_side"]
        labels = {"proposed_by_side": "Proposed on behalf of"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clinic, gym = data.get("clinic"), data.get("gym")
        if clinic and gym and partnership_between(clinic, gym) is not None:
            raise forms.ValidationError(f"{clinic} and {gym} already have a partnership.")
        return data

    def validate_unique(self) -> None:
        # clean() says it in words; the service is the one that creates the row.
        pass


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    """Statuses change only through the partnership services: the add form proposes, and the
    actions accept, suspend, reactivate or end. Nothing here sets ``status`` itself."""

    list_display = ["clinic", "gym", "status", "proposed_by_side", "created_at", "activated_at"]
    list_filter = ["status"]
    search_fields = ["clinic__name", "gym__name"]
    list_select_related = ["clinic", "gym"]
    actions = ["accept", "suspend", "reactivate", "end"]
    readonly_fields = [
        "clinic",
        "gym",
        "status",
        "proposed_by_side",
        "proposed_by",
        "created_at",
        "activated_at",
        "ended_at",
    ]

    def get_form(
        self,
        request: HttpRequest,
        obj: Partnership | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is None:
            kwargs["form"] = ProposePartnershipForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Partnership | None = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Partnership | None = None) -> Any:
        if obj is None:
            return ["clinic", "gym", "proposed_by_side"]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Partnership, form: Any, change: bool) -> None:
        if change:
            return  # every field is read-only once proposed
        created = propose_partnership(
            clinic=obj.clinic,
            gym=obj.gym,
            by=_acting_user(request),
            side=obj.proposed_by_side,
        )
        obj.pk = created.pk
        obj.status = created.status
        obj.proposed_by = created.proposed_by
        obj._state.adding = False
        obj._state.db = created._state.db

    def has_delete_permission(self, request: HttpRequest, obj: Partnership | None = None) -> bool:
        return False  # a partnership ends; it is not deleted

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[Partnership],
        service: Callable[..., Partnership],
        done: str,
    ) -> None:
        changed = 0
        for partnership in queryset.select_related("clinic", "gym"):
            try:
                service(partnership, by=_acting_user(request))
            except DomainError as error:
                self.message_user(request, f"{partnership}: {error.detail}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} partnership(s) {done}.", messages.SUCCESS)

    @admin.action(description="Accept the selected proposals", permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[Partnership]) -> None:
        self._apply(request, queryset, accept_partnership, "accepted")

    @admin.action(description="Suspend the selected partnerships", permissions=["change"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[Partnership]) -> None:
        self._apply(request, queryset, suspend_partnership, "suspended")

    @admin.action(description="Reactivate the selected partnerships", permissions=["change"])
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Partnership]) -> None:
        self._apply(request, queryset, reactivate_partnership, "reactivated")

    @admin.action(description="End the selected partnerships", permissions=["change"])
    def end(self, request: HttpRequest, queryset: QuerySet[Partnership]) -> None:
        self._apply(request, queryset, end_partnership, "ended")
