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
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
