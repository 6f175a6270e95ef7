"""The exercise library as the data migration loaded it."""

from __future__ import annotations

import importlib

from django.apps import apps

from exercises.library import EXERCISES
from exercises.models import Exercise
from exercises.vocabularies import BodyRegion, Impact, Pattern

load = importlib.import_module("exercises.migrations.0002_load_library")


def test_library_holds_at_least_60_exercises(db):
    assert Exercise.objects.count() == len(EXERCISES) >= 60


def test_every_exercise_uses_only_vocabulary_codes(db):
    for exercise in Exercise.objects.all():
        assert exercise.body_regions, exercise.slug
        assert exercise.patterns, exercise.slug
        assert set(exercise.body_regions) <= set(BodyRegion.values), exercise.slug
        assert set(exercise.patterns) <= set(Pattern.values), exercise.slug
        assert exercise.impact in Impact.values, exercise.slug
        assert exercise.equipment, exercise.slug
        assert all(isinstance(code, str) for code in exercise.equipment), exercise.slug


def test_codes_are_stored_as_plain_strings(db):
    squat = Exercise.objects.get(slug="bodyweight-squat")

    assert squat.body_regions == ["knee", "hip"]
    assert type(squat.body_regions[0]) is str


def test_loading_the_library_again_changes_nothing(db):
    before = list(Exercise.objects.order_by("pk").values())

    load.load_library(apps, None)

    assert list(Exercise.objects.order_by("pk").values()) == before


def test_loading_restores_an_edited_exercise_by_slug(db):
    Exercise.objects.filter(slug="goblet-squat").update(name="Cup squat", impact="high")

    load.load_library(apps, None)

    goblet = Exercise.objects.get(slug="goblet-squat")
    assert (goblet.name, goblet.impact) == ("Goblet squat", "low")


def test_unloading_removes_only_the_library(db):
    Exercise.objects.create(slug="clinic-own", name="Clinic's own", instructions="…", impact="none")

    load.unload_library(apps, None)

    assert list(Exercise.objects.values_list("slug", flat=True)) == ["clinic-own"]
