"""The packet's vocabularies (docs/api.md, "Vocabularies")."""

from django.db import models


class Symptom(models.TextChoices):
    SWELLING = "swelling", "Swelling"
    NUMBNESS = "numbness", "Numbness or tingling"
    GIVING_WAY = "giving_way", "Joint giving way"
    NIGHT_PAIN = "night_pain", "Pain at night"
    CALF_PAIN = "calf_pain", "Calf pain, warmth or swelling"
    CHEST_PAIN = "chest_pain", "Chest pain"
    SHORTNESS_OF_BREATH = "shortness_of_breath", "Shortness of breath"
    DIZZINESS = "dizziness", "Dizziness or fainting"
    NEW_WEAKNESS = "new_weakness", "New weakness"
    BOWEL_BLADDER_CHANGE = "bowel_bladder_change", "Bowel or bladder change"


# These always stop training and send the patient for urgent medical care, whatever the packet
# lists: possible blood clot, cardiac or neurological emergencies.
ALWAYS_ESCALATE: frozenset[str] = frozenset(
    {
        Symptom.CALF_PAIN,
        Symptom.CHEST_PAIN,
        Symptom.SHORTNESS_OF_BREATH,
        Symptom.DIZZINESS,
        Symptom.NEW_WEAKNESS,
        Symptom.BOWEL_BLADDER_CHANGE,
    }
)

URGENT_CARE_GUIDANCE = (
    "Stop exercising now. These symptoms can be serious: seek urgent medical care "
    "(call your doctor, go to urgent care or, if severe, call emergency services)."
)


class RestrictionKind(models.TextChoices):
    AVOID_PATTERN = "avoid_pattern", "Avoid a movement pattern"
    LOAD_CAP = "load_cap", "Load cap"
    ROM_LIMIT = "rom_limit", "Range-of-motion limit"
    WEIGHT_BEARING = "weight_bearing", "Weight-bearing limit"
    NO_IMPACT = "no_impact", "No impact"
    PAIN_CEILING = "pain_ceiling", "Pain ceiling"
    OTHER = "other", "Other"


class LimitUnit(models.TextChoices):
    KG = "kg", "kg"
    LB = "lb", "lb"
    DEG = "deg", "degrees"
    PERCENT_BODYWEIGHT = "percent_bodyweight", "% of body weight"
    MINUTES = "minutes", "minutes"
    REPS = "reps", "repetitions"


class ClearanceLevel(models.TextChoices):
    FULL = "full", "Full clearance"
    WITH_RESTRICTIONS = "with_restrictions", "Cleared with restrictions"
