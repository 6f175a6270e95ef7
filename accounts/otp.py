"""Two-factor sign-in (django-otp): an authenticator app (TOTP) and single-use recovery codes.

The services here are the only code that creates, confirms or removes a second factor. Who must
have one is a setting (``TWO_FACTOR_REQUIRED_ROLES``); the role itself is resolved by the layer
that knows organisations (``TWO_FACTOR_ROLE_RESOLVER``), because accounts does not.

API tokens carry two stamps taken when they were issued: one of the password and one of the
second factors. A token whose stamps no longer match the account is refused, so a token never
outlives the password or the authenticator it was issued under. The account's current device
stamp is kept on the user row (``User.two_factor_stamp``, refreshed by ``accounts.signals`` on
every device save or delete), so checking a token reads no device table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, User
from core.errors import Conflict

logger = logging.getLogger("baton.accounts")

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# Codes people type: six digits from an app, or a recovery code (letters and digits).
MAX_CODE_LENGTH = 16


# --- Who needs a second factor ---------------------------------------------------------------------


def role_of(user: User) -> str | None:
    """The user's role name as the organisation layer sees it (``operator`` for the admin)."""
    resolver: Callable[[User], str | None] = import_string(settings.TWO_FACTOR_ROLE_RESOLVER)
    return resolver(user)


def two_factor_required(user: User) -> bool:
    """Whether this user may not use Baton without a second factor (setting, by role)."""
    required = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if not required:
        return False
    if user.is_staff and "operator" in required:
        return True
    return role_of(user) in required


def has_two_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


# --- Stamps on API tokens ------------------------------------------------------------------------


def password_stamp(user: User) -> str:
    """Changes whenever the password does (like Django's session hash), and reveals nothing."""
    return salted_hmac("baton.token.password", user.password, algorithm="sha256").hexdigest()[:32]


def device_stamp(user: User) -> str:
    """Changes whenever a second factor is added, replaced or removed; ``""`` when there is none.

    Read from the devices themselves; ``User.two_factor_stamp`` keeps a copy for token checks.
    """
    return stamp_of_devices(
        device.persistent_id for device in devices_for_user(user, confirmed=True)
    )


def stamp_of_devices(persistent_ids: Iterable[str]) -> str:
    ids = sorted(persistent_ids)
    if not ids:
        return ""
    return salted_hmac("baton.token.device", "|".join(ids), algorithm="sha256").hexdigest()[:32]


def refresh_device_stamp(user_id: int) -> None:
    """Copy the user's device stamp to ``User.two_factor_stamp`` (after a device changed)."""
    # The devices are read by the user's id: no need to load the user row first.
    User.objects.filter(pk=user_id).update(two_factor_stamp=device_stamp(User(pk=user_id)))


# --- Setting up, using and resetting ---------------------------------------------------------------


def start_authenticator_setup(user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator secret (earlier unconfirmed ones are discarded)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def pending_authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def confirm_authenticator(user: User, *, device: TOTPDevice, code: str) -> list[str]:
    """Turn two factors on once the app shows a right code; returns the new recovery codes.

    The new authenticator replaces any earlier one, and every API token issued before is ended
    (their device stamp no longer matches).
    """
    if device.user_id != user.pk or device.confirmed:
        raise Conflict("This setup is no longer open: start again.", code="otp_setup_closed")
    if not device.verify_token(_clean(code)):
        raise Conflict(
            "That code is not right. Check the time on your phone and try the newest code.",
            code="otp_invalid",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
        ApiToken.objects.filter(user=user).delete()
    logger.info("user %s turned on two-factor sign-in", user.pk)
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes; the old ones stop working. Only for a user with an authenticator."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict("Set up an authenticator app first.", code="two_factor_off")
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
    logger.info("user %s replaced their recovery codes", user.pk)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def verify_second_factor(user: User, code: str) -> Device | None:
    """The device that accepts ``code`` (an app code or an unused recovery code), else ``None``.

    A recovery code is used up by a success. django-otp throttles each device: after a wrong
    code the next try waits 1, 2, 4... seconds, so guessing six digits is hopeless.
    """
    code = _clean(code)
    if not code or len(code) > MAX_CODE_LENGTH:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def reset_two_factor(user: User, *, by: User | None) -> None:
    """Remove every second factor (a lost phone): the user sets up a new one at next login.

    Done by an organisation admin or an operator after checking who is asking. Ends the user's
    sessions and API tokens: whoever holds the lost phone and the password is shut out too.
    """
    from accounts.services import end_sessions  # services import this module

    if by is not None and by.pk == user.pk:
        raise Conflict(
            "Ask another admin to reset your own two-factor sign-in.", code="cannot_reset_self"
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user).delete()
        end_sessions(user)
    logger.info("two-factor sign-in of user %s reset by %s", user.pk, by.pk if by else "system")


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()
