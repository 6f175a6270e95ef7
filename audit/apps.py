from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only access log: who read which health record, when, from where."""

    name = "audit"
    verbose_name = "Access log"
