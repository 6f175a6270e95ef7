"""Every endpoint under ``/api/v1/`` (docs/api.md): each app's API, composed here."""

from django.urls import include, path
from rest_framework.permissions import IsAuthenticated

from exercises.api import ExerciseListView
from organisations.permissions import IsStaffMember

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("organisations.api_urls")),
    path("", include("clinics.api_urls")),
    # The library knows nothing of roles; who may read it is decided here, where roles are known.
    path(
        "exercises/",
        ExerciseListView.as_view(permission_classes=[IsAuthenticated, IsStaffMember]),
        name="exercise-list",
    ),
    path("", include("handoff.api.urls")),
    path("", include("notifications.api_urls")),
    path("", include("portal.api_urls")),
    path("", include("interop.urls")),
]
