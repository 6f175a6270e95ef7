"""The Celery app is configured as design §6 says: nothing lost, nothing held too long."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from celery.schedules import schedule as Schedule
from django.conf import settings

from config.celery import app
from config.tests.test_settings import BASE_DIR, clean_env

PROJECT_TASKS = "notifications.tasks."


@pytest.fixture(scope="module")
def conf():
    return app.conf


@pytest.fixture(scope="module")
def registered() -> dict:
    """The tasks a worker knows once it has imported the project (as ``celery worker`` does)."""
    app.loader.import_default_modules()
    return dict(app.tasks)


def test_a_task_is_acknowledged_only_after_it_ran(conf):
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True


def test_a_worker_reserves_one_task_at_a_time(conf):
    assert conf.worker_prefetch_multiplier == 1


def test_time_limits_are_set_and_the_soft_one_comes_first(conf):
    assert conf.task_time_limit == settings.TASK_TIME_LIMIT
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit


def test_the_mail_server_timeout_fits_inside_the_hard_time_limit(conf):
    assert conf.task_time_limit > settings.EMAIL_TIMEOUT


def test_a_delivery_lease_outlives_the_hard_time_limit(conf):
    lease = settings.DELIVERY_LEASE
    assert lease >= timedelta(seconds=conf.task_time_limit)


def test_visibility_timeout_exceeds_the_longest_countdown_plus_the_hard_limit(conf):
    assert settings.MAX_TASK_COUNTDOWN == 300
    visibility_timeout = settings.BROKER_VISIBILITY_TIMEOUT
    assert visibility_timeout > 300 + conf.task_time_limit
    if not conf.broker_url.startswith("filesystem://"):  # e.g. Redis, under CI
        options = conf.broker_transport_options
        assert options["visibility_timeout"] == settings.BROKER_VISIBILITY_TIMEOUT


def test_a_redis_broker_gets_the_visibility_timeout(tmp_path):
    """The suite may run on the filesystem broker: load the app on Redis in a new process."""
    script = textwrap.dedent(
        """
        import django, json
        django.setup()
        from config.celery import app
        print(json.dumps({"limit": app.conf.task_time_limit,
                          "options": app.conf.broker_transport_options}))
        """
    )
    env = clean_env(tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["options"]["visibility_timeout"] > 300 + loaded["limit"]


def test_only_json_is_sent_or_accepted(conf):
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert list(conf.accept_content) == ["json"]
    assert conf.result_accept_content in (None, ["json"])  # None: falls back to accept_content


def test_publishing_is_never_retried(conf):
    assert conf.task_publish_retry is False


def test_the_sweep_runs_every_sweep_interval(conf):
    sweep = conf.beat_schedule["sweep"]
    every = sweep["schedule"]
    seconds = every.run_every.total_seconds() if isinstance(every, Schedule) else every

    assert sweep["task"] == "notifications.tasks.sweep_task"
    assert seconds == settings.SWEEP_INTERVAL.total_seconds()
    # A sweep still queued when the next one is due is dropped, never run twice in a row.
    assert sweep["options"]["expires"] <= seconds


def test_every_scheduled_task_is_registered(conf, registered):
    for name, entry in conf.beat_schedule.items():
        assert entry["task"] in registered, f"beat entry {name!r} runs an unknown task"


def test_project_tasks_keep_the_safe_defaults(registered):
    tasks = {name: task for name, task in registered.items() if name.startswith(PROJECT_TASKS)}

    assert "notifications.tasks.deliver_notification_task" in tasks
    for name, task in tasks.items():
        assert task.acks_late is True, name
        assert task.serializer == "json", name
        assert task.time_limit in (None, settings.TASK_TIME_LIMIT), name
