"""A throwaway world for one benchmark: its own folder, database, broker folder and mail folder.

Each benchmark runs in a process of its own (settings are read once per process). The parent
prepares one migrated database and every benchmark starts from a copy of it, so no benchmark
sees another's rows or pays for migrations.

The database is a SQLite file (the embedded default) unless ``BENCH_DATABASE_URL`` names a
PostgreSQL server: then each benchmark gets its own database, cloned from a migrated template.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Variables that would point a benchmark at the developer's own services or folders.
INHERITED_OUT = (
    "CI",
    "BATON_REQUIRE_SERVICES",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "BATON_VAR_DIR",
    "BATON_BROKER_DIR",
    "EMAIL_FILE_PATH",
    "EMAIL_BACKEND",
    "DEBUG",
    "SWEEP_BATCH_SIZE",
)


@dataclass(frozen=True)
class Target:
    """Where the benchmark databases live: SQLite files, or databases on a PostgreSQL server."""

    server_url: str | None  # None: SQLite

    @property
    def label(self) -> str:
        return "PostgreSQL" if self.server_url else "SQLite (WAL)"

    def template_url(self, workdir: Path, run_id: str) -> str:
        if self.server_url is None:
            return f"sqlite:///{workdir / 'template.sqlite3'}"
        return _with_database(self.server_url, f"baton_bench_{run_id}_template")

    def clone(self, template_url: str, workdir: Path, run_id: str, name: str) -> str:
        """A fresh copy of the migrated template for one benchmark; returns its URL."""
        if self.server_url is None:
            target = workdir / f"{name}.sqlite3"
            shutil.copyfile(urlsplit(template_url).path, target)
            return f"sqlite:///{target}"
        database = f"baton_bench_{run_id}_{name}"
        template = urlsplit(template_url).path.lstrip("/")
        _admin_sql(self.server_url, f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        return _with_database(self.server_url, database)

    def create_template(self, template_url: str) -> None:
        if self.server_url is not None:
            name = urlsplit(template_url).path.lstrip("/")
            _admin_sql(self.server_url, f'CREATE DATABASE "{name}"')

    def drop_all(self, run_id: str) -> None:
        if self.server_url is None:
            return
        import psycopg

        prefix = f"baton_bench_{run_id}_"
        with psycopg.connect(_with_database(self.server_url, "postgres"), autocommit=True) as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"]
                )
            ]
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def target_from_env() -> Target:
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if url and not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("BENCH_DATABASE_URL must be a postgres:// URL (SQLite is the default).")
    return Target(server_url=url or None)


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def _admin_sql(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def new_run_id() -> str:
    return uuid.uuid4().hex[:8]


def child_env(workdir: Path, database_url: str, run_id: str) -> dict[str, str]:
    """The environment of a benchmark process: the test profile on its own folders."""
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_OUT}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="test",  # DEBUG off (no query log), a fast password hasher for the data
        DATABASE_URL=database_url,
        BATON_VAR_DIR=str(workdir / "var"),
        CELERY_BROKER_URL="filesystem://",  # the embedded default, in this folder
        BATON_BROKER_DIR=str(workdir / "broker"),
        CELERY_QUEUE=f"baton-bench-{run_id}",
        EMAIL_FILE_PATH=str(workdir / "mail"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def setup_django() -> None:
    """In a benchmark process: settings come from the environment ``child_env`` made."""
    import django

    django.setup()
