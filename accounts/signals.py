"""Keep ``User.two_factor_stamp`` equal to the stamp of the user's confirmed second factors.

Every way a device changes (the services in ``accounts.otp``, django-otp's own saves when a code
is used, the Django admin, a user deleted with their devices) goes through ``save`` or
``delete``, so the stamp is refreshed in the same transaction as the change. An API token
issued under other devices then no longer matches and is refused (``accounts.authentication``).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.otp import refresh_device_stamp


@receiver(post_save, sender=TOTPDevice, dispatch_uid="baton-stamp-totp-save")
@receiver(post_delete, sender=TOTPDevice, dispatch_uid="baton-stamp-totp-delete")
@receiver(post_save, sender=StaticDevice, dispatch_uid="baton-stamp-static-save")
@receiver(post_delete, sender=StaticDevice, dispatch_uid="baton-stamp-static-delete")
def device_changed(sender: type, instance: TOTPDevice | StaticDevice, **kwargs: Any) -> None:
    refresh_device_stamp(instance.user_id)
