"""The typed environment readers of ``config.env``: good values parse, bad ones stop the start.

Every helper is given its own ``environ`` so that nothing here depends on, or changes, the
environment the suite runs in.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_seconds,
    env_str,
    env_url,
)


def refused(name: str) -> pytest.RaisesExc:
    """The error a bad value must raise: ImproperlyConfigured, naming the variable."""
    return pytest.raises(ImproperlyConfigured, match=rf"\b{name}\b")


# --- env_str ---------------------------------------------------------------------------------------


def test_env_str_reads_the_value_without_surrounding_spaces():
    assert env_str("SITE_NAME", "x", environ={"SITE_NAME": "  Baton \n"}) == "Baton"


def test_env_str_falls_back_to_the_default_when_unset_or_blank():
    assert env_str("SITE_NAME", "fallback", environ={}) == "fallback"
    assert env_str("SITE_NAME", "fallback", environ={"SITE_NAME": "   "}) == "fallback"


@pytest.mark.parametrize("environ", [{}, {"SECRET_KEY": ""}, {"SECRET_KEY": "  "}])
def test_env_str_required_refuses_a_missing_or_blank_value(environ):
    with refused("SECRET_KEY"):
        env_str("SECRET_KEY", "ignored-default", required=True, environ=environ)


def test_env_str_without_a_default_is_required():
    with refused("SECRET_KEY"):
        env_str("SECRET_KEY", None, environ={})


# --- env_bool --------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "Yes", "on", " true "])
def test_env_bool_reads_true(raw):
    assert env_bool("DEBUG", False, environ={"DEBUG": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "OFF", ""])
def test_env_bool_reads_false(raw):
    assert env_bool("DEBUG", True, environ={"DEBUG": raw}) is False


def test_env_bool_uses_the_default_when_unset():
    assert env_bool("DEBUG", True, environ={}) is True
    assert env_bool("DEBUG", False, environ={}) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled", "t"])
def test_env_bool_refuses_anything_else(raw):
    with refused("DEBUG"):
        env_bool("DEBUG", False, environ={"DEBUG": raw})


# --- env_int ---------------------------------------------------------------------------------------


def test_env_int_reads_a_whole_number():
    assert env_int("CONN_MAX_AGE", 0, environ={"CONN_MAX_AGE": " 600 "}) == 600


def test_env_int_uses_the_default_when_unset_or_blank():
    assert env_int("CONN_MAX_AGE", 60, environ={}) == 60
    assert env_int("CONN_MAX_AGE", 60, environ={"CONN_MAX_AGE": ""}) == 60


@pytest.mark.parametrize("raw", ["abc", "1.5", "60s", "1e3"])
def test_env_int_refuses_what_is_not_a_whole_number(raw):
    with refused("CONN_MAX_AGE"):
        env_int("CONN_MAX_AGE", 0, environ={"CONN_MAX_AGE": raw})


def test_env_int_enforces_its_bounds_inclusively():
    environ = {"EMAIL_PORT": "65535"}
    assert env_int("EMAIL_PORT", 25, minimum=1, maximum=65535, environ=environ) == 65535
    with refused("EMAIL_PORT"):
        env_int("EMAIL_PORT", 25, minimum=1, maximum=65535, environ={"EMAIL_PORT": "0"})
    with refused("EMAIL_PORT"):
        env_int("EMAIL_PORT", 25, minimum=1, maximum=65535, environ={"EMAIL_PORT": "65536"})


def test_env_int_checks_the_default_against_the_bounds_too():
    with refused("SWEEP_BATCH_SIZE"):
        env_int("SWEEP_BATCH_SIZE", 0, minimum=1, environ={})


# --- env_seconds -----------------------------------------------------------------------------------


def test_env_seconds_reads_a_duration():
    environ = {"SWEEP_INTERVAL_SECONDS": "90"}
    assert env_seconds("SWEEP_INTERVAL_SECONDS", 60, environ=environ) == timedelta(seconds=90)
    assert env_seconds("SWEEP_INTERVAL_SECONDS", 60, environ={}) == timedelta(seconds=60)


@pytest.mark.parametrize("raw", ["0", "-5", "1m", "soon"])
def test_env_seconds_refuses_a_zero_negative_or_unparseable_duration(raw):
    with refused("SWEEP_INTERVAL_SECONDS"):
        env_seconds("SWEEP_INTERVAL_SECONDS", 60, environ={"SWEEP_INTERVAL_SECONDS": raw})


# --- env_list --------------------------------------------------------------------------------------


def test_env_list_splits_on_commas_and_drops_empty_items():
    environ = {"ALLOWED_HOSTS": " baton.example, ,www.baton.example,"}
    assert env_list("ALLOWED_HOSTS", environ=environ) == ["baton.example", "www.baton.example"]


def test_env_list_uses_a_copy_of_the_default_when_unset():
    default = ["localhost"]
    result = env_list("ALLOWED_HOSTS", default, environ={})
    assert result == ["localhost"]
    assert result is not default
    assert env_list("CSRF_TRUSTED_ORIGINS", environ={}) == []


@pytest.mark.parametrize("environ", [{}, {"ALLOWED_HOSTS": ""}, {"ALLOWED_HOSTS": " , ,"}])
def test_env_list_required_refuses_a_missing_or_empty_list(environ):
    with refused("ALLOWED_HOSTS"):
        env_list("ALLOWED_HOSTS", ["localhost"], required=True, environ=environ)


# --- env_choice ------------------------------------------------------------------------------------

ENVS = ("development", "test", "production")


def test_env_choice_reads_one_of_the_choices():
    assert env_choice("DJANGO_ENV", "development", ENVS, environ={"DJANGO_ENV": "test"}) == "test"
    assert env_choice("DJANGO_ENV", "development", ENVS, environ={}) == "development"


@pytest.mark.parametrize("raw", ["prod", "Production", "staging"])
def test_env_choice_refuses_another_value_and_lists_the_choices(raw):
    with pytest.raises(ImproperlyConfigured, match="development, test, production") as caught:
        env_choice("DJANGO_ENV", "development", ENVS, environ={"DJANGO_ENV": raw})
    assert "DJANGO_ENV" in str(caught.value)


# --- env_url ---------------------------------------------------------------------------------------

DB_SCHEMES = ("sqlite", "postgres", "postgresql")


def test_env_url_reads_a_url_with_an_allowed_scheme():
    url = "postgres://baton:secret@db.internal:5432/baton"
    assert env_url("DATABASE_URL", "", schemes=DB_SCHEMES, environ={"DATABASE_URL": url}) == url


def test_env_url_uses_the_default_when_unset():
    default = "sqlite:////tmp/baton.sqlite3"
    assert env_url("DATABASE_URL", default, schemes=DB_SCHEMES, environ={}) == default


@pytest.mark.parametrize(
    "raw",
    ["mysql://db/baton", "db.internal:5432", "postgres:/missing-slashes", "://no-scheme"],
)
def test_env_url_refuses_an_unknown_scheme_or_a_non_url(raw):
    with refused("DATABASE_URL"):
        env_url("DATABASE_URL", "", schemes=DB_SCHEMES, environ={"DATABASE_URL": raw})


def test_env_url_refuses_an_empty_default_when_unset():
    # Production passes "" as the default: an unset DATABASE_URL must stop the start.
    with refused("DATABASE_URL"):
        env_url("DATABASE_URL", "", schemes=DB_SCHEMES, environ={})
