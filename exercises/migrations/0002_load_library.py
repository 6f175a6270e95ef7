"""Load Baton's exercise library (``exercises.library``) into the ``Exercise`` table.

Idempotent: rows are created or updated by slug, so running the function again (or a later data
migration calling it after the library changed) never duplicates a row. Codes are stored as plain
strings in the JSON lists. The reverse deletes the library's slugs and nothing else.
"""

from django.db import migrations


def _plain(codes):
    return [str(code) for code in codes]


def load_library(apps, schema_editor):
    from exercises.library import EXERCISES

    Exercise = apps.get_model("exercises", "Exercise")
    for item in EXERCISES:
        Exercise.objects.update_or_create(
            slug=item.slug,
            defaults={
                "name": item.name,
                "instructions": item.instructions,
                "body_regions": _plain(item.body_regions),
                "patterns": _plain(item.patterns),
                "impact": str(item.impact),
                "equipment": _plain(item.equipment),
            },
        )


def unload_library(apps, schema_editor):
    from exercises.library import EXERCISES

    Exercise = apps.get_model("exercises", "Exercise")
    Exercise.objects.filter(slug__in=[item.slug for item in EXERCISES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_library, unload_library),
    ]
