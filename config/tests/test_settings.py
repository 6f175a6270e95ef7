"""``config.settings`` under each profile, loaded for real in a fresh process.

Settings are read once per process, so every case starts ``python`` with a clean environment
(nothing inherited from the suite: no CI, no DATABASE_URL) and a throwaway var folder.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

PYTHON = sys.executable
BASE_DIR = Path(settings.BASE_DIR)


def clean_env(tmp_path: Path, **values: str) -> dict[str, str]:
    """Only what Python needs, a private var folder, and ``values``."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BATON_VAR_DIR": str(tmp_path / "var"),
    }
    env.update(values)
    return env


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """A complete production environment; an override of ``None`` leaves that variable out."""
    values: dict[str, str | None] = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),  # 64 random characters
        "ALLOWED_HOSTS": "baton.example",
        "DATABASE_URL": "postgres://baton@127.0.0.1:5432/baton",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    values.update(overrides)
    return clean_env(tmp_path, **{k: v for k, v in values.items() if v is not None})


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def setup_django(env: dict[str, str], script: str = "") -> subprocess.CompletedProcess[str]:
    """``django.setup()`` then ``script``, in a new process with exactly ``env``."""
    code = "import django\ndjango.setup()\n" + textwrap.dedent(script)
    return run(["-c", code], env)


def assert_refused(result: subprocess.CompletedProcess[str], name: str) -> None:
    assert result.returncode != 0, f"settings loaded although {name} is wrong:\n{result.stdout}"
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured"), result.stderr
    assert name in last_line, result.stderr


# --- Production ---------------------------------------------------------------------------------


def test_full_production_environment_loads(tmp_path):
    result = setup_django(
        production_env(tmp_path),
        "from django.conf import settings as s\n"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, TRUSTED_PROXY_COUNT="1"),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_of_a_trusted_proxy_header_with_no_trusted_proxy(tmp_path):
    """Behind a balancer every client would share one address: lockouts and the log break."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, TRUSTED_PROXY_COUNT="0", SECURE_PROXY_SSL_HEADER="true"),
    )

    assert result.returncode != 0
    assert "baton.W001" in result.stdout + result.stderr


def test_check_deploy_is_quiet_without_a_proxy_header(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, TRUSTED_PROXY_COUNT="0", SECURE_PROXY_SSL_HEADER="false"),
    )

    assert "baton.W001" not in result.stdout + result.stderr


def test_two_factor_is_required_for_therapists_and_clinic_admins_in_production(tmp_path):
    result = setup_django(
        production_env(tmp_path),
        "from django.conf import settings as s\nprint(','.join(s.TWO_FACTOR_REQUIRED_ROLES))",
    )

    assert result.returncode == 0, result.stderr
    assert {"therapist", "clinic_admin"} <= set(result.stdout.strip().split(","))


def test_two_factor_is_off_in_development(tmp_path):
    result = setup_django(
        clean_env(tmp_path, DJANGO_ENV="development"),
        "from django.conf import settings as s\nprint(len(s.TWO_FACTOR_REQUIRED_ROLES))",
    )

    assert result.stdout.strip() == "0", result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(tmp_path, missing):
    assert_refused(setup_django(production_env(tmp_path, **{missing: None})), missing)


def test_postgresql_uses_prepared_statements_and_keeps_the_urls_options(tmp_path):
    env = production_env(
        tmp_path,
        DATABASE_URL="postgres://baton@127.0.0.1:5432/baton?sslmode=require&application_name=web",
    )
    script = "from django.conf import settings as s\nprint(json.dumps(s.DATABASES['default']['OPTIONS']))"
    result = setup_django(env, "import json\n" + script)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "sslmode": "require",
        "application_name": "web",
        "server_side_binding": True,
        "prepare_threshold": 2,
    }

    result = setup_django(
        {**env, "DATABASE_PREPARED_STATEMENTS": "false"}, "import json\n" + script
    )
    assert json.loads(result.stdout) == {"sslmode": "require", "application_name": "web"}


def test_production_refuses_to_start_without_a_broker_url(tmp_path):
    result = setup_django(production_env(tmp_path, CELERY_BROKER_URL=None))

    assert_refused(result, "CELERY_BROKER_URL")


@pytest.mark.parametrize("blank", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_a_blank_value_for(tmp_path, blank):
    assert_refused(setup_django(production_env(tmp_path, **{blank: " "})), blank)


def test_production_refuses_a_short_secret_key(tmp_path):
    result = setup_django(production_env(tmp_path, SECRET_KEY="too-short-to-be-a-secret"))

    assert_refused(result, "SECRET_KEY")


def test_production_refuses_debug(tmp_path):
    assert_refused(setup_django(production_env(tmp_path, DEBUG="true")), "DEBUG")


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"EMAIL_TIMEOUT": "60", "TASK_TIME_LIMIT_SECONDS": "60"}, "EMAIL_TIMEOUT"),
        ({"EMAIL_TIMEOUT": "90", "TASK_TIME_LIMIT_SECONDS": "60"}, "EMAIL_TIMEOUT"),
        ({"BROKER_VISIBILITY_TIMEOUT_SECONDS": "360"}, "BROKER_VISIBILITY_TIMEOUT_SECONDS"),
        ({"DELIVERY_LEASE_SECONDS": "30"}, "DELIVERY_LEASE_SECONDS"),
        ({"CONN_MAX_AGE": "abc"}, "CONN_MAX_AGE"),
        ({"CONN_MAX_AGE": "-1"}, "CONN_MAX_AGE"),
        ({"DEBUG": "sometimes"}, "DEBUG"),
        ({"DJANGO_ENV": "prod"}, "DJANGO_ENV"),
        ({"DATABASE_URL": "mysql://db/baton"}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": "127.0.0.1:6379"}, "CELERY_BROKER_URL"),
        ({"SITE_URL": "baton.example"}, "SITE_URL"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT"),
        ({"SWEEP_BATCH_SIZE": "0"}, "SWEEP_BATCH_SIZE"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "EMAIL_USE_SSL"),
    ],
    ids=lambda v: ",".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else "",
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, values, named):
    assert_refused(setup_django(production_env(tmp_path, **values)), named)


# --- Development defaults ------------------------------------------------------------------------

DEVELOPMENT_REPORT = """
    import json, sqlite3
    from django.conf import settings as s
    from django.db import connection, transaction
    from config.celery import app

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout_ms = cursor.fetchone()[0]

    # IMMEDIATE takes the write lock at BEGIN: a second writer cannot start meanwhile.
    with transaction.atomic():
        other = sqlite3.connect(s.DATABASES["default"]["NAME"], timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            writer_blocked = False
        except sqlite3.OperationalError:
            writer_blocked = True
        other.close()

    options = app.conf.broker_transport_options
    print(json.dumps({
        "debug": s.DEBUG,
        "engine": s.DATABASES["default"]["ENGINE"],
        "name": str(s.DATABASES["default"]["NAME"]),
        "journal_mode": journal_mode,
        "busy_timeout_ms": busy_timeout_ms,
        "transaction_mode": connection.transaction_mode,
        "writer_blocked": writer_blocked,
        "atomic_requests": s.DATABASES["default"]["ATOMIC_REQUESTS"],
        "broker_url": app.conf.broker_url,
        "broker_folders": {k: options[k] for k in options if k.endswith("folder")
                           or k.startswith("data_folder")},
        "email_backend": s.EMAIL_BACKEND,
        "email_file_path": s.EMAIL_FILE_PATH,
        "upload_limit": s.DATA_UPLOAD_MAX_MEMORY_SIZE,
        "caches": s.CACHES["default"]["BACKEND"],
    }))
"""


@pytest.fixture(scope="module")
def development(tmp_path_factory) -> dict:
    """What a plain ``make run`` gets: no variables but a private var and broker folder."""
    tmp_path = tmp_path_factory.mktemp("development")
    env = clean_env(tmp_path, BATON_BROKER_DIR=str(tmp_path / "queue"))
    result = setup_django(env, DEVELOPMENT_REPORT)
    assert result.returncode == 0, result.stderr
    return {"tmp": tmp_path, **json.loads(result.stdout)}


def test_development_uses_sqlite_in_the_var_folder(development):
    assert development["debug"] is True
    assert development["engine"] == "django.db.backends.sqlite3"
    assert development["name"] == str(development["tmp"] / "var" / "baton.sqlite3")
    assert Path(development["name"]).is_file()


def test_development_sqlite_runs_in_wal_mode_with_a_20_second_busy_timeout(development):
    assert development["journal_mode"] == "wal"
    assert development["busy_timeout_ms"] == 20_000


def test_development_sqlite_takes_the_write_lock_at_begin(development):
    assert development["transaction_mode"] == "IMMEDIATE"
    assert development["writer_blocked"] is True
    assert development["atomic_requests"] is False


def test_development_broker_folders_are_absolute_and_created_at_start(development):
    queue = development["tmp"] / "queue"
    folders = development["broker_folders"]

    assert development["broker_url"] == "filesystem://"
    assert set(folders) == {
        "data_folder_in",
        "data_folder_out",
        "processed_folder",
        "control_folder",
    }
    for folder in folders.values():
        assert Path(folder).is_absolute()
        assert Path(folder).parent == queue
        assert Path(folder).is_dir(), f"{folder} was not created at start"


def test_development_email_goes_to_files_in_the_var_folder(development):
    assert development["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert development["email_file_path"] == str(development["tmp"] / "var" / "mail")


def test_request_bodies_are_limited_to_one_mebibyte(development):
    assert development["upload_limit"] == 1024 * 1024


# --- CI ---------------------------------------------------------------------------------------------


def test_ci_defaults_every_service_to_loopback(tmp_path):
    script = """
        import json
        from django.conf import settings as s
        db = s.DATABASES["default"]
        print(json.dumps({
            "engine": db["ENGINE"], "host": db["HOST"], "port": db["PORT"],
            "broker": s.CELERY_BROKER_URL, "redis": s.REDIS_URL,
            "require_services": s.REQUIRE_SERVICES,
        }))
    """
    result = setup_django(clean_env(tmp_path, CI="true"), script)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "engine": "django.db.backends.postgresql",
        "host": "127.0.0.1",
        "port": 5432,
        "broker": "redis://127.0.0.1:6379/0",
        "redis": "redis://127.0.0.1:6379/1",
        "require_services": True,
    }


def test_ci_keeps_an_explicit_database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
    script = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    result = setup_django(clean_env(tmp_path, CI="true", DATABASE_URL=url), script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


# --- The site's own address ---------------------------------------------------------------------


def test_site_url_follows_the_port_when_it_is_not_set(tmp_path):
    result = setup_django(
        clean_env(tmp_path, PORT="9123"),
        "from django.conf import settings\nprint(settings.SITE_URL)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:9123"


def test_site_url_wins_over_the_port_when_set(tmp_path):
    result = setup_django(
        clean_env(tmp_path, PORT="9123", SITE_URL="https://baton.example/"),
        "from django.conf import settings\nprint(settings.SITE_URL)",
    )

    assert result.stdout.strip() == "https://baton.example"
