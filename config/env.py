"""Typed readers for environment variables.

Every setting comes from the environment through these helpers. A value that is present but
malformed always raises ``ImproperlyConfigured`` naming the variable: a typo in production must
stop the process at start, not surface as odd behaviour later. ``required=True`` also refuses a
missing value (production uses it for secrets and hosts).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    return None if value is None else value.strip()


def _missing(name: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"The environment variable {name} is required here but not set.")


def env_str(
    name: str,
    default: str | None = None,
    *,
    required: bool = False,
    environ: Mapping[str, str] | None = None,
) -> str:
    value = _raw(name, environ)
    if value:
        return value
    if required or default is None:
        raise _missing(name)
    return default


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        result = default
    else:
        try:
            result = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and result < minimum:
        raise ImproperlyConfigured(f"{name}={result} is below the minimum of {minimum}.")
    if maximum is not None and result > maximum:
        raise ImproperlyConfigured(f"{name}={result} is above the maximum of {maximum}.")
    return result


def env_seconds(
    name: str, default: int, *, minimum: int = 1, environ: Mapping[str, str] | None = None
) -> timedelta:
    return timedelta(seconds=env_int(name, default, minimum=minimum, environ=environ))


def env_list(
    name: str,
    default: list[str] | None = None,
    *,
    required: bool = False,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    value = _raw(name, environ)
    items = [item.strip() for item in (value or "").split(",") if item.strip()]
    if items:
        return items
    if required:
        raise _missing(name)
    return list(default or [])


def env_choice(
    name: str,
    default: str,
    choices: tuple[str, ...],
    *,
    environ: Mapping[str, str] | None = None,
) -> str:
    value = _raw(name, environ) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def env_url(
    name: str,
    default: str,
    *,
    schemes: tuple[str, ...],
    environ: Mapping[str, str] | None = None,
) -> str:
    value = _raw(name, environ) or default
    scheme, sep, _rest = value.partition("://")
    if not sep or scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a URL with one of the schemes: {', '.join(schemes)}."
        )
    return value
