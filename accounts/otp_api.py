"""The token endpoint's second factor: ask for ``otp`` when the account has two factors."""

from __future__ import annotations

from accounts.models import User
from accounts.otp import has_two_factor, two_factor_required, verify_second_factor


class SecondFactorRefused(Exception):
    def __init__(self, detail: str, code: str, status: int) -> None:
        super().__init__(detail)
        self.detail, self.code, self.status = detail, code, status


def check_second_factor_for_token(user: User, code: str | None) -> None:
    """Raise ``SecondFactorRefused`` unless the password alone, or with ``code``, is enough."""
    if has_two_factor(user):
        if not code:
            raise SecondFactorRefused(
                "This account uses two-factor sign-in: send the code from your authenticator "
                "app as otp.",
                "otp_required",
                400,
            )
        if verify_second_factor(user, code) is None:
            raise SecondFactorRefused(
                "That code is not right, or was already used.", "otp_invalid", 400
            )
        return
    if two_factor_required(user):
        raise SecondFactorRefused(
            "Your role requires two-factor sign-in: set it up in the browser, then get a token.",
            "two_factor_required",
            403,
        )
