from django.urls import include, path

urlpatterns = [
    path("", include("handoff.api.catalog_urls")),
    path("", include("handoff.api.patient_urls")),
    path("", include("handoff.api.handoff_urls")),
]
