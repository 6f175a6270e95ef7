"""Dates where an organisation is: packet dates, session-log dates and expiries are local dates."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone


def today_in(time_zone: str) -> datetime.date:
    """Today's date in ``time_zone`` (an IANA name such as ``America/New_York``)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(time_zone))
