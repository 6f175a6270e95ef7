from django.urls import path

from clinics.api import PatientDetailView, PatientInviteView, PatientListView

urlpatterns = [
    path("patients/", PatientListView.as_view(), name="patient-list"),
    path("patients/<int:pk>/", PatientDetailView.as_view(), name="patient-detail"),
    path("patients/<int:pk>/invite/", PatientInviteView.as_view(), name="patient-invite"),
]
