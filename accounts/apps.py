from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import (
            checks,  # noqa: F401 - registers the deployment checks
            signals,  # noqa: F401 - keeps User.two_factor_stamp up to date
        )
