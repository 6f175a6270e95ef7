"""Strict JSON types for every API serializer: no silent coercion of what a client sent.

DRF is lenient by default: ``"pain": "5"`` becomes 5, ``"patient": 2.9`` looks up patient 2,
``"name": 42`` becomes ``"42"`` and ``"urgent": "yes"`` becomes ``True``. A client that sends
the wrong type has a bug, and guessing what it meant can put data on the wrong patient, so in a
JSON body each field takes only its own JSON type and anything else is a 400 naming the field.

Installed once at startup (``install``) rather than by changing every serializer, so that no
field can be forgotten. Form-encoded data and query strings (a ``QueryDict``, where everything
is text) keep DRF's usual parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import QueryDict
from rest_framework import fields, relations

_installed = False


def _from_json(field: fields.Field) -> bool:
    root = getattr(field, "root", None)
    data = getattr(root, "initial_data", None)
    return not isinstance(data, QueryDict)


def _strict(
    field_class: type[fields.Field], accepts: Callable[[Any], bool], code: str, message: str
) -> None:
    original = field_class.to_internal_value

    def to_internal_value(self: fields.Field, data: Any) -> Any:
        if _from_json(self) and not accepts(data):
            self.error_messages.setdefault(code, message)
            self.fail(code)
        return original(self, data)

    to_internal_value.__wrapped__ = original  # type: ignore[attr-defined]
    field_class.to_internal_value = to_internal_value  # type: ignore[method-assign]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def install() -> None:
    """Make DRF's scalar fields strict about JSON types (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    _strict(fields.IntegerField, _is_int, "not_an_integer", "Send a whole number.")
    _strict(fields.FloatField, _is_number, "not_a_number", "Send a number, not text.")
    _strict(fields.DecimalField, _is_number, "not_a_number", "Send a number, not text.")
    _strict(fields.CharField, lambda v: isinstance(v, str), "not_a_string", "Send text.")
    _strict(
        fields.BooleanField, lambda v: isinstance(v, bool), "not_a_boolean", "Send true or false."
    )
    _strict(
        relations.PrimaryKeyRelatedField,
        _is_int,
        "not_an_id",
        "Send the id as a whole number.",
    )
