"""``trainers/``, ``handoffs/`` and everything under ``handoffs/{id}/`` (docs/api.md)."""

from django.urls import path

from handoff.api import export, handoffs, handoffs_activity, plan, trainers

ONE = "handoffs/<int:pk>/"

urlpatterns = [
    path("trainers/", trainers.TrainerListView.as_view(), name="trainer-list"),
    path("handoffs/", handoffs.HandoffListView.as_view(), name="handoff-list"),
    path(ONE, handoffs.HandoffDetailView.as_view(), name="handoff-detail"),
    path(f"{ONE}send/", handoffs.SendView.as_view(), name="handoff-send"),
    path(f"{ONE}accept/", handoffs.AcceptView.as_view(), name="handoff-accept"),
    path(f"{ONE}decline/", handoffs.DeclineView.as_view(), name="handoff-decline"),
    path(f"{ONE}withdraw/", handoffs.WithdrawView.as_view(), name="handoff-withdraw"),
    path(f"{ONE}refer-back/", handoffs.ReferBackView.as_view(), name="handoff-refer-back"),
    path(f"{ONE}resume/", handoffs.ResumeView.as_view(), name="handoff-resume"),
    path(f"{ONE}complete/", handoffs.CompleteView.as_view(), name="handoff-complete"),
    path(f"{ONE}reassign/", handoffs.ReassignView.as_view(), name="handoff-reassign"),
    path(f"{ONE}versions/", handoffs_activity.VersionListView.as_view(), name="handoff-versions"),
    path(
        f"{ONE}versions/<int:number>/diff/",
        handoffs_activity.VersionDiffView.as_view(),
        name="handoff-version-diff",
    ),
    path(
        f"{ONE}acknowledge/",
        handoffs_activity.AcknowledgeView.as_view(),
        name="handoff-acknowledge",
    ),
    path(f"{ONE}consent/", handoffs_activity.ConsentView.as_view(), name="handoff-consent"),
    path(
        f"{ONE}consent/revoke/",
        handoffs_activity.ConsentRevokeView.as_view(),
        name="handoff-consent-revoke",
    ),
    path(
        f"{ONE}sessions/", handoffs_activity.SessionLogListView.as_view(), name="handoff-sessions"
    ),
    path(f"{ONE}check-ins/", handoffs_activity.CheckInListView.as_view(), name="handoff-check-ins"),
    path(f"{ONE}messages/", handoffs_activity.MessageListView.as_view(), name="handoff-messages"),
    path(f"{ONE}plan/", plan.PlanView.as_view(), name="handoff-plan"),
    path(f"{ONE}plan/<int:item>/", plan.PlanItemView.as_view(), name="handoff-plan-item"),
    path(
        f"{ONE}plan/<int:item>/exception/",
        plan.ExceptionRequestView.as_view(),
        name="handoff-plan-exception",
    ),
    path(
        f"{ONE}plan/<int:item>/exception/grant/",
        plan.ExceptionGrantView.as_view(),
        name="handoff-plan-exception-grant",
    ),
    path(
        f"{ONE}plan/<int:item>/exception/refuse/",
        plan.ExceptionRefuseView.as_view(),
        name="handoff-plan-exception-refuse",
    ),
    path(f"{ONE}check/", plan.CheckView.as_view(), name="handoff-check"),
    # The patient's own data (and the clinic admin's copy of it, on request).
    path("me/export/", export.MyExportView.as_view(), name="me-export"),
    path("me/export.pdf", export.MyExportPdfView.as_view(), name="me-export-pdf"),
    path("patients/<int:pk>/export/", export.PatientExportView.as_view(), name="patient-export"),
    path(
        "patients/<int:pk>/export.pdf",
        export.PatientExportPdfView.as_view(),
        name="patient-export-pdf",
    ),
]
