"""The printable handout: the plan on paper, made offline with fpdf2 (no network, no browser).

What it carries is what the patient, the therapist and the trainer may all see: the program,
the restrictions (the PT's words and the plain sentence), the stop rules with the pain ceiling
explained, the urgent-care guidance, the contacts and the date. Never the date of birth,
insurance, diagnosis codes or the clinic's private notes.

DejaVu Sans (vendored under static/fonts/ with its licence) is embedded so that any name, in any
script the font covers, prints as written; fpdf2's built-in fonts only know Latin-1.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from handoff.models import Handoff, PacketVersion, ProgramItem
from portal import plain

PAPERS = {"a4": "A4", "letter": "Letter"}
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT = "DejaVu"
MARGIN = 16  # mm: inside what every office printer can reach on A4 and Letter

# Time zones of countries that print on US Letter; everyone else prints on A4.
_LETTER_PREFIXES = ("America/", "US/", "Canada/", "Pacific/Honolulu", "Asia/Manila")
_A4_AMERICAS = (
    "America/Argentina/",
    "America/Sao_Paulo",
    "America/Bahia",
    "America/Fortaleza",
    "America/Recife",
    "America/Manaus",
    "America/Belem",
    "America/Lima",
    "America/Montevideo",
    "America/Asuncion",
    "America/La_Paz",
    "America/Guayaquil",
    "America/Cayenne",
    "America/Paramaribo",
    "America/Nuuk",
)


def paper_for(time_zone: str) -> str:
    """ "letter" for a clinic in the US, Canada, Mexico and the other Letter countries."""
    if time_zone.startswith(_LETTER_PREFIXES) and not time_zone.startswith(_A4_AMERICAS):
        return "letter"
    return "a4"


@dataclass(frozen=True)
class Contact:
    role: str
    name: str
    lines: tuple[str, ...]


def contacts(handoff: Handoff) -> list[Contact]:
    therapist, trainer = handoff.therapist, handoff.trainer
    clinic, gym = handoff.clinic, handoff.gym
    membership = getattr(therapist, "clinic_membership", None)
    gym_membership = getattr(trainer, "gym_membership", None)
    pt_lines = [clinic.name, getattr(membership, "phone", "") or clinic.phone, therapist.email]
    trainer_lines = [gym.name, getattr(gym_membership, "phone", "") or gym.phone, trainer.email]
    return [
        Contact("Your physical therapist", therapist.name, tuple(x for x in pt_lines if x)),
        Contact("Your trainer", trainer.name, tuple(x for x in trainer_lines if x)),
    ]


class _Document(FPDF):
    printed_on = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 100, 110)
        self.cell(0, 5, f"Printed {self.printed_on} from Baton · page {self.page_no()} of {{nb}}")


class _Writer:
    def __init__(self, pdf: Any) -> None:  # the document, or fpdf2's recorder of it
        self.pdf = pdf

    def text(self, value: str, *, size: float = 10.5, bold: bool = False, gap: float = 1) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.multi_cell(0, size * 0.5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(gap)

    def heading(self, value: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_text_color(15, 92, 99)
        self.text(value, size=14, bold=True, gap=1.5)
        self.pdf.set_text_color(29, 42, 48)

    def bullet(self, value: str, *, bold: bool = False) -> None:
        self.text(f"•  {value}", bold=bold)


def build_handout(
    handoff: Handoff, version: PacketVersion, *, paper: str, today: datetime.date
) -> bytes:
    """The handout as PDF bytes, on ``paper`` ("a4" or "letter")."""
    pdf = _Document(format=PAPERS[paper], unit="mm")
    pdf.printed_on = plain.day(today)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN + 4)
    pdf.set_title(f"Exercise plan for {handoff.patient.name}")
    pdf.set_author(handoff.clinic.name)
    pdf.set_lang("en")
    pdf.set_creation_date(datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC))
    pdf.add_page()
    pdf.set_text_color(29, 42, 48)
    write = _Writer(pdf)
    _header(write, handoff, version, today)
    _program(write, version)
    _restrictions(write, version)
    _stop_rules(write, version)
    _contacts(write, handoff)
    return bytes(pdf.output())


def _header(write: _Writer, handoff: Handoff, version: PacketVersion, today: datetime.date) -> None:
    write.text(f"Exercise plan for {handoff.patient.name}", size=20, bold=True, gap=2)
    write.text(
        f"From {handoff.therapist.name} at {handoff.clinic.name}, to keep up with "
        f"{handoff.trainer.name} at {handoff.gym.name}. Plan version {version.number}, "
        f"printed {plain.day(today)}."
    )
    if version.condition:
        write.text(f"What it is for: {version.condition}.")
    if version.goals:
        write.text(f"Your goals: {version.goals}")


def _program(write: _Writer, version: PacketVersion) -> None:
    write.heading("Your exercises")
    for item in version.program.all():
        # Draw through the recorder fpdf2 hands out, so an exercise never splits across pages.
        with write.pdf.unbreakable() as doc:
            _exercise(_Writer(doc), item)


def _exercise(write: _Writer, item: ProgramItem) -> None:
    write.text(item.name, size=12, bold=True, gap=0.5)  # each name on its own line
    details = [plain.dose(item), plain.times_a_week(item.per_week)]
    if item.load:
        details.insert(1, f"weight: {item.load}")
    write.text("; ".join(details) + ".")
    if item.exercise is not None and item.exercise.instructions:
        write.text(f"How: {item.exercise.instructions}")
    if item.cues:
        write.text(f"Tips: {item.cues}")
    if item.progression:
        write.text(f"When to make it harder: {item.progression}")
    write.pdf.ln(2)


def _restrictions(write: _Writer, version: PacketVersion) -> None:
    restrictions = list(version.restrictions.all())
    write.heading("Your limits")
    if not restrictions:
        write.text("Your PT set no limits beyond the stop rules below.")
    for r in restrictions:
        sentence = plain.restriction_sentence(r)
        write.bullet(sentence, bold=True)
        if sentence != r.text:
            write.text(f"In your PT's words: {r.text}")
        if r.review_on:
            write.text(f"Your PT will look at this again on {plain.day(r.review_on)}.")


def _stop_rules(write: _Writer, version: PacketVersion) -> None:
    write.heading("Stop and tell your PT if…")
    write.bullet(f"your pain goes above {version.pain_ceiling} out of 10.", bold=True)
    write.text(plain.pain_ceiling_explained(version.pain_ceiling))
    for label in plain.stop_rule_symptoms(version):
        write.bullet(f"you notice {label.lower()}.", bold=True)
    write.heading("Get urgent medical care if you have…")
    for label in plain.urgent_symptoms():
        write.bullet(label.lower(), bold=True)
    write.text(plain.URGENT_CARE)


def _contacts(write: _Writer, handoff: Handoff) -> None:
    with write.pdf.unbreakable() as doc:  # the heading never sits alone at a page's foot
        block = _Writer(doc)
        block.heading("Who to contact")
        for contact in contacts(handoff):
            block.text(f"{contact.role}: {contact.name}", bold=True, gap=0.5)
            block.text(" · ".join(contact.lines))
