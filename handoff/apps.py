from django.apps import AppConfig


class HandoffConfig(AppConfig):
    name = "handoff"
    verbose_name = "Handoffs"

    def ready(self) -> None:
        # The notifications app knows nothing of handoffs: the handoff app tells it how to
        # fire its reminders and what time-driven work the sweep must do.
        from handoff import delivery_failures, reminders, sweep

        reminders.register()
        sweep.register()
        delivery_failures.register()
