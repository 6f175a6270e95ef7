from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The patient portal: my plan, my sessions, my consent, my handout (issue 15)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "Patient portal"

    def ready(self) -> None:
        from accounts.services import register_invitation_page

        # A patient's invitation lands in the portal: set a password, then straight to the plan.
        register_invitation_page("patient", "portal:welcome")
