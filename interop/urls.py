"""The FHIR endpoints under ``/api/v1/`` (docs/fhir.md)."""

from django.urls import path

from interop import api

urlpatterns = [
    path("handoffs/import/", api.ImportView.as_view(), name="handoff-fhir-import"),
    path("handoffs/<int:pk>/fhir/", api.HandoffBundleView.as_view(), name="handoff-fhir"),
    path("handoffs/<int:pk>/fhir/task/", api.HandoffTaskView.as_view(), name="handoff-fhir-task"),
]
