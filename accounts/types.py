"""Type aliases for whoever is asking: a logged-in user or an anonymous visitor."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

AnyUser = User | AnonymousUser
