from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """The restriction checker: pure functions, no models, no database."""

    name = "safety"
    verbose_name = "Safety checks"
