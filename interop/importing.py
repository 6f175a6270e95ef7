"""Reading a referral Bundle from an EHR into what a draft handoff needs (no database writes).

1. The bundle and every entry's resource are validated with the library's R4B models; the first
   problem stops the import with its path (``entry[2].resource.subject.reference``).
2. Every reference must resolve inside the bundle (a collection carries what it refers to):
   one that does not stops the import with the path of the Reference (``entry[2].resource.subject``).
3. The referral ``ServiceRequest`` gives the clearance (Baton's clearance extension, or its dates
   and reason), its ``subject`` the patient, its ``CarePlan`` the program, the restrictions,
   the red flags, the pain ceiling and the therapist's overrides.
4. Content of the referral that Baton cannot map becomes ``unmapped`` (kept as text in the
   draft); resources that report on an earlier handoff (Task, DiagnosticReport, results,
   people and organisations, consent) are listed in ``not_imported`` with the reason.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from pydantic import ValidationError as PydanticValidationError

from clinics.models import Patient
from exercises.vocabularies import BodyRegion, Pattern
from handoff.models import PacketVersion, ProgramItem, Restriction
from handoff.vocabularies import ClearanceLevel, RestrictionKind, Symptom
from interop import codes


class BundleError(Exception):
    """A bundle that cannot be imported: ``path`` names the element, ``message`` says why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message

    def as_validation_error(self) -> ValidationError:
        return ValidationError({self.path or "bundle": [self.message]})


@dataclass
class PatientData:
    path: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date | None = None
    email: str = ""
    phone: str = ""
    emergency_contact: str = ""
    identifiers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Referral:
    """What the bundle said, ready for ``packet_spec_from_data`` and the patient match."""

    patient: PatientData
    clearance: dict[str, Any] | None
    program: list[dict[str, Any]]
    restrictions: list[dict[str, Any]]
    red_flags: list[str]
    pain_ceiling: int | None
    performer_emails: list[str]
    # {"item": <program position>, "restriction": <restriction position>, "reason": "..."}
    overrides: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, str]] = field(default_factory=list)
    not_imported: list[dict[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def keep(self, path: str, text: str) -> None:
        self.unmapped.append({"path": path, "text": text})


# --- 1. Validation with the library --------------------------------------------------------------


def _loc_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            name = {"for_fhir": "for", "class_fhir": "class"}.get(part, part)
            path += f".{name}" if path else name
    return path


def _join(prefix: str, rest: str) -> str:
    if not rest or not prefix:
        return prefix or rest
    return f"{prefix}{rest}" if rest.startswith("[") else f"{prefix}.{rest}"


def _validate(model: Any, data: dict[str, Any], prefix: str) -> None:
    try:
        model.model_validate(data)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        raise BundleError(_join(prefix, _loc_path(first["loc"])), first["msg"]) from None
    except (KeyError, TypeError, ValueError) as exc:  # the library's nested-resource lookups
        raise BundleError(prefix, f"Not a valid FHIR R4 resource ({exc}).") from None


def validated_entries(data: Any) -> list[dict[str, Any]]:
    """The entries' resources, each validated with its R4B model; raises ``BundleError``."""
    if not isinstance(data, dict):
        raise BundleError("resourceType", "The body must be a FHIR Bundle (a JSON object).")
    if data.get("resourceType") != "Bundle":
        raise BundleError("resourceType", "The body must be a FHIR Bundle.")
    _validate(Bundle, {k: v for k, v in data.items() if k != "entry"}, "")
    entries = data.get("entry", [])
    if not isinstance(entries, list) or not entries:
        raise BundleError("entry", "The bundle has no entries.")
    resources = []
    for index, item in enumerate(entries):
        path = f"entry[{index}]"
        if not isinstance(item, dict):
            raise BundleError(path, "An entry must be a JSON object.")
        _validate(BundleEntry, {k: v for k, v in item.items() if k != "resource"}, path)
        resource = item.get("resource")
        if not isinstance(resource, dict):
            raise BundleError(f"{path}.resource", "The entry has no resource.")
        kind = resource.get("resourceType")
        try:
            model = get_fhir_model_class(kind) if isinstance(kind, str) else None
        except ValueError:
            model = None
        if model is None or kind in ("Bundle", "Parameters", "Binary"):
            raise BundleError(f"{path}.resource.resourceType", f"Unknown resource type: {kind!r}.")
        _validate(model, resource, f"{path}.resource")
        resources.append(resource)
    return resources


# --- 2. References ---------------------------------------------------------------------------------


@dataclass
class Index:
    """The bundle's resources by every name a reference may use."""

    entries: list[tuple[str, dict[str, Any]]]  # (path, resource)
    by_name: dict[str, int]

    @classmethod
    def of(cls, data: dict[str, Any], resources: list[dict[str, Any]]) -> Index:
        by_name: dict[str, int] = {}
        entries = []
        for index, (item, resource) in enumerate(zip(data["entry"], resources, strict=True)):
            entries.append((f"entry[{index}].resource", resource))
            if resource.get("id"):
                by_name[f"{resource['resourceType']}/{resource['id']}"] = index
            full_url = item.get("fullUrl")
            if full_url:
                by_name[full_url] = index
        return cls(entries=entries, by_name=by_name)

    def resolve(self, reference: str) -> int | None:
        if reference in self.by_name:
            return self.by_name[reference]
        # An absolute RESTful reference matches an entry by its last two segments.
        match = re.search(r"([A-Za-z]+/[A-Za-z0-9\-.]{1,64})(/_history/[^/]+)?$", reference)
        if match and reference.startswith(("http://", "https://")):
            return self.by_name.get(match.group(1))
        return None

    def get(self, reference: dict[str, Any] | None) -> tuple[str, dict[str, Any]] | None:
        if not reference or not isinstance(reference.get("reference"), str):
            return None
        found = self.resolve(reference["reference"])
        return self.entries[found] if found is not None else None


def _references(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield path, node["reference"]
        for key, value in node.items():
            if key != "contained":
                yield from _references(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _references(value, f"{path}[{i}]")


def check_references(index: Index) -> None:
    for path, resource in index.entries:
        contained = {f"#{c.get('id')}" for c in resource.get("contained", []) or []}
        for where, reference in _references(resource, path):
            if reference in contained or index.resolve(reference) is not None:
                continue
            raise BundleError(where, f"The reference {reference!r} does not resolve in the bundle.")


# --- 3. Reading the referral --------------------------------------------------------------------------

# The API's limit on an override's reason (``OverrideInputSerializer``).
OVERRIDE_REASON_LIMIT = 500


@dataclass(frozen=True)
class _Made:
    """What one CarePlan activity became: a program item or restriction at ``position``
    (1-based), or text in the notes (``position`` None)."""

    kind: str  # "program-item", "restriction" or "text"
    position: int | None
    label: str


# Resources that describe what happened on an earlier handoff, or who took part in it: the new
# draft has its own therapist, trainer, Task and consent, and starts its own record.
NOT_IMPORTED_REASONS = {
    "Task": "The new draft starts its own Task; the earlier one's state is not carried over.",
    "DiagnosticReport": "A report on an earlier handoff; it stays with the record it came from.",
    "Observation": "A result reported on an earlier handoff, not part of the referral.",
    "Consent": "A consent names the gym it allows: the patient consents anew for this draft.",
    "Practitioner": "The importing therapist becomes the draft's therapist; the trainer is "
    "chosen from Baton's partnered trainers.",
    "PractitionerRole": "The draft's therapist and trainer are people in Baton.",
    "Organization": "The draft belongs to the importing clinic.",
}


def read_bundle(data: Any) -> Referral:
    """The referral in ``data``, or ``BundleError`` naming the first problem's path."""
    resources = validated_entries(data)
    index = Index.of(data, resources)
    check_references(index)
    sr_path, request = _referral(index)
    patient_found = index.get(request.get("subject"))
    if patient_found is None or patient_found[1]["resourceType"] != "Patient":
        raise BundleError(f"{sr_path}.subject", "The referral's subject must be a Patient.")
    reader = _Reader(index=index, sr_path=sr_path, request=request)
    return reader.read(patient_found)


def _referral(index: Index) -> tuple[str, dict[str, Any]]:
    requests = [(p, r) for p, r in index.entries if r["resourceType"] == "ServiceRequest"]
    if not requests:
        raise BundleError("entry", "The bundle holds no referral (a ServiceRequest).")
    for path, request in requests:
        if any(
            c.get("system") == codes.SNOMED and c.get("code") == codes.REFERRAL_CODE[1]
            for c in (request.get("code") or {}).get("coding", [])
        ):
            return path, request
    return requests[0]


def _date(value: Any, path: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BundleError(path, "Give a full date (YYYY-MM-DD).") from None


def _text(value: Any, path: str, model: Any, name: str) -> str:
    text = str(value or "").strip()
    limit = model._meta.get_field(name).max_length
    if limit is not None and len(text) > limit:
        raise BundleError(path, f"At most {limit} characters.")
    return text


def _concept_text(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    if value.get("text"):
        return str(value["text"])
    for c in value.get("coding", []):
        if c.get("display") or c.get("code"):
            return str(c.get("display") or c.get("code"))
    return ""


def _code_in(value: dict[str, Any] | None, system: str) -> str | None:
    for c in (value or {}).get("coding", []):
        if c.get("system") == system and c.get("code"):
            return str(c["code"])
    return None


def _subs(extension: dict[str, Any], path: str) -> dict[str, tuple[str, Any]]:
    """A complex extension's parts: url -> (path, value[x])."""
    found = {}
    for i, sub in enumerate(extension.get("extension", [])):
        value = next((v for k, v in sub.items() if k.startswith("value")), None)
        found[sub.get("url")] = (f"{path}.extension[{i}]", value)
    return found


def _summary(resource: dict[str, Any]) -> str:
    for key in ("code", "description", "title", "text"):
        value = resource.get(key)
        if isinstance(value, dict) and key != "text":
            text = _concept_text(value)
            if text:
                return text
        elif isinstance(value, str) and value:
            return value
    return json.dumps(resource)[:300]


@dataclass
class _Reader:
    index: Index
    sr_path: str
    request: dict[str, Any]

    def read(self, patient_found: tuple[str, dict[str, Any]]) -> Referral:
        referral = Referral(
            patient=self.patient(*patient_found),
            clearance=None,
            program=[],
            restrictions=[],
            red_flags=[],
            pain_ceiling=None,
            performer_emails=self.performer_emails(),
        )
        referral.clearance = self.clearance(referral)
        used = {self.sr_path, patient_found[0]}
        used |= self.care_plan(referral)
        self.the_rest(referral, used)
        return referral

    # -- the patient

    def patient(self, path: str, resource: dict[str, Any]) -> PatientData:
        names = resource.get("name") or []
        name = next((n for n in names if n.get("use") in ("official", "usual")), None)
        name = name or (names[0] if names else {})
        index = names.index(name) if name in names else 0
        given, family = (name.get("given") or [""])[0], name.get("family") or ""
        if not given or not family:
            raise BundleError(f"{path}.name", "The patient needs a given and a family name.")
        data = PatientData(
            path=path,
            first_name=_text(given, f"{path}.name[{index}].given", Patient, "first_name"),
            last_name=_text(family, f"{path}.name[{index}].family", Patient, "last_name"),
        )
        if resource.get("birthDate"):
            data.date_of_birth = _date(resource["birthDate"], f"{path}.birthDate")
        for i, point in enumerate(resource.get("telecom") or []):
            where = f"{path}.telecom[{i}].value"
            if point.get("system") == "email" and point.get("value") and not data.email:
                data.email = _text(point["value"], where, Patient, "email")
                try:
                    validate_email(data.email)
                except ValidationError:
                    raise BundleError(where, "Not a valid email address.") from None
            if point.get("system") in ("phone", "sms") and point.get("value") and not data.phone:
                data.phone = _text(point["value"], where, Patient, "phone")
        contacts = resource.get("contact") or []
        if contacts:
            contact = contacts[0]
            parts = [(contact.get("name") or {}).get("text", "")]
            parts += [p.get("value", "") for p in contact.get("telecom") or []]
            data.emergency_contact = _text(
                ", ".join(p for p in parts if p), f"{path}.contact[0]", Patient, "emergency_contact"
            )
        data.identifiers = [
            (str(i["system"]), str(i["value"]))
            for i in resource.get("identifier") or []
            if i.get("system") and i.get("value")
        ]
        return data

    def performer_emails(self) -> list[str]:
        """Email addresses of the requested performer, to find the trainer when none is named."""
        emails = []
        for performer in self.request.get("performer") or []:
            found = self.index.get(performer)
            while found is not None and found[1]["resourceType"] == "PractitionerRole":
                found = self.index.get(found[1].get("practitioner"))
            if found is not None and found[1]["resourceType"] == "Practitioner":
                emails += [
                    t["value"]
                    for t in found[1].get("telecom") or []
                    if t.get("system") == "email" and t.get("value")
                ]
        return emails

    # -- the clearance

    def clearance(self, referral: Referral) -> dict[str, Any]:
        sr, path = self.request, self.sr_path
        parts = next(
            (
                _subs(e, f"{path}.extension[{i}]")
                for i, e in enumerate(sr.get("extension") or [])
                if e.get("url") == codes.EXT_CLEARANCE
            ),
            {},
        )
        cleared_on = self._cleared_on(parts)
        level = None
        if "level" in parts:
            where, coding = parts["level"]
            level = (coding or {}).get("code")
            if coding.get("system") != codes.CLEARANCE_LEVEL or level not in ClearanceLevel.values:
                raise BundleError(f"{where}.valueCoding", "Unknown clearance level.")
        if level is None:
            level = ClearanceLevel.WITH_RESTRICTIONS
            referral.notices.append(
                "The referral gives no clearance level: the draft says 'with_restrictions'. "
                "Check it before sending."
            )
        clearance: dict[str, Any] = {
            "cleared_on": cleared_on,
            "level": level,
            "condition": _text(
                self._condition(), f"{path}.reasonReference", PacketVersion, "condition"
            ),
        }
        texts = {
            "discharge-reason": "discharge_reason",
            "goals-met": "goals_met",
            "goals-open": "goals_open",
            "can-do-now": "can_do_now",
            "goals": "goals",
            "notes-for-trainer": "notes_for_trainer",
        }
        for url, name in texts.items():
            if url in parts:
                where, value = parts[url]
                clearance[name] = _text(value, f"{where}.valueString", PacketVersion, name)
        if "surgery-date" in parts:
            where, value = parts["surgery-date"]
            clearance["surgery_date"] = _date(value, f"{where}.valueDate")
        if "visits-completed" in parts:
            where, value = parts["visits-completed"]
            if not isinstance(value, int) or not 0 <= value <= 1000:
                raise BundleError(f"{where}.valueUnsignedInt", "Give 0 to 1000 visits.")
            clearance["visits_completed"] = value
        for note_index, note in enumerate(sr.get("note") or []):
            referral.keep(f"{path}.note[{note_index}]", str(note.get("text", "")))
        if sr.get("patientInstruction"):
            referral.keep(f"{path}.patientInstruction", str(sr["patientInstruction"]))
        for i, detail in enumerate(sr.get("orderDetail") or []):
            referral.keep(f"{path}.orderDetail[{i}]", _concept_text(detail))
        return clearance

    def _cleared_on(self, parts: dict[str, tuple[str, Any]]) -> datetime.date:
        if "cleared-on" in parts:
            where, value = parts["cleared-on"]
            return _date(value, f"{where}.valueDate")
        sr, path = self.request, self.sr_path
        if (sr.get("occurrencePeriod") or {}).get("start"):
            return _date(sr["occurrencePeriod"]["start"], f"{path}.occurrencePeriod.start")
        if sr.get("occurrenceDateTime"):
            return _date(sr["occurrenceDateTime"], f"{path}.occurrenceDateTime")
        if sr.get("authoredOn"):
            return _date(sr["authoredOn"], f"{path}.authoredOn")
        raise BundleError(
            f"{path}.authoredOn",
            "The referral needs authoredOn (the PA referral profile requires it) or an "
            "occurrence date: it gives the clearance date.",
        )

    def _condition(self) -> str:
        for reason in self.request.get("reasonReference") or []:
            found = self.index.get(reason)
            if found is not None and found[1]["resourceType"] == "Condition":
                text = _concept_text(found[1].get("code"))
                if text:
                    return text
        for reason in self.request.get("reasonCode") or []:
            text = _concept_text(reason)
            if text:
                return text
        return ""

    # -- the care plan: program, restrictions, red flags, pain ceiling

    def _care_plan(self) -> tuple[str, dict[str, Any]] | None:
        for info in self.request.get("supportingInfo") or []:
            found = self.index.get(info)
            if found is not None and found[1]["resourceType"] == "CarePlan":
                return found
        plans = [(p, r) for p, r in self.index.entries if r["resourceType"] == "CarePlan"]
        return plans[0] if plans else None

    def care_plan(self, referral: Referral) -> set[str]:
        """Read the care plan into ``referral``; the paths of the entries it used."""
        found = self._care_plan()
        used = {p for p, r in self._reasons()}
        if found is None:
            return used
        path, plan = found
        overrides = []
        for i, extension in enumerate(plan.get("extension") or []):
            where = f"{path}.extension[{i}]"
            if extension.get("url") == codes.EXT_OVERRIDE:
                overrides.append((where, extension))
            elif extension.get("url") == codes.EXT_RED_FLAG:
                code = (extension.get("valueCoding") or {}).get("code")
                if code in Symptom.values:
                    referral.red_flags.append(code)
                else:
                    referral.keep(
                        where,
                        "Red flag: "
                        + _concept_text({"coding": [extension.get("valueCoding") or {}]}),
                    )
            elif extension.get("url") == codes.EXT_PAIN_CEILING:
                value = extension.get("valueInteger")
                if not isinstance(value, int) or not 0 <= value <= 10:
                    raise BundleError(f"{where}.valueInteger", "The pain ceiling is 0 to 10.")
                referral.pain_ceiling = value
        if plan.get("description"):
            referral.keep(f"{path}.description", str(plan["description"]))
        for i, note in enumerate(plan.get("note") or []):
            referral.keep(f"{path}.note[{i}]", str(note.get("text", "")))
        made: dict[str, _Made | None] = {}  # by element id; None: two activities share it
        for i, activity in enumerate(plan.get("activity") or []):
            what = self.activity(referral, activity, f"{path}.activity[{i}]")
            element_id = activity.get("id")
            if isinstance(element_id, str) and element_id:
                made[element_id] = None if element_id in made else what
        seen: set[tuple[int, int]] = set()
        for where, extension in overrides:
            self.override(referral, _subs(extension, where), where, made, seen)
        return used | {path}

    def _reasons(self) -> list[tuple[str, dict[str, Any]]]:
        found = [self.index.get(r) for r in self.request.get("reasonReference") or []]
        return [f for f in found if f is not None]

    def activity(self, referral: Referral, activity: dict[str, Any], path: str) -> _Made:
        detail = activity.get("detail") or {}
        extensions = {e.get("url"): (i, e) for i, e in enumerate(detail.get("extension") or [])}
        if codes.EXT_PROGRAM_ITEM in extensions:
            i, extension = extensions[codes.EXT_PROGRAM_ITEM]
            item = self.program_item(
                detail, _subs(extension, f"{path}.detail.extension[{i}]"), path
            )
            referral.program.append(item)
            return _Made("program-item", len(referral.program), item["name"])
        if codes.EXT_RESTRICTION in extensions and _code_in(
            detail.get("code"), codes.RESTRICTION_KIND
        ):
            i, extension = extensions[codes.EXT_RESTRICTION]
            restriction = self.restriction(
                detail, _subs(extension, f"{path}.detail.extension[{i}]"), path
            )
            if restriction is None:
                text = str(detail.get("description") or "")
                referral.keep(path, "Restriction: " + text)
                return _Made("text", None, text)
            referral.restrictions.append(restriction)
            return _Made("restriction", len(referral.restrictions), restriction["text"])
        text = str(detail.get("description") or _concept_text(detail.get("code")))
        if activity.get("reference"):
            text = text or str(activity["reference"].get("display", ""))
        referral.keep(path, text or json.dumps(activity)[:300])
        return _Made("text", None, text)

    def override(
        self,
        referral: Referral,
        parts: dict[str, tuple[str, Any]],
        path: str,
        made: dict[str, _Made | None],
        seen: set[tuple[int, int]],
    ) -> None:
        """The therapist allows a program item despite a restriction, both named by the element
        id of their activity in this CarePlan. One naming an activity kept as text is kept as
        text too; any other problem stops the import."""
        item = self._override_target(parts, "program-item", path, made)
        restriction = self._override_target(parts, "restriction", path, made)
        if "reason" not in parts:
            raise BundleError(f"{path}.extension", "An override needs its reason.")
        where, value = parts["reason"]
        reason = value.strip() if isinstance(value, str) else ""
        if not reason:
            raise BundleError(f"{where}.valueString", "Give the reason for allowing it.")
        if len(reason) > OVERRIDE_REASON_LIMIT:
            raise BundleError(
                f"{where}.valueString", f"At most {OVERRIDE_REASON_LIMIT} characters."
            )
        if item.position is None or restriction.position is None:
            referral.keep(
                path,
                f"Override: {item.label} is allowed despite “{restriction.label}”: {reason}",
            )
            return
        pair = (item.position, restriction.position)
        if pair in seen:
            raise BundleError(path, "This program item and restriction are overridden twice.")
        seen.add(pair)
        referral.overrides.append(
            {"item": item.position, "restriction": restriction.position, "reason": reason}
        )

    def _override_target(
        self, parts: dict[str, tuple[str, Any]], url: str, path: str, made: dict[str, _Made | None]
    ) -> _Made:
        """The activity an override's ``url`` part names: a ``url`` or one kept as text."""
        noun = url.replace("-", " ")
        if url not in parts:
            raise BundleError(f"{path}.extension", f"An override names its {noun} ({url}).")
        where, element_id = parts[url]
        where = f"{where}.valueId"
        if not isinstance(element_id, str) or element_id not in made:
            raise BundleError(where, f"No activity of the CarePlan has the id {element_id!r}.")
        found = made[element_id]
        if found is None:
            raise BundleError(
                where, f"More than one activity of the CarePlan has the id {element_id!r}."
            )
        if found.kind not in (url, "text"):
            raise BundleError(where, f"The activity {element_id!r} is not a {noun}.")
        return found if found.label else replace(found, label=element_id)

    def _int(self, parts: dict[str, tuple[str, Any]], url: str, low: int, high: int) -> int | None:
        if url not in parts:
            return None
        where, value = parts[url]
        if not isinstance(value, int) or not low <= value <= high:
            raise BundleError(f"{where}.valuePositiveInt", f"Give a number from {low} to {high}.")
        return value

    def program_item(
        self, detail: dict[str, Any], parts: dict[str, tuple[str, Any]], path: str
    ) -> dict[str, Any]:
        name_path = f"{path}.detail.code.text"
        item: dict[str, Any] = {
            "name": _text(_concept_text(detail.get("code")), name_path, ProgramItem, "name"),
            "exercise_slug": _code_in(detail.get("code"), codes.EXERCISE),
            "sets": self._int(parts, "sets", 1, 20),
            "reps": self._int(parts, "reps", 1, 100),
            "hold_seconds": self._int(parts, "hold-seconds", 1, 600),
        }
        if item["sets"] is None:
            raise BundleError(f"{path}.detail.extension", "A program item needs its sets.")
        if item["reps"] is None and item["hold_seconds"] is None:
            raise BundleError(f"{path}.detail.extension", "Give reps or hold seconds.")
        repeat = (detail.get("scheduledTiming") or {}).get("repeat") or {}
        per_week = repeat.get("frequency")
        if (
            repeat.get("periodUnit") != "wk"
            or Decimal(str(repeat.get("period", 1))) != 1
            or not isinstance(per_week, int)
            or not 1 <= per_week <= 14
        ):
            raise BundleError(
                f"{path}.detail.scheduledTiming",
                "Give the frequency as 1 to 14 times per week (period 1, periodUnit wk).",
            )
        item["per_week"] = per_week
        for url, name in (("load", "load"), ("cues", "cues"), ("progression", "progression")):
            if url in parts:
                where, value = parts[url]
                item[name] = _text(value, f"{where}.valueString", ProgramItem, name)
        return item

    def restriction(
        self, detail: dict[str, Any], parts: dict[str, tuple[str, Any]], path: str
    ) -> dict[str, Any] | None:
        """A restriction, or None when one of its codes is not Baton's (kept as text)."""
        kind = _code_in(detail.get("code"), codes.RESTRICTION_KIND)
        text = (detail.get("code") or {}).get("text") or detail.get("description") or ""
        restriction: dict[str, Any] = {
            "kind": kind,
            "text": _text(text, f"{path}.detail.code.text", Restriction, "text"),
        }
        if kind not in RestrictionKind.values or not restriction["text"]:
            return None
        for url, name, system, values in (
            ("body-region", "body_region", codes.BODY_REGION, BodyRegion.values),
            ("pattern", "pattern", codes.MOVEMENT_PATTERN, Pattern.values),
        ):
            if url in parts:
                value = parts[url][1] or {}
                if value.get("system") != system or value.get("code") not in values:
                    return None
                restriction[name] = value["code"]
        if "limit" in parts:
            where, quantity = parts["limit"]
            unit = codes.UNIT_FROM_UCUM.get((quantity or {}).get("code", ""))
            if (quantity or {}).get("system") != codes.UCUM or unit is None:
                return None
            try:
                value = Decimal(str(quantity["value"]))
            except (KeyError, InvalidOperation):
                raise BundleError(f"{where}.valueQuantity.value", "Give the limit.") from None
            if not Decimal(0) <= value < Decimal(100000):
                raise BundleError(f"{where}.valueQuantity.value", "Give a limit from 0.")
            restriction["limit_value"], restriction["limit_unit"] = value, unit
        if "review-on" in parts:
            where, value = parts["review-on"]
            restriction["review_on"] = _date(value, f"{where}.valueDate")
        return restriction

    # -- everything else

    def the_rest(self, referral: Referral, used: set[str]) -> None:
        supporting = {
            found[0]
            for found in (self.index.get(i) for i in self.request.get("supportingInfo") or [])
            if found is not None
        }
        for path, resource in self.index.entries:
            if path in used:
                continue
            kind = resource["resourceType"]
            if kind in NOT_IMPORTED_REASONS and path not in supporting:
                referral.not_imported.append(
                    {"path": path, "resource_type": kind, "reason": NOT_IMPORTED_REASONS[kind]}
                )
            else:
                referral.keep(path, f"{kind}: {_summary(resource)}")
