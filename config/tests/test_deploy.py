"""What Baton ships to run its processes (deploy/): every unit restarts what dies, for ever, and
runs the commands the README documents (issue 11)."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def unit(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def test_the_web_worker_and_beat_units_are_shipped():
    assert [u.name for u in UNITS] == [
        "baton-beat.service",
        "baton-web.service",
        "baton-worker@.service",
    ]


@pytest.mark.parametrize("path", UNITS, ids=[u.name for u in UNITS])
def test_every_unit_restarts_whatever_ends_it_within_seconds_and_never_gives_up(path):
    parsed = unit(path)

    assert parsed["Service"]["Restart"] == "always"
    assert int(parsed["Service"]["RestartSec"]) <= 5
    assert parsed["Unit"]["StartLimitIntervalSec"] == "0"
    assert parsed["Service"]["KillMode"] == "mixed"


def test_the_worker_unit_runs_the_readme_command_and_stops_within_the_task_time_limit():
    parsed = unit(DEPLOY / "systemd" / "baton-worker@.service")
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()

    command = parsed["Service"]["ExecStart"].removeprefix("/srv/baton/")
    flags = command.split(" -n ")[0]
    assert flags == ".venv/bin/celery -A config worker --concurrency 4 --loglevel INFO"
    assert flags in readme
    assert "%%h" in command  # Celery's %h, escaped from systemd
    # The default TASK_TIME_LIMIT_SECONDS: no task outlives it, so neither may a shutdown.
    assert int(parsed["Service"]["TimeoutStopSec"]) == 60
