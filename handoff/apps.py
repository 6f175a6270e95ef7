from django.apps import AppConfig


class HandoffConfig(AppConfig):
    name = "handoff"
    verbose_name = "Handoffs"

    def ready(self) -> None:
        from handoff import hooks

        hooks.connect()
        # The patient page (clinics) shows the patient's handoffs and consents.
        from clinics.views import register_patient_panel
        from handoff.views.pages import patient_panel

        register_patient_panel(patient_panel)
