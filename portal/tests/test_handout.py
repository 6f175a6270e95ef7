"""The printable handout: a real PDF, parsed back, for every party; scoped and audited."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from audit.models import AccessLog
from handoff.services.packets import ProgramItemSpec, RestrictionSpec
from handoff.tests import builders
from portal.handout import paper_for

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def page_sizes(reader: PdfReader) -> set[tuple[float, float]]:
    return {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    }


def url(handoff, paper: str = "") -> str:
    query = f"?paper={paper}" if paper else ""
    return f"/api/v1/handoffs/{handoff.pk}/handout.pdf{query}"


@pytest.fixture
def rich_handoff(therapist, patient_record, trainer):
    today = builders.clinic_today()
    spec = builders.packet(
        program=(
            ProgramItemSpec(name="Split squat", sets=3, reps=10, per_week=3, load="bodyweight"),
            ProgramItemSpec(name="Side plank", sets=3, hold_seconds=30, per_week=3),
            ProgramItemSpec(name="Straight-leg raise", sets=2, reps=15, per_week=5, cues="Slow"),
            ProgramItemSpec(name="Step-down from a low box", sets=3, reps=8, per_week=2),
        ),
        restrictions=(
            RestrictionSpec(
                kind="avoid_pattern",
                body_region="knee",
                pattern="plyometric",
                text="No jumping or landing drills",
                review_on=today + datetime.timedelta(days=30),
            ),
            RestrictionSpec(
                kind="load_cap",
                body_region="knee",
                limit_value=Decimal("20"),
                limit_unit="kg",
                text="Leg press at most 20 kg",
            ),
            RestrictionSpec(kind="other", text="Ice the knee for 10 minutes after training"),
        ),
    )
    return builders.accepted(
        therapist=therapist, patient_record=patient_record, trainer=trainer, spec=spec
    )


def test_the_handout_carries_every_exercise_restriction_and_stop_rule(api, patient, rich_handoff):
    reader = pdf_of(api(patient).get(url(rich_handoff)))
    text = text_of(reader)
    version = rich_handoff.versions.get()

    for item in version.program.all():
        assert item.name in text
    for restriction in version.restrictions.all():
        assert restriction.text in text
    assert "Stop and tell your PT if" in text
    assert "your pain goes above 5 out of 10" in text
    for symptom in ("swelling", "numbness or tingling", "joint giving way"):
        assert symptom in text
    assert "Get urgent medical care" in text and "chest pain" in text
    assert "Dana Rivers" in text and "Terry Oak" in text  # the contacts
    assert builders.clinic_today().strftime("%B %Y") in text  # the date


def test_each_exercise_name_stands_on_its_own_line(api, patient, rich_handoff):
    reader = pdf_of(api(patient).get(url(rich_handoff)))
    lines = {line.strip() for page in reader.pages for line in page.extract_text().splitlines()}

    for name in ("Split squat", "Side plank", "Straight-leg raise", "Step-down from a low box"):
        assert name in lines


def test_a_us_clinic_prints_on_letter_and_paper_a4_asks_for_a4(api, patient, rich_handoff):
    assert rich_handoff.clinic.time_zone == "America/New_York"

    assert page_sizes(pdf_of(api(patient).get(url(rich_handoff)))) == {LETTER}
    assert page_sizes(pdf_of(api(patient).get(url(rich_handoff, "a4")))) == {A4}
    assert page_sizes(pdf_of(api(patient).get(url(rich_handoff, "letter")))) == {LETTER}


def test_a_clinic_outside_the_letter_countries_prints_on_a4():
    assert paper_for("Europe/Dublin") == "a4"
    assert paper_for("America/Sao_Paulo") == "a4"
    assert paper_for("America/Toronto") == "letter"
    assert paper_for("America/New_York") == "letter"


def test_an_unknown_paper_is_a_400_naming_the_field(api, patient, handoff):
    response = api(patient).get(url(handoff, "tabloid"))

    assert response.status_code == 400
    assert "paper" in response.json()


def test_a_name_outside_latin_1_prints_as_written(api, therapist, trainer, riverside):
    from clinics.tests.factories import PatientFactory

    record = PatientFactory(clinic=riverside, first_name="Zoë", last_name="Łukasiewicz-Ōta")
    spec = builders.packet(
        program=(ProgramItemSpec(name="Ćwiczenie — mostek", sets=2, reps=8, per_week=3),)
    )
    handoff = builders.accepted(
        therapist=therapist, patient_record=record, trainer=trainer, spec=spec
    )

    text = text_of(pdf_of(api(therapist).get(url(handoff))))

    assert "Zoë Łukasiewicz-Ōta" in text
    assert "Ćwiczenie — mostek" in text


@pytest.mark.parametrize("who", ["patient", "therapist", "trainer"])
def test_every_party_downloads_it_and_the_read_is_logged(api, request, handoff, who):
    user = request.getfixturevalue(who)

    pdf_of(api(user).get(url(handoff)))

    logged = AccessLog.objects.filter(actor=user, action="handout")
    assert {(r.object_type, r.object_id) for r in logged} == {
        ("handoff", handoff.pk),
        ("patient", handoff.patient_id),
    }


@pytest.mark.parametrize(
    "who", ["other_patient", "other_therapist", "trainer2", "unpartnered_trainer", "outsider"]
)
def test_nobody_else_gets_it(api, request, handoff, who):
    response = api(request.getfixturevalue(who)).get(url(handoff))

    assert response.status_code == 404


def test_anonymous_is_401(api, handoff):
    assert api(None).get(url(handoff)).status_code == 401


def test_the_patient_cannot_print_a_draft(api, therapist, patient, patient_record, trainer):
    draft = builders.draft(therapist=therapist, patient_record=patient_record, trainer=trainer)

    assert api(patient).get(url(draft)).status_code == 404


def test_the_portal_button_serves_the_same_pdf(page, patient, handoff):
    response = page(patient).get(f"/my/plans/{handoff.pk}/handout.pdf")

    assert "Split squat" in text_of(pdf_of(response))
    assert "no-store" in response["Cache-Control"]


def test_a_plan_over_several_pages_loses_nothing(api, therapist, patient, patient_record, trainer):
    names = [f"Exercise number {n}" for n in range(1, 15)]
    spec = builders.packet(
        program=tuple(
            ProgramItemSpec(
                name=name,
                sets=3,
                reps=10,
                per_week=3,
                cues="Keep the knee over the second toe and move slowly, " * 3,
                progression="Add 2.5 kg when three sets of twelve are pain-free.",
            )
            for name in names
        )
    )
    handoff = builders.accepted(
        therapist=therapist, patient_record=patient_record, trainer=trainer, spec=spec
    )

    reader = pdf_of(api(patient).get(url(handoff)))
    text = text_of(reader)

    assert len(reader.pages) >= 2
    assert [name for name in names if name not in text] == []
    assert "Who to contact" in text and "trainer@ironoak.test" in text
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in text
