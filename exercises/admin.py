from django.contrib import admin
from django.http import HttpRequest

from exercises.models import Exercise


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    """Read-only: the library's source is ``exercises.library``, reaching the database through
    data migrations that update rows by slug, so an edit made here would be silently undone."""

    list_display = ["name", "impact", "slug"]
    list_filter = ["impact"]
    search_fields = ["name", "slug"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Exercise | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Exercise | None = None) -> bool:
        return False
