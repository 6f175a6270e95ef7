"""Deployment checks for how Baton learns the client's address (``check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

PROXY_HEADERS = ("SECURE_PROXY_SSL_HEADER",)


@checks.register(checks.Tags.security, deploy=True)
def proxy_header_without_proxy_count(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A header from a balancer is trusted, yet X-Forwarded-For is not: behind that balancer
    every client shares its address, so one person could lock a colleague out and the access
    log would record the balancer instead of the reader."""
    trusts_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None or getattr(
        settings, "USE_X_FORWARDED_HOST", False
    )
    if trusts_proxy and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            checks.Warning(
                "A proxy header is trusted (SECURE_PROXY_SSL_HEADER or USE_X_FORWARDED_HOST) but "
                "TRUSTED_PROXY_COUNT is 0: behind a load balancer every client would share its "
                "address, so lockouts and rate limits would hit everyone at once and the access "
                "log would record the balancer.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the site.",
                id="baton.W001",
            )
        ]
    return []
