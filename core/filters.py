"""Query-parameter filters shared by the API's lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


def json_list_has(queryset: QuerySet[Any], field: str, code: str) -> QuerySet[Any]:
    """Rows whose JSON list ``field`` holds ``code``.

    JSONField's list containment is not supported on SQLite; a quoted code matched as text is
    exact on both SQLite and PostgreSQL, since codes never contain quotes.
    """
    return queryset.filter(**{f"{field}__icontains": f'"{code}"'})


@extend_schema_field(OpenApiTypes.INT)
class IntegerIdField(forms.IntegerField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)  # ids are integer columns
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    """An integer id: ``?gym=1.5`` or a 30-digit number is a 400, not a filter or a 500."""

    field_class = IntegerIdField
