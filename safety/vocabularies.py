"""The restriction vocabulary (API.md, "Vocabularies") and the checker's severities.

The packet's restrictions are stored with these codes (``handoff`` imports them from here), so
the checker and the packet always speak the same words.
"""

from django.db import models


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


class LoadUnit(models.TextChoices):
    """Units a program item's structured load may take (a subset of the limit units)."""

    KG = "kg", "kg"
    LB = "lb", "lb"
    PERCENT_BODYWEIGHT = "percent_bodyweight", "% of body weight"


class Severity(models.TextChoices):
    BLOCK = "block", "Not allowed"
    WARN = "warn", "Check by hand"
