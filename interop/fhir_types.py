"""Small builders for the FHIR datatypes every resource uses, on the library's R4B models."""

from __future__ import annotations

import datetime
from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.reference import Reference

Code = tuple[str, str, str]  # (system, code, display)


def coding(code: Code) -> Coding:
    system, value, display = code
    return Coding(system=system, code=value, display=display)


def concept(*codes: Code, text: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=[coding(c) for c in codes] or None, text=text or None)


def ref(resource_type: str, resource_id: str, display: str | None = None) -> Reference:
    return Reference(reference=f"{resource_type}/{resource_id}", display=display or None)


def ext(url: str, **value: Any) -> Extension:
    """One extension: ``ext(URL, valueString="…")``, or a complex one with ``extension=[…]``."""
    return Extension(url=url, **value)


def day(value: datetime.date | None) -> Any:
    """A date where FHIR takes a dateTime (a partial dateTime is valid FHIR, and the library
    accepts it, though its type hints ask for a datetime)."""
    return value


def sub_extensions(fields: dict[str, tuple[str, Any]]) -> list[Extension]:
    """Sub-extensions of a complex extension, leaving out empty values.

    ``fields`` maps the sub-extension's url to (value[x] name, value).
    """
    return [
        Extension(url=url, **{kind: value})
        for url, (kind, value) in fields.items()
        if value not in (None, "")
    ]
