"""The classes DRF's settings name (``DEFAULT_PARSER_CLASSES``, ``DEFAULT_PAGINATION_CLASS``).

DRF imports this module while it builds ``APIView``'s class attributes, so nothing here may
import ``rest_framework.views`` (directly or through another module of ours): that import would
ask DRF's settings for this very module while it is half loaded, and a worker or web process
whose first import takes that route would crash at start (issue 11). ``core.tests`` imports it
first thing in a fresh interpreter to keep it that way.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python answered 400, not 500.

    ``json.loads`` raises ``RecursionError`` on a few kilobytes of ``[[[[…``; DRF only turns
    ``ValueError`` into a parse error.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                "JSON parse error - the body is nested too deeply."
            ) from None


class Pagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` must be whole numbers (1..100 for the size), else 400
    naming the parameter; DRF would quietly use the default size for ``?page_size=abc``."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Send a whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not (raw.isascii() and raw.isdigit()):
            raise exceptions.ValidationError({"page": ["Send a page number (1, 2, ...)."]})
        return super().paginate_queryset(queryset, request, view)
