"""The packet's vocabularies (docs/api.md, "Vocabularies")."""

from django.db import models

# The restriction vocabulary lives with the checker that reads it; re-exported for the packet.
from safety.vocabularies import LimitUnit, RestrictionKind

__all__ = [
    "ALWAYS_ESCALATE",
    "URGENT_CARE_GUIDANCE",
    "ClearanceLevel",
    "LimitUnit",
    "RestrictionKind",
    "Symptom",
]


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


class ClearanceLevel(models.TextChoices):
    FULL = "full", "Full clearance"
    WITH_RESTRICTIONS = "with_restrictions", "Cleared with restrictions"
