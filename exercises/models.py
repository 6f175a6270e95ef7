"""The exercise library. Its rows come from ``exercises.library`` by a data migration."""

from __future__ import annotations

from django.db import models

from exercises.vocabularies import Impact


class Exercise(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=120, unique=True)
    instructions = models.TextField(max_length=2000)
    # Lists of codes from exercises.vocabularies (BodyRegion, Pattern).
    body_regions = models.JSONField(default=list)
    patterns = models.JSONField(default=list)
    impact = models.CharField(max_length=16, choices=Impact.choices)
    equipment = models.JSONField(default=list)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
