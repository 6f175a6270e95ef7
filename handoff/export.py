"""The patient's own data, whole: what Baton holds about one patient, for the patient to keep.

``patient_export`` gathers the record, every handoff with every packet version, session logs,
check-ins, final reports, red-flag reports, the messages meant for the patient, consents, and
the accounting of who read the patient's health information and when (the access log). The
clinic's private notes and the staff's messages to each other are not part of it (see
docs/decisions/0170-patient-export.md). ``export_pdf`` lays the same data out for reading.

The export itself is read under the access log: producing it writes a row (``export``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from audit.models import AccessLog
from clinics.models import ClinicMembership, Patient
from gyms.models import GymMembership
from handoff.api.serializers_handoff import PacketSerializer, PatientForPatientSerializer
from handoff.models import (
    CheckIn,
    Consent,
    FinalReport,
    Handoff,
    HandoffEvent,
    Message,
    PacketVersion,
    RedFlagReport,
    SessionLog,
)
from handoff.selectors.packets import with_packet_parts

FORMAT_VERSION = 1


def patient_export(patient: Patient) -> dict[str, Any]:
    """Everything Baton holds about ``patient`` that belongs to them, as JSON-ready data."""
    handoffs = list(
        Handoff.objects.filter(patient=patient)
        .select_related("therapist", "trainer", "gym", "clinic")
        .order_by("created_at", "id")
    )
    ids = [h.pk for h in handoffs]
    return {
        "format": "baton-patient-export",
        "format_version": FORMAT_VERSION,
        "generated_at": _iso(timezone.now()),
        "clinic": {"name": patient.clinic.name, "email": patient.clinic.email},
        "patient": dict(PatientForPatientSerializer(patient).data),
        "handoffs": [_handoff(h) for h in handoffs],
        "packet_versions": _versions(ids),
        "session_logs": _rows(SessionLog.objects.filter(handoff_id__in=ids), _session_log),
        "check_ins": _rows(CheckIn.objects.filter(handoff_id__in=ids), _check_in),
        "final_reports": _rows(FinalReport.objects.filter(handoff_id__in=ids), _final_report),
        "red_flag_reports": _rows(
            RedFlagReport.objects.filter(handoff_id__in=ids), _red_flag_report
        ),
        "messages": _rows(Message.objects.filter(handoff_id__in=ids, to_patient=True), _message),
        "consents": _rows(Consent.objects.filter(patient=patient), _consent),
        "events": _rows(HandoffEvent.objects.filter(handoff_id__in=ids), _event),
        "access_log": _access_log(patient, ids),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user: User | None) -> str | None:
    return (user.name or user.email) if user is not None else None


def _rows(queryset: Any, shape: Any) -> list[dict[str, Any]]:
    ordering = "created_at" if hasattr(queryset.model, "created_at") else "pk"
    related = [f.name for f in queryset.model._meta.get_fields() if f.many_to_one]
    return [shape(row) for row in queryset.select_related(*related).order_by(ordering, "pk")]


def _handoff(handoff: Handoff) -> dict[str, Any]:
    return {
        "id": handoff.pk,
        "status": handoff.status,
        "therapist": _name(handoff.therapist),
        "trainer": _name(handoff.trainer),
        "gym": handoff.gym.name,
        "created_at": _iso(handoff.created_at),
        "sent_at": _iso(handoff.sent_at),
        "accepted_at": _iso(handoff.accepted_at),
        "closed_at": _iso(handoff.closed_at),
    }


def _versions(handoff_ids: list[int]) -> list[dict[str, Any]]:
    versions = with_packet_parts(
        PacketVersion.objects.filter(handoff_id__in=handoff_ids).order_by("handoff_id", "number")
    )
    packet = PacketSerializer()
    return [{"handoff": v.handoff_id, **packet.to_representation(v)} for v in versions]


def _session_log(log: SessionLog) -> dict[str, Any]:
    return {
        "handoff": log.handoff_id,
        "date": _iso(log.date),
        "completed": log.completed,
        "pain": log.pain,
        "difficulty": log.difficulty,
        "symptoms": list(log.symptoms),
        "note": log.note,
        "logged_by": _name(log.logged_by),
        "created_at": _iso(log.created_at),
    }


def _check_in(check_in: CheckIn) -> dict[str, Any]:
    return {
        "handoff": check_in.handoff_id,
        "date": _iso(check_in.date),
        "sessions_attended": check_in.sessions_attended,
        "progress": check_in.progress,
        "symptoms": list(check_in.symptoms),
        "note": check_in.note,
        "author": _name(check_in.author),
        "created_at": _iso(check_in.created_at),
    }


def _final_report(report: FinalReport) -> dict[str, Any]:
    return {
        "handoff": report.handoff_id,
        "sessions_attended": report.sessions_attended,
        "progress": report.progress,
        "symptoms": list(report.symptoms),
        "note": report.note,
        "author": _name(report.author),
        "created_at": _iso(report.created_at),
    }


def _red_flag_report(report: RedFlagReport) -> dict[str, Any]:
    return {
        "handoff": report.handoff_id,
        "symptoms": list(report.symptoms),
        "pain": report.pain,
        "above_pain_ceiling": report.above_pain_ceiling,
        "urgent_care": report.urgent_care,
        "reason": report.reason,
        "reported_by": _name(report.reported_by),
        "created_at": _iso(report.created_at),
    }


def _message(message: Message) -> dict[str, Any]:
    return {
        "handoff": message.handoff_id,
        "author": _name(message.author),
        "body": message.body,
        "created_at": _iso(message.created_at),
    }


def _consent(consent: Consent) -> dict[str, Any]:
    return {
        "gym": consent.gym.name,
        "trainer": _name(consent.trainer),
        "method": consent.method,
        "signed_on": _iso(consent.signed_on),
        "granted_at": _iso(consent.granted_at),
        "expires_on": _iso(consent.expires_on),
        "purpose": consent.purpose,
        "scope": consent.scope,
        "authorization_text": consent.authorization_text,
        "revoked_at": _iso(consent.revoked_at),
        "revocation_note": consent.revocation_note,
    }


def _event(event: HandoffEvent) -> dict[str, Any]:
    return {
        "handoff": event.handoff_id,
        "at": _iso(event.at),
        "actor": _name(event.actor),
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "note": event.note,
    }


def _access_log(patient: Patient, handoff_ids: list[int]) -> list[dict[str, Any]]:
    """Who read this patient's record or handoffs, and when: name, role and organisation."""
    rows = list(
        AccessLog.objects.filter(
            Q(object_type="patient", object_id=patient.pk)
            | Q(object_type="handoff", object_id__in=handoff_ids)
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    roles = _roles_of({row.actor_id for row in rows})
    return [
        {
            "at": _iso(row.at),
            "who": _name(row.actor),
            "role": roles.get(row.actor_id, ("", ""))[0],
            "organisation": roles.get(row.actor_id, ("", ""))[1],
            "action": row.action,
            "what": row.object_type,
        }
        for row in rows
    ]


def _roles_of(user_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    user_ids = list(user_ids)
    found: dict[int, tuple[str, str]] = {}
    for m in ClinicMembership.objects.filter(user_id__in=user_ids).select_related("clinic"):
        found[m.user_id] = (m.get_role_display(), m.clinic.name)
    for g in GymMembership.objects.filter(user_id__in=user_ids).select_related("gym"):
        found[g.user_id] = (g.get_role_display(), g.gym.name)
    for user in User.objects.filter(pk__in=user_ids, is_staff=True):
        found.setdefault(user.pk, ("Baton operator", "Baton"))
    for patient in Patient.objects.filter(user_id__in=user_ids):
        found.setdefault(patient.user_id, ("Patient (you)", ""))  # type: ignore[arg-type]
    return found


# --- PDF ------------------------------------------------------------------------------------

_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def export_pdf(data: dict[str, Any]) -> bytes:
    """A readable PDF of ``patient_export``'s data: headings and plain lines, no layout tricks."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    family = _font(pdf)
    pdf.add_page()
    write = _Writer(pdf, family)
    patient = data["patient"]
    write.title(f"Your data in Baton: {patient['name']}")
    write.line(f"Produced {data['generated_at']} by {data['clinic']['name']}.")
    write.heading("Your record")
    for key in (
        "first_name",
        "last_name",
        "email",
        "phone",
        "date_of_birth",
        "preferred_contact",
        "emergency_contact",
    ):
        write.pair(key.replace("_", " ").capitalize(), patient.get(key))
    write.heading("Handoffs")
    for h in data["handoffs"]:
        write.line(
            f"#{h['id']} {h['status']}: therapist {h['therapist']}, trainer {h['trainer']} "
            f"at {h['gym']}; created {h['created_at']}, sent {h['sent_at']}"
        )
    write.heading("Exercise plans (every version)")
    for v in data["packet_versions"]:
        clearance = v.get("clearance") or {}
        write.line(
            f"Handoff #{v['handoff']}, version {v['number']} ({v['created_at']}): "
            f"{clearance.get('condition', '')}"
        )
        for item in v["program"]:
            write.line(f"  - {item['name']}: {item.get('sets')} sets, {item.get('per_week')}/week")
        for restriction in v["restrictions"]:
            write.line(f"  Restriction: {restriction.get('description') or restriction}")
    for section, rows in (
        ("Session logs", data["session_logs"]),
        ("Progress check-ins", data["check_ins"]),
        ("Final reports", data["final_reports"]),
        ("Red-flag reports", data["red_flag_reports"]),
        ("Messages to you", data["messages"]),
        ("Consents", data["consents"]),
        ("Timeline", data["events"]),
        ("Who read your health information", data["access_log"]),
    ):
        write.heading(section)
        if not rows:
            write.line("None.")
        for row in rows:
            write.line("; ".join(f"{k}: {_text(v)}" for k, v in row.items() if v not in ("", None)))
    return bytes(pdf.output())


def _font(pdf: Any) -> str:
    regular, bold = _FONT_DIR / "DejaVuSans.ttf", _FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu"
    return "Helvetica"  # Latin-1 only: _Writer replaces what it cannot show


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


class _Writer:
    def __init__(self, pdf: Any, family: str) -> None:
        self.pdf, self.family = pdf, family

    def _safe(self, text: str) -> str:
        if self.family == "DejaVu":
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def title(self, text: str) -> None:
        self.pdf.set_font(self.family, "B", 16)
        self.pdf.multi_cell(0, 9, self._safe(text), new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(self.family, "B", 12)
        self.pdf.multi_cell(0, 7, self._safe(text), new_x="LMARGIN", new_y="NEXT")

    def line(self, text: str) -> None:
        self.pdf.set_font(self.family, "", 9)
        self.pdf.multi_cell(0, 5, self._safe(text), new_x="LMARGIN", new_y="NEXT")

    def pair(self, label: str, value: Any) -> None:
        self.line(f"{label}: {value if value not in (None, '') else '-'}")
