from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project itself: start-up work that belongs to no app."""

    name = "config"
    verbose_name = "Baton"

    def ready(self) -> None:
        from config.celery import ensure_broker_folders

        ensure_broker_folders()
