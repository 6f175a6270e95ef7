"""Passwords: Argon2 in production, Django's validators for new passwords."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, make_password

from accounts.tests.factories import PASSWORD

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DEBUG": "false",
    "SECRET_KEY": "x" * 64,
    "ALLOWED_HOSTS": "baton.example",
    "DATABASE_URL": "postgres://baton@127.0.0.1:5432/baton",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_hash_passwords_with_argon2_first(tmp_path):
    """The test profile puts a fast hasher first; the production list must not."""
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "BATON_REQUIRE_SERVICES"}}
    env.update(PRODUCTION_ENV, BATON_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.PASSWORD_HASHERS[0])"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )

    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hasher_is_installed_and_verifies():
    encoded = make_password("a-long-and-fresh-passphrase", hasher="argon2")

    assert encoded.startswith("argon2$argon2id$")
    assert check_password("a-long-and-fresh-passphrase", encoded)
    assert not check_password("another-passphrase", encoded)


@pytest.mark.django_db
def test_login_upgrades_an_older_hash_to_argon2(therapist, token_login, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    therapist.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    therapist.save()

    assert token_login(therapist.email, PASSWORD).status_code == 200

    therapist.refresh_from_db()
    assert therapist.password.startswith("argon2$")
