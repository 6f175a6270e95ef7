from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Register the tasks in every process, web included: publishing names them
        # (notifications.publishing), and a name Celery has not registered would be sent with
        # ``send_task`` and its defaults rather than the task's own options.
        from notifications import tasks  # noqa: F401
