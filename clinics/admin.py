from django.contrib import admin

from audit.admin_mixin import AuditedAdminMixin
from clinics.models import Clinic, ClinicMembership, Patient


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "phone", "email", "created_at"]
    search_fields = ["name", "email"]
    fieldsets = [
        (None, {"fields": ["name", "phone", "email", "time_zone"]}),
        (
            "Standard authorization form",
            {
                "description": "Every consent copies these texts when it is signed.",
                "fields": [
                    "authorization_text",
                    "authorization_information",
                    "authorization_purpose",
                    "authorization_revocation",
                    "authorization_no_conditioning",
                    "authorization_redisclosure",
                ],
            },
        ),
        ("Packet defaults", {"fields": ["default_red_flags", "default_pain_ceiling"]}),
    ]


@admin.register(ClinicMembership)
class ClinicMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "clinic", "role", "is_admin", "licence_number", "credential"]
    list_filter = ["clinic", "role", "is_admin"]
    search_fields = ["user__email", "user__name", "licence_number"]
    list_select_related = ["user", "clinic"]
    raw_id_fields = ["user"]


@admin.register(Patient)
class PatientAdmin(AuditedAdminMixin):
    """Contact details only: no date of birth, private notes or emergency contact, and every
    page that shows a patient writes the access log. The portal login is linked only by the
    invitation service (a therapist's invite), never by hand here."""

    audit_object_type = "patient"
    list_display = ["__str__", "clinic", "email", "has_login", "created_at"]
    list_filter = ["clinic"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["clinic"]
    fields = [
        "clinic",
        "first_name",
        "last_name",
        "email",
        "phone",
        "preferred_contact",
        "user",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["user", "created_by", "created_at", "updated_at"]

    @admin.display(boolean=True, description="Portal login")
    def has_login(self, patient: Patient) -> bool:
        return patient.user_id is not None
