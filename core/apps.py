from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing that every app may use and that imports no other app of Baton."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.strict_input import install

        install()  # strict JSON types for every DRF serializer (core/strict_input.py)
