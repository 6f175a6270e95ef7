"""The operator's view of accounts.

Password hashes and token digests never appear: a hash is an offline-cracking target and a
page can be screenshotted. Deactivation and revocation go through the services, so the admin
cannot leave a deactivated user with a live session or token.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Invitation, User
from accounts.otp import reset_two_factor
from accounts.services import deactivate_user, invite_user, revoke_invitation
from core.errors import DomainError


def _acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - the admin requires a logged-in user
    return request.user


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "is_active", "is_staff", "last_login", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]
    ordering = ["email"]
    # No "password" field at all; is_active changes only through deactivate_user.
    fields = [
        "email",
        "name",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
    ]
    readonly_fields = ["is_active", "last_login", "date_joined"]
    filter_horizontal = ["groups", "user_permissions"]
    actions = ["deactivate_selected", "invite_selected", "reset_two_factor_selected"]

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        if not change:
            # A user made here logs in only after accepting an invitation.
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    @admin.action(description="Deactivate selected users", permissions=["change"])
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset.filter(is_active=True):
            try:
                deactivate_user(user, by=_acting_user(request))
            except DomainError as exc:
                self.message_user(request, f"{user.email}: {exc.detail}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"Deactivated {done} users.", messages.SUCCESS)

    @admin.action(description="Email a new invitation to selected users", permissions=["change"])
    def invite_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            try:
                invite_user(
                    email=user.email,
                    name=user.name,
                    purpose=Invitation.Purpose.STAFF,
                    invited_by=_acting_user(request),
                )
            except DomainError as exc:
                self.message_user(request, f"{user.email}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, f"Invitation sent to {user.email}.", messages.SUCCESS)

    @admin.action(
        description="Reset two-factor sign-in of selected users (lost phone)",
        permissions=["change"],
    )
    def reset_two_factor_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            try:
                reset_two_factor(user, by=_acting_user(request))
            except DomainError as exc:
                self.message_user(request, f"{user.email}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(
                    request, f"Two-factor sign-in of {user.email} is reset.", messages.SUCCESS
                )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only. Deleting a token is allowed: it revokes it."""

    list_display = ["digest_prefix", "user", "created_at", "expires_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "digest_prefix", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["user", "digest_prefix", "created_at", "expires_at", "last_used_at"]

    @admin.display(description="digest")
    def digest_prefix(self, token: ApiToken) -> str:
        return f"{token.digest[:8]}…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "purpose",
        "created_by",
        "created_at",
        "expires_at",
        "used_at",
        "revoked_at",
    ]
    list_filter = ["purpose"]
    list_select_related = ["user", "created_by"]
    search_fields = ["user__email"]
    actions = ["revoke_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_invitation")

    @admin.action(description="Revoke selected invitations", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        for invitation in queryset:
            try:
                revoke_invitation(invitation, by=_acting_user(request))
            except DomainError as exc:
                self.message_user(request, f"{invitation}: {exc.detail}", messages.ERROR)
        self.message_user(request, "The selected open invitations are revoked.", messages.SUCCESS)


# django-otp's own device admins would show an operator the authenticator secrets. Devices are
# changed only by their owner and reset by the action above.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
