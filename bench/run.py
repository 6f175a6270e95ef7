"""Baton's benchmark: ``make bench`` (``.venv/bin/python bench/run.py``). Figures, not tests.

One run measures every figure of issue 16 side by side with its reference, on PostgreSQL and
Redis on loopback, prints a table and writes ``bench/results.json``. See ``bench/README.md``.

Order: a throwaway database is created and migrated; the measured clinic (1,000 handoffs) and
three small clinics (1, 20 and 100 handoffs, for the query counts) are written with COPY; the
in-process figures are taken; gunicorn (2 sync workers, ``bench.settings``) is load-tested with
wrk against the bare view in every round; the database grows to 10,000 and then 100,000
handoffs and the detail and list are measured again; a real Celery worker delivers emails
against a no-op task; the sweep drains 100,000 due reminders; one idle sweep runs over
1,000,000 future reminders. The database and the Redis keys are removed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results.json"
TARGETS: dict[str, tuple[str, float]] = {
    # name: (comparison, target)
    "packet_detail_cost": ("<=", 6.0),
    "handoff_list_cost": ("<=", 8.0),
    "session_log_cost": ("<=", 12.0),
    "dashboard_page_cost": ("<=", 10.0),
    "packet_page_cost": ("<=", 10.0),
    "scale_ratio": ("<=", 1.2),
    "scale_ratio_detail": ("<=", 1.2),
    "scale_ratio_list": ("<=", 1.2),
    "list_queries_flat": ("<=", 0),
    "delivery_ratio": (">=", 0.8),
    "reminder_sweep_rate": (">=", 2000.0),
    "idle_sweep_ms": ("<=", 5.0),
    "worker_rss_mb": ("<=", 200.0),
    "web_rss_mb": ("<=", 150.0),
    # Measured beside the others (issue 16's "measured today" table); the handoff list's
    # target is applied to the other two lists of 20.
    "patient_list_cost": ("<=", 8.0),
    "exercise_list_cost": ("<=", 8.0),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Services ---------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: installing it from Debian's packages")
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", "wrk"]
    if os.geteuid() != 0:
        command = ["sudo", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


def free_redis_db(redis_host: str) -> int:
    """An empty Redis database number (so that flushing it at the end touches nobody else)."""
    import redis

    for number in range(15, 1, -1):
        client = redis.Redis.from_url(f"redis://{redis_host}/{number}")
        if client.dbsize() == 0:
            client.set("baton-bench-claim", "1", ex=3600)
            return number
    raise SystemExit("no empty Redis database between 2 and 15")


def admin_sql(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql)


def environment(args: argparse.Namespace, database: str, redis_db: int, run_id: str) -> dict:
    server = args.postgres.rsplit("/", 1)[0]
    broker = f"redis://{args.redis}/{redis_db}"
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": f"bench-{run_id}-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": f"{server}/{database}",
        "CONN_MAX_AGE": "600",
        "CELERY_BROKER_URL": broker,
        "CELERY_QUEUE": f"baton-bench-{run_id}",
        "REDIS_URL": broker,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_PROXY_SSL_HEADER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        # One user sends thousands of requests a second here: the per-user limit stays on (its
        # two Redis round trips are part of every API figure) but is raised out of reach.
        "RATE_API_PER_USER": "100000000/minute",
        "BATON_VAR_DIR": tempfile.mkdtemp(prefix=f"baton-bench-{run_id}-"),
        "PYTHONPATH": str(ROOT),
    }


# --- Load generation -------------------------------------------------------------------------


class Endpoint:
    def __init__(
        self, name: str, path: str, *, headers: dict[str, str] | None = None, body: str = ""
    ) -> None:
        self.name = name
        self.path = path
        self.headers = headers or {}
        self.body = body

    @property
    def method(self) -> str:
        return "POST" if self.body else "GET"


def lua_script(endpoint: Endpoint, folder: Path) -> Path:
    path = folder / f"{endpoint.name}.lua"
    lines = [f"wrk.method = {json.dumps(endpoint.method)}"]
    if endpoint.body:
        lines.append(f"wrk.body = {json.dumps(endpoint.body)}")
    for key, value in endpoint.headers.items():
        lines.append(f"wrk.headers[{json.dumps(key)}] = {json.dumps(value)}")
    path.write_text("\n".join(lines) + "\n")
    return path


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(
    binary: str,
    base: str,
    endpoint: Endpoint,
    folder: Path,
    *,
    seconds: float,
    connections: int,
    warmup: bool = False,
) -> dict[str, float]:
    command = [
        binary,
        "-t2",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--latency",
        "--timeout",
        "60s",
        "-s",
        str(lua_script(endpoint, folder)),
        base + endpoint.path,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad or errors:
        raise SystemExit(
            f"wrk on {endpoint.name}: {bad.group(0) if bad else errors.group(0)}\n{out}"
        )  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    if rps == 0 and warmup:
        return {"rps": 0.0, "p50_ms": 0.0, "p99_ms": 0.0}
    if rps == 0:
        if seconds >= 60:
            raise SystemExit(f"wrk on {endpoint.name}: no request finished in {seconds:g} s")
        # A machine so busy that no request finished: measure longer rather than divide by 0.
        log(f"  {endpoint.name}: no request finished in {seconds:g} s; measuring for longer")
        return wrk(binary, base, endpoint, folder, seconds=seconds * 3, connections=connections)
    p50 = _ms(re.search(r"\n\s+50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\n\s+99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99}


def check(base: str, endpoint: Endpoint) -> int:
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + endpoint.path,
        data=endpoint.body.encode() if endpoint.body else None,
        headers=endpoint.headers,
        method=endpoint.method,
    )
    # Never follow a redirect: wrk would measure the redirect, not the page.
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            body = response.read()
    except urllib.error.HTTPError as refused:
        raise SystemExit(f"{endpoint.name} {endpoint.path}: {refused.code}") from refused
    if response.status not in (200, 201):
        raise SystemExit(f"{endpoint.name} {endpoint.path}: {response.status}")
    return len(body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def rounds(
    binary: str,
    base: str,
    endpoints: list[Endpoint],
    folder: Path,
    *,
    count: int,
    seconds: float,
    warmup: float,
    connections: int,
) -> dict[str, list[dict[str, float]]]:
    """A warm-up, then ``count`` rounds; every round measures the bare view first."""
    for endpoint in endpoints:
        wrk(binary, base, endpoint, folder, seconds=warmup, connections=connections, warmup=True)
    runs: dict[str, list[dict[str, float]]] = {e.name: [] for e in endpoints}
    for number in range(count):
        for endpoint in endpoints:
            runs[endpoint.name].append(
                wrk(binary, base, endpoint, folder, seconds=seconds, connections=connections)
            )
        line = ", ".join(f"{name} {r[-1]['rps']:.0f}/s" for name, r in runs.items())
        log(f"  round {number + 1}: {line}")
    return runs


def costs(runs: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per endpoint: the median over rounds of (bare req/s ÷ endpoint req/s) in that round."""
    bare = runs["bare"]
    out = {}
    for name, results in runs.items():
        ratios = [b["rps"] / r["rps"] for b, r in zip(bare, results, strict=True)]
        out[name] = {
            "cost": statistics.median(ratios),
            "rps": statistics.median(r["rps"] for r in results),
            "p50_ms": statistics.median(r["p50_ms"] for r in results),
            "p99_ms": statistics.median(r["p99_ms"] for r in results),
            "costs": ratios,
        }
    return out


# --- Processes ---------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def start(command: list[str], env: dict[str, str], logfile: Path) -> subprocess.Popen:
    handle = logfile.open("w")
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- The stages ------------------------------------------------------------------------------------


def query_counts(world: dict[str, Any]) -> dict[str, Any]:
    """Queries per request of each list endpoint and list page at 1, 20 and 100 rows."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    def count(user_id: int, path: str, expect_rows: int | None) -> tuple[int, int]:
        from bench import data

        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = data.session_cookie(user_id)
        client.get(path)  # the first request of a session may refresh it
        queries: list[str] = []

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        if response.get("Content-Type", "").startswith("application/json"):
            rows = len(response.json()["results"])
        else:
            rows = response.content.count(b'href="/handoffs/') - 0
        if expect_rows is not None and rows != expect_rows:
            raise SystemExit(f"{path}: {rows} rows, expected {expect_rows}")
        return len(queries), rows

    out: dict[str, Any] = {}
    for size, block in world["small"].items():
        therapist = block.therapist_id
        checks = {
            "GET handoffs/ (therapist)": (therapist, "/api/v1/handoffs/?page_size=100", size),
            "GET patients/": (therapist, "/api/v1/patients/?page_size=100", size),
            "GET notifications/": (therapist, "/api/v1/notifications/?page_size=100", size),
            "GET exercises/": (therapist, f"/api/v1/exercises/?page_size={size}", size),
            "GET trainers/": (
                therapist,
                f"/api/v1/trainers/?page_size={min(size, 10)}",
                min(size, 10),
            ),
            "handoff list page": (therapist, "/handoffs/", None),
            "dashboard page": (therapist, "/dashboard/", None),
        }
        for name, (user, path, rows) in checks.items():
            queries, got = count(user, path, rows)
            out.setdefault(name, {})[str(size)] = {"queries": queries, "rows": got}
    spread = max(
        max(v["queries"] for v in by.values()) - min(v["queries"] for v in by.values())
        for by in out.values()
    )
    return {"spread": spread, "by_endpoint": out}


def notify_throughput(world: dict[str, Any]) -> dict[str, Any]:
    from django.db import transaction

    from accounts.models import User
    from notifications.services import Notice, notify

    recipients = list(User.objects.filter(pk__in=world["main"].trainer_ids))
    out = {}
    for batch, total in ((1, 300), (300, 3000)):
        started = time.perf_counter()
        for first in range(0, total, batch):
            with transaction.atomic():
                notify(
                    Notice(
                        recipient=recipients[(first + k) % len(recipients)],
                        kind="message",
                        title=f"Notice {first + k}",
                    )
                    for k in range(min(batch, total - first))
                )
        seconds = time.perf_counter() - started
        out[str(batch)] = {"notices": total, "per_second": total / seconds}
    return out


def build(world: dict[str, Any], tags: list[str]) -> float:
    """More clinics of 1,000 handoffs: copies of the measured clinic, made inside PostgreSQL."""
    from bench import data

    started = time.perf_counter()
    data.clone_clinic(data.Loader(), world["main"], tags)
    world["copies"] = world.get("copies", 0) + len(tags)
    data.analyze()
    return time.perf_counter() - started


def handoff_count() -> int:
    from handoff.models import Handoff

    return Handoff.objects.count()


def redis_client(env: dict[str, str]) -> Any:
    import redis

    return redis.Redis.from_url(env["CELERY_BROKER_URL"])


def drained(client: Any, queue: str) -> bool:
    return client.llen(queue) == 0 and client.hlen("unacked") == 0


def wait_drained(
    client: Any, queue: str, *, timeout: float, worker: subprocess.Popen | None = None
) -> float:
    started = time.perf_counter()
    while not drained(client, queue):
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"the worker did not drain {queue} in {timeout:.0f} s")
        if worker is not None and worker.poll() is not None:
            raise SystemExit(f"the worker exited ({worker.returncode}): see its log")
        time.sleep(0.01)
    return time.perf_counter()


def start_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen:
    """``celery worker`` with 2 prefork processes on the benchmark's queue, once it is ready."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "bench.celery_app",
        "worker",
        "--concurrency",
        "2",
        "--pool",
        "prefork",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    for _attempt in range(3):
        # CELERY_SKIP_CHECKS: the worker skips Django's system checks at start, as gunicorn
        # does (before core/drf.py they could fail on a circular import of config.api).
        worker = start(command, {**env, "CELERY_SKIP_CHECKS": "1"}, log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None:
            if " ready." in log.read_text(errors="replace"):
                return worker
            time.sleep(0.2)
        stop(worker)
        sys.stderr.write(log.read_text(errors="replace")[-3000:])
        log_line = "the worker did not start; trying again"
        print(log_line, flush=True)
    raise SystemExit("the Celery worker would not start (its log is above)")


def delivery_stage(
    env: dict[str, str], world: dict[str, Any], folder: Path, *, per_round: int, count: int
) -> dict[str, Any]:
    """A real worker (2 prefork processes) sending emails through the do-nothing backend,
    against the same worker draining no-op tasks; both timed from the first publish to an
    empty queue with nothing unacknowledged."""
    from django.db import connection
    from django.utils import timezone

    from bench import data
    from bench.celery_app import noop
    from notifications.models import Delivery, Notification
    from notifications.services import publish_deliveries

    queue = env["CELERY_QUEUE"]
    client = redis_client(env)
    client.delete(queue)
    client.delete("unacked", "unacked_index")
    worker = start_worker(env, queue, folder / "worker.log")
    try:
        loader = data.Loader()
        trainers = world["main"].trainer_ids

        def pending_deliveries(count: int) -> list[int]:
            now = timezone.now()
            ids = list(loader.ids(Notification, count))
            loader.copy(
                Notification,
                [
                    {
                        "id": nid,
                        "recipient_id": trainers[k % len(trainers)],
                        "kind": "message",
                        "title": "A new message",
                        "link": "/handoffs/1/",
                        "created_at": now,
                    }
                    for k, nid in enumerate(ids)
                ],
            )
            delivery_ids = list(loader.ids(Delivery, count))
            loader.copy(
                Delivery,
                [
                    {
                        "id": did,
                        "notification_id": nid,
                        "next_attempt_at": now,
                        "enqueued_at": now,
                        "idempotency_key": f"notification:{nid}:email",
                        "created_at": now,
                    }
                    for did, nid in zip(delivery_ids, ids, strict=True)
                ],
            )
            loader.finish()
            connection.close()
            return delivery_ids

        # Warm up: the worker is up and both processes have imported everything, the delivery
        # path included (its first email imports the URLconf: a second, once per process).
        for k in range(50):
            noop.apply_async(args=(k,), queue=queue)
        publish_deliveries(pending_deliveries(20))
        wait_drained(client, queue, timeout=120, worker=worker)
        results: dict[str, list[float]] = {"noop": [], "deliveries": []}
        sent_before = Delivery.objects.filter(status="sent").count()
        for _ in range(count):
            started = time.perf_counter()
            for k in range(per_round):
                noop.apply_async(args=(k,), queue=queue)
            results["noop"].append(
                per_round / (wait_drained(client, queue, timeout=600, worker=worker) - started)
            )

            delivery_ids = pending_deliveries(per_round)
            started = time.perf_counter()
            published = publish_deliveries(delivery_ids)
            assert published == per_round, published
            results["deliveries"].append(
                per_round / (wait_drained(client, queue, timeout=600, worker=worker) - started)
            )
            log(f"  noop {results['noop'][-1]:.0f}/s, deliveries {results['deliveries'][-1]:.0f}/s")
        sent = Delivery.objects.filter(status="sent").count() - sent_before
        pool = children(worker.pid)
        worker_rss = max((rss_mb(p) for p in pool), default=0.0)
    finally:
        stop(worker)
    ratios = [d / n for d, n in zip(results["deliveries"], results["noop"], strict=True)]
    return {
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "noop_per_second": statistics.median(results["noop"]),
        "deliveries_per_second": statistics.median(results["deliveries"]),
        "delivered": sent,
        "expected": per_round * count,
        "worker_rss_mb": worker_rss,
    }


def sweep_stage(env: dict[str, str], world: dict[str, Any], reminders: int) -> dict[str, Any]:
    from django.db import connection

    from bench import data
    from handoff.models import Handoff
    from notifications.models import Notification, Reminder
    from notifications.sweep import fire_due_reminders

    subjects = list(
        Handoff.objects.filter(status="sent").order_by("id").values_list("id", "trainer_id")
    )
    loader = data.Loader()
    data.due_reminders(loader, subjects, reminders)
    loader.finish()
    data.analyze()
    before = Notification.objects.filter(kind="respond_reminder").count()
    connection.close()
    started = time.perf_counter()
    handled = fire_due_reminders()
    seconds = time.perf_counter() - started
    made = Notification.objects.filter(kind="respond_reminder").count() - before
    pending = Reminder.objects.filter(status="pending", kind="respond_reminder").count()
    redis_client(env).delete(env["CELERY_QUEUE"])
    return {
        "reminders": reminders,
        "handled": handled,
        "notifications": made,
        "still_pending": pending,
        "seconds": seconds,
        "per_second": handled / seconds,
    }


def idle_sweep_stage(world: dict[str, Any], future: int) -> dict[str, Any]:
    """The whole sweep with ``future`` reminders pending and nothing due, twice: right after
    the previous stage fired its 100,000 reminders (their old index entries not yet vacuumed),
    then as it stands once autovacuum has been by (``VACUUM ANALYZE``): the figure is the
    second, the steady state; the first is reported beside it."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import data
    from notifications.models import Delivery, Reminder
    from notifications.sweep import due_reminders, fire_due_reminders, run_sweep

    # The emails the previous stage queued were never sent (no worker then): as if they were.
    Delivery.objects.filter(status="pending").update(status="sent", sent_at=timezone.now())
    made = data.future_reminders(future, recipient_id=world["main"].therapist_id)
    data.analyze(vacuum=False)  # "right after the burst": the fired reminders not yet vacuumed
    with transaction.atomic():
        plan = due_reminders(timezone.now(), set()).explain()
    uses_index = "Index" in plan and "Seq Scan on notifications_reminder" not in plan

    def timed() -> tuple[float, float, dict[str, int]]:
        run_sweep()  # warm: imports, connection, prepared statements
        timings, reminder_timings = [], []
        for _ in range(7):
            started = time.perf_counter()
            result = run_sweep()
            timings.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            fire_due_reminders()
            reminder_timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings), statistics.median(reminder_timings), result

    after_burst, after_burst_reminders, _ = timed()
    with connection.cursor() as cursor:
        for model in (Reminder, Delivery):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    sweep_ms, reminder_ms, result = timed()
    return {
        "future_reminders": made,
        "sweep_ms": sweep_ms,
        "reminder_step_ms": reminder_ms,
        "sweep_ms_right_after_the_burst": after_burst,
        "reminder_step_ms_right_after_the_burst": after_burst_reminders,
        "sweep_result": result,
        "plan": plan,
        "uses_index": uses_index,
    }


# --- The run ---------------------------------------------------------------------------------------


def guarded(stage: Any, **failed: Any) -> dict[str, Any]:
    """Run a stage; if it fails, keep going with its figures unmet and the error recorded."""
    import traceback

    try:
        return stage()
    except (Exception, SystemExit) as exc:
        traceback.print_exc()
        log(f"  stage failed: {exc!r}")
        return {**failed, "error": repr(exc)}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL (a database baton_bench_* is created there and dropped)",
    )
    parser.add_argument("--redis", default="127.0.0.1:6379", help="host:port of Redis")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one wrk run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--scale", type=int, default=100_000, help="handoffs for scale_ratio")
    parser.add_argument("--deliveries", type=int, default=10_200, help="emails in all")
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--future", type=int, default=1_000_000)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--output", default=str(RESULTS))
    return parser.parse_args(argv)


def machine(env: dict[str, str]) -> dict[str, Any]:
    from django.db import connection

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    import django

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg,
        "redis": redis_client(env).info("server")["redis_version"],
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0],
        "commit": commit,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_average_start": list(os.getloadavg()),
    }


def figure(
    name: str, value: float, unit: str, *, also: bool = True, **details: Any
) -> dict[str, Any]:
    """One result; ``also`` is a further condition of the target (e.g. the plan uses an index)."""
    comparison, target = TARGETS[name]
    met = also and (value <= target if comparison == "<=" else value >= target)
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "target": target,
        "comparison": comparison,
        "met": bool(met),
        **({"details": details} if details else {}),
    }


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    began = time.perf_counter()
    wrk_binary = ensure_wrk()
    run_id = uuid.uuid4().hex[:8]
    database = f"baton_bench_{run_id}"
    redis_db = free_redis_db(args.redis)
    env = {**os.environ, **environment(args, database, redis_db, run_id)}
    for key in ("CI", "BATON_REQUIRE_SERVICES", "EMAIL_FILE_PATH", "SWEEP_BATCH_SIZE"):
        env.pop(key, None)
    os.environ.clear()
    os.environ.update(env)
    folder = Path(env["BATON_VAR_DIR"])
    admin_sql(args.postgres, f'CREATE DATABASE "{database}"')
    gunicorn = None
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from bench import data

        info = machine(env)
        log(f"database {database}, Redis db {redis_db}, {info['cpus']} CPUs ({info['cpu']})")
        call_command("migrate", verbosity=0, interactive=False)
        log("migrated")
        loader = data.Loader()
        exercises = data.exercise_ids()
        started = time.perf_counter()
        world: dict[str, Any] = {
            "main": data.clinic_block(
                loader,
                "riverside",
                handoffs=1000,
                exercises=exercises,
                patient_login_for="accepted",
            ),
            "small": {
                # Each small clinic's first handoff was referred back, so that its dashboard
                # has something that needs attention (and audits it) at every size.
                size: data.clinic_block(
                    loader,
                    f"small{size}",
                    handoffs=size,
                    exercises=exercises,
                    statuses=("referred_back", *data.STATUS_MIX),
                )
                for size in (1, 20, 100)
            },
        }
        loader.finish()
        data.analyze()
        log(
            f"1,000 handoffs in the measured clinic: {loader.rows:,} rows in {time.perf_counter() - started:.1f} s"
        )

        # Production requires therapists to sign in with two factors: give each one an
        # authenticator, so that their tokens and sessions are the verified ones a clinic uses.
        for block in [world["main"], *world["small"].values()]:
            data.second_factor(block.therapist_id)
        main_block = world["main"]
        detail_id = main_block.first("accepted")
        trainer_id = next(t for h, _, _, t in main_block.handoffs if h == detail_id)
        trainer_key = data.api_token(trainer_id)
        therapist_key = data.api_token(main_block.therapist_id)
        patient_key = data.api_token(main_block.patient_user_id)
        therapist_cookie = data.session_cookie(main_block.therapist_id)
        trainer_cookie = data.session_cookie(trainer_id)
        today = datetime.datetime.now(datetime.UTC).date().isoformat()  # clinics are on UTC

        log("in-process: query counts, notify()")
        queries = query_counts(world)
        notify = notify_throughput(world)
        redis_client(env).delete(env["CELERY_QUEUE"])

        def token(key: str) -> dict[str, str]:
            return {"Authorization": f"Token {key}"}

        endpoints = [
            Endpoint("bare", "/bench/bare/"),
            Endpoint(
                "packet_detail",
                f"/api/v1/handoffs/{detail_id}/",
                headers=token(trainer_key),
            ),
            Endpoint(
                "handoff_list",
                "/api/v1/handoffs/?page_size=20",
                headers=token(therapist_key),
            ),
            Endpoint(
                "session_log",
                f"/api/v1/handoffs/{detail_id}/sessions/",
                headers={**token(patient_key), "Content-Type": "application/json"},
                body=json.dumps(
                    {"date": today, "completed": True, "pain": 2, "difficulty": 4, "symptoms": []}
                ),
            ),
            Endpoint(
                "dashboard_page", "/dashboard/", headers={"Cookie": f"sessionid={therapist_cookie}"}
            ),
            Endpoint(
                "packet_page",
                f"/trainer/handoffs/{detail_id}/",
                headers={"Cookie": f"sessionid={trainer_cookie}"},
            ),
            Endpoint(
                "patient_list",
                "/api/v1/patients/?page_size=20",
                headers=token(therapist_key),
            ),
            Endpoint(
                "exercise_list",
                "/api/v1/exercises/?page_size=20",
                headers=token(therapist_key),
            ),
        ]
        from django.db import connection

        connection.close()
        base = f"http://127.0.0.1:{args.port}"
        gunicorn = start(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--log-level",
                "warning",
            ],
            env,
            folder / "gunicorn.log",
        )
        for _ in range(100):
            try:
                check(base, endpoints[0])
                break
            except OSError:
                time.sleep(0.2)
        sizes = {e.name: check(base, e) for e in endpoints}
        log("serving: " + ", ".join(f"{k} {v:,} B" for k, v in sizes.items()))
        serving = costs(
            rounds(
                wrk_binary,
                base,
                endpoints,
                folder,
                count=args.rounds,
                seconds=args.seconds,
                warmup=args.warmup,
                connections=args.connections,
            )
        )
        # The shape as the database grows: 1k (above), 10k, then 100k handoffs.
        scale_endpoints = [
            e for e in endpoints if e.name in ("bare", "packet_detail", "handoff_list")
        ]
        shape = {
            handoff_count(): {
                name: serving[name] for name in ("bare", "packet_detail", "handoff_list")
            }
        }
        steps = [n for n in (10_000, args.scale) if n <= args.scale]
        for total in steps:
            have = handoff_count()
            extra = max(0, (total - have + 999) // 1000)
            if extra == 0:
                continue
            tags = [f"copy{world.get('copies', 0) + k}" for k in range(extra)]
            seconds = build(world, tags)
            connection.close()
            log(f"{handoff_count():,} handoffs in the database ({seconds:.0f} s to add)")
            shape[handoff_count()] = costs(
                rounds(
                    wrk_binary,
                    base,
                    scale_endpoints,
                    folder,
                    count=args.rounds,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    connections=args.connections,
                )
            )
        web_rss = max((rss_mb(p) for p in children(gunicorn.pid)), default=0.0)
        stop(gunicorn)
        gunicorn = None

        log("delivery: a real worker against a no-op task")
        per_round = -(-args.deliveries // args.rounds)
        delivery = guarded(
            lambda: delivery_stage(env, world, folder, per_round=per_round, count=args.rounds),
            ratio=0.0,
            worker_rss_mb=0.0,
            delivered=0,
        )
        log(f"sweep: {args.reminders:,} due reminders")
        sweep = guarded(lambda: sweep_stage(env, world, args.reminders), per_second=0.0)
        log(f"idle sweep: {args.future:,} future reminders")
        idle = guarded(lambda: idle_sweep_stage(world, args.future), sweep_ms=0.0, uses_index=False)

        small, large = min(shape), max(shape)
        detail_ratio = (
            shape[large]["packet_detail"]["p50_ms"] / shape[small]["packet_detail"]["p50_ms"]
        )
        list_ratio = shape[large]["handoff_list"]["p50_ms"] / shape[small]["handoff_list"]["p50_ms"]
        results = [
            figure(
                "packet_detail_cost",
                serving["packet_detail"]["cost"],
                "x bare",
                **serving["packet_detail"],
            ),
            figure(
                "handoff_list_cost",
                serving["handoff_list"]["cost"],
                "x bare",
                **serving["handoff_list"],
            ),
            figure(
                "session_log_cost",
                serving["session_log"]["cost"],
                "x bare",
                **serving["session_log"],
            ),
            figure(
                "dashboard_page_cost",
                serving["dashboard_page"]["cost"],
                "x bare",
                **serving["dashboard_page"],
            ),
            figure(
                "packet_page_cost",
                serving["packet_page"]["cost"],
                "x bare",
                **serving["packet_page"],
            ),
            figure(
                "scale_ratio",
                max(detail_ratio, list_ratio),
                f"p50 at {large:,} / at {small:,}",
                detail=detail_ratio,
                list=list_ratio,
            ),
            figure("scale_ratio_detail", detail_ratio, f"p50 at {large:,} / at {small:,}"),
            figure("scale_ratio_list", list_ratio, f"p50 at {large:,} / at {small:,}"),
            figure(
                "list_queries_flat",
                queries["spread"],
                "queries (most minus fewest at 1/20/100 rows)",
                **queries["by_endpoint"],
            ),
            figure(
                "delivery_ratio",
                delivery["ratio"],
                "deliveries/s / no-op tasks/s",
                **{k: v for k, v in delivery.items() if k != "worker_rss_mb"},
            ),
            figure("reminder_sweep_rate", sweep["per_second"], "reminders/s", **sweep),
            figure(
                "idle_sweep_ms",
                idle["sweep_ms"],
                "ms",
                also=idle["uses_index"],
                **idle,
            ),
            figure(
                "worker_rss_mb", delivery["worker_rss_mb"], "MiB", deliveries=delivery["delivered"]
            ),
            figure("web_rss_mb", web_rss, "MiB"),
            figure(
                "patient_list_cost",
                serving["patient_list"]["cost"],
                "x bare",
                **serving["patient_list"],
            ),
            figure(
                "exercise_list_cost",
                serving["exercise_list"]["cost"],
                "x bare",
                **serving["exercise_list"],
            ),
        ]
        info["load_average_end"] = list(os.getloadavg())
        info["seconds"] = round(time.perf_counter() - began, 1)
        report = {
            "results": results,
            "machine": info,
            "shape": {
                str(n): {
                    name: {k: v[k] for k in ("cost", "rps", "p50_ms", "p99_ms")}
                    for name, v in by.items()
                }
                for n, by in shape.items()
            },
            "in_process": {
                "notify_per_second": notify,
                "response_bytes": sizes,
                "serving": {
                    k: {m: v[m] for m in ("rps", "p50_ms", "p99_ms")} for k, v in serving.items()
                },
            },
        }
        Path(args.output).write_text(json.dumps(report, indent=2, default=str) + "\n")
        print_table(report)
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        admin_sql(args.postgres, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        import redis

        redis.Redis.from_url(f"redis://{args.redis}/{redis_db}").flushdb()
        shutil.rmtree(folder, ignore_errors=True)


def print_table(report: dict[str, Any]) -> None:
    rows = [("figure", "value", "target", "met")]
    for r in report["results"]:
        value = f"{r['value']:,.2f}" if isinstance(r["value"], float) else str(r["value"])
        rows.append(
            (
                r["name"],
                f"{value} {r['unit']}",
                f"{r['comparison']} {r['target']:g}",
                "yes" if r["met"] else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print()
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
    print("\nshape (cost = bare req/s ÷ endpoint req/s; p50 in ms):")
    for n, by in report["shape"].items():
        parts = [
            f"{name} {v['cost']:.1f}x p50 {v['p50_ms']:.1f}"
            for name, v in by.items()
            if name != "bare"
        ]
        print(f"  {int(n):>7,} handoffs: " + "; ".join(parts))
    m = report["machine"]
    print(
        f"\n{m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, PostgreSQL {m['postgresql']}, "
        f"Redis {m['redis']}; load {m['load_average_start'][0]:.1f} → "
        f"{m['load_average_end'][0]:.1f}; {m['seconds']:.0f} s. Written to bench/results.json."
    )


if __name__ == "__main__":
    main(sys.argv[1:])
