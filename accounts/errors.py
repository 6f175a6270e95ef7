"""Why a login or an invitation was refused. Views turn these into responses."""

from __future__ import annotations


class AccountError(Exception):
    """A refusal with a sentence a person can act on and a machine code."""

    code = "error"

    def __init__(self, detail: str, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class InvalidCredentials(AccountError):
    """Wrong email or password. Deliberately does not say which (no account enumeration)."""

    code = "invalid_credentials"


class LockedOut(AccountError):
    """Too many failures for this account from this client address (django-axes)."""

    code = "locked_out"


class InvitationUnusable(AccountError):
    """The invitation link is tampered with, expired, revoked or already used (HTTP 410)."""

    code = "invitation_invalid"
