"""The client's address, as far as it can be trusted."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address that connected to us, or the one our trusted proxies say connected to them.

    With ``TRUSTED_PROXY_COUNT=n``, the n-th entry from the right of ``X-Forwarded-For`` is the
    client: entries further left were written by the client and can be forged.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= hops:
            address = _valid(forwarded[-hops])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", ""))
