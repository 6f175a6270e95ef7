"""Helpers shared by the account tests: logging in through the real API and the real page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
HOME_ADDRESS = "203.0.113.10"
OTHER_ADDRESS = "198.51.100.20"


@pytest.fixture
def token_login() -> Callable[..., object]:
    """``token_login(email, password, address=...)`` posts to the token endpoint anonymously."""

    def post(email: str, password: str, address: str = HOME_ADDRESS):
        return APIClient().post(
            TOKEN_URL, {"email": email, "password": password}, format="json", REMOTE_ADDR=address
        )

    return post


@pytest.fixture
def page_login(client: Client) -> Callable[..., object]:
    """``page_login(email, password, address=...)`` submits the login page with ``client``."""

    def post(email: str, password: str, address: str = HOME_ADDRESS, **extra: str):
        data = {"email": email, "password": password, **extra}
        return client.post(LOGIN_URL, data, REMOTE_ADDR=address)

    return post
