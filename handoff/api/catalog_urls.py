from django.urls import path

from handoff.api.catalog import ExerciseListView, MeView, TrainerListView

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("trainers/", TrainerListView.as_view(), name="trainer-list"),
    path("exercises/", ExerciseListView.as_view(), name="exercise-list"),
]
