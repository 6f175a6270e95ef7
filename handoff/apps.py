from django.apps import AppConfig


class HandoffConfig(AppConfig):
    name = "handoff"
    verbose_name = "Handoffs"

    def ready(self) -> None:
        from handoff import hooks

        hooks.connect()
