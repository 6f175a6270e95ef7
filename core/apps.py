from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing that every app may use and that imports no other app of Baton."""

    name = "core"
    verbose_name = "Core"
