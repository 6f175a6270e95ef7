"""A bounded soak on loopback: gunicorn + PostgreSQL + Redis + two Celery workers + an SMTP sink.

``python bench/soak.py --clients 50 --seconds 60`` (``make soak``) or ``--seconds 15`` (CI):

1. Makes a fresh PostgreSQL database, migrates it and seeds a clinic, a partnered gym, trainers,
   patients and handoffs (accepted ones to work on, drafts to send and accept), with a token per
   person (issued directly: the token endpoint's rate limit is not what is being measured).
2. Starts an SMTP sink (aiosmtpd), gunicorn (3 processes) and two Celery workers on a private
   queue, all with the same environment.
3. Runs N clients for the duration, each one person doing a clinic's mix: lists, packets,
   notifications, messages, session logs, sends and accepts.
4. Drains: waits until no delivery is pending or sending, then stops everything.
5. Checks: zero 5xx; every delivery row sent; every sent delivery received by the sink exactly
   once (``X-Baton-Delivery``) and nothing else received. Prints p50/p95/p99 per request kind.

Exit status 0 only if every check passed. Needs PostgreSQL and Redis on loopback (as CI has).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- The SMTP sink ---------------------------------------------------------------------------------


class Sink:
    """Counts received emails by their ``X-Baton-Delivery`` header."""

    def __init__(self) -> None:
        self.counts: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes

        key = message_from_bytes(envelope.content).get("X-Baton-Delivery", "<none>")
        with self.lock:
            self.counts[key] += 1
        return "250 OK"


# --- Setting up -----------------------------------------------------------------------------------


def environment(run: str, smtp_port: int, pg: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "CI": "",
        "DATABASE_URL": f"{pg}/baton_soak_{run}",
        "CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": os.environ.get("SOAK_BROKER_URL", "redis://127.0.0.1:6379/0"),
        "CELERY_QUEUE": f"baton-soak-{run}",
        "REDIS_URL": os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/1"),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "10",
        "BATON_VAR_DIR": str(Path(tempfile.gettempdir()) / f"baton-soak-{run}"),
        "RATE_API_PER_USER": "1000000/minute",
        "RATE_API_ANONYMOUS_PER_ADDRESS": "1000000/minute",
        "RATE_TOKEN_PER_ADDRESS": "1000000/minute",
        "TWO_FACTOR_REQUIRED_ROLES": "none",
        "LOG_LEVEL": "WARNING",
    }


def seed(clients: int) -> dict[str, Any]:
    """People, handoffs and tokens, written through the services (in this process)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.services import issue_token
    from accounts.tests.factories import UserFactory
    from clinics.tests.factories import ClinicMembershipFactory, PatientFactory
    from gyms.tests.factories import GymFactory, TrainerMembershipFactory
    from handoff.tests import builders
    from organisations.models import Partnership

    clinic_membership = ClinicMembershipFactory(user__email="pt@soak.test")
    clinic, therapist = clinic_membership.clinic, clinic_membership.user
    gym = GymFactory(name="Soak Gym")
    Partnership.objects.create(
        clinic=clinic, gym=gym, status=Partnership.Status.ACTIVE, proposed_by_side="clinic"
    )
    trainers = [
        TrainerMembershipFactory(gym=gym, capacity=100, user__email=f"t{i}@soak.test").user
        for i in range(max(2, clients // 5))
    ]
    people: list[dict[str, Any]] = []
    accepted, drafts = [], []
    for i in range(clients * 2):
        user = UserFactory(email=f"p{i}@soak.test")
        record = PatientFactory(clinic=clinic, email=user.email, user=user)
        trainer = trainers[i % len(trainers)]
        state = "accepted" if i % 2 == 0 else "draft"
        handoff = builders.in_state(
            state, therapist=therapist, patient_record=record, trainer=trainer
        )
        (accepted if state == "accepted" else drafts).append(
            {"handoff": handoff.pk, "trainer": trainer.pk, "patient": user.pk}
        )
        if state == "accepted" and i < clients:
            people.append({"role": "patient", "token": issue_token(user), "handoff": handoff.pk})
    therapist_token = issue_token(therapist)
    trainer_tokens = {t.pk: issue_token(t) for t in trainers}
    return {
        "therapist": therapist_token,
        "trainers": trainer_tokens,
        "patients": people,
        "accepted": accepted,
        "drafts": drafts,
    }


# --- The clients ---------------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: collections.Counter[int] = collections.Counter()
        self.errors: list[str] = []

    def add(self, kind: str, status: int, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[status] += 1
            if status >= 500 or status == 0:
                self.errors.append(f"{kind} {status} {detail[:200]}")


class Client:
    def __init__(self, port: int, token: str, results: Results) -> None:
        self.port, self.token, self.results = port, token, results
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, kind: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Token {self.token}", "Host": "127.0.0.1"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        try:
            self.conn.request(method, f"/api/v1/{path}", data, headers)
            response = self.conn.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.results.add(kind, 0, time.perf_counter() - start, repr(exc))
            return 0, None
        self.results.add(kind, status, time.perf_counter() - start, raw.decode(errors="replace"))
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None


def staff_loop(
    client: Client, world: dict[str, Any], stop: threading.Event, rng: random.Random, role: str
) -> None:
    while not stop.is_set():
        choice = rng.random()
        handoff = rng.choice(world["accepted"])["handoff"]
        if choice < 0.35:
            client.call("list handoffs", "GET", "handoffs/?page_size=20")
        elif choice < 0.6:
            client.call("read packet", "GET", f"handoffs/{handoff}/")
        elif choice < 0.7:
            client.call("notifications", "GET", "notifications/?unread=true")
        elif choice < 0.85:
            client.call(
                "send message",
                "POST",
                f"handoffs/{handoff}/messages/",
                {"body": "How did today's session go?", "to_patient": False},
            )
        elif role == "therapist" and world["drafts"]:
            try:
                draft = world["drafts"].pop()
            except IndexError:
                continue
            status, _ = client.call("send packet", "POST", f"handoffs/{draft['handoff']}/send/")
            if status == 200:
                world["sent"].append(draft)
        elif role == "trainer" and world["sent"]:
            try:
                sent = world["sent"].pop()
            except IndexError:
                continue
            token = world["trainers"][sent["trainer"]]
            other = Client(client.port, token, client.results)
            other.call("accept packet", "POST", f"handoffs/{sent['handoff']}/accept/")
            other.conn.close()
        else:
            client.call("check-ins", "GET", f"handoffs/{handoff}/check-ins/")


def patient_loop(
    client: Client, person: dict[str, Any], stop: threading.Event, rng: random.Random
) -> None:
    handoff = person["handoff"]
    while not stop.is_set():
        choice = rng.random()
        if choice < 0.4:
            client.call("patient plan", "GET", f"handoffs/{handoff}/")
        elif choice < 0.7:
            client.call("session logs", "GET", f"handoffs/{handoff}/sessions/")
        elif choice < 0.85:
            client.call(
                "log session",
                "POST",
                f"handoffs/{handoff}/sessions/",
                {
                    "date": time.strftime("%Y-%m-%d"),
                    "completed": True,
                    "pain": rng.randint(0, 3),
                    "symptoms": [],
                    "note": "Soak session",
                },
            )
        else:
            client.call("notifications", "GET", "notifications/")


# --- Running ---------------------------------------------------------------------------------------


def wait_for_http(port: int, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    last: object = None
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            last = conn.getresponse().status
            if last in (200, 503):
                return
        except (OSError, http.client.HTTPException) as exc:
            last = exc
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer: {last!r}")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def drain(timeout: float) -> dict[str, int]:
    from notifications.models import Delivery

    deadline = time.time() + timeout
    while True:
        open_rows = Delivery.objects.filter(status__in=["pending", "sending"]).count()
        if open_rows == 0 or time.time() > deadline:
            break
        time.sleep(1)
    return dict(collections.Counter(Delivery.objects.values_list("status", flat=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--pg", default=os.environ.get("SOAK_PG", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    smtp_port, web_port = free_port(), free_port()
    env = environment(run, smtp_port, args.pg)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    Path(env["BATON_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", f"baton_soak_{run}"], check=True
    )

    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        print(f"soak {run}: seeding {args.clients} clients' data…", flush=True)
        world = seed(args.clients)
        world["sent"] = []
        from django.db import connections

        connections.close_all()
        processes.append(
            subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi",
                    "--workers",
                    "3",
                    "--threads",
                    "4",
                    # Longer than a client's pause between requests: gunicorn's default (2 s)
                    # closes an idle kept-alive connection just as the client reuses it, which
                    # the client sees as a dropped connection although the server never failed.
                    "--keep-alive",
                    "75",
                    "--bind",
                    f"127.0.0.1:{web_port}",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
            )
        )
        for n in (1, 2):
            processes.append(
                subprocess.Popen(
                    [
                        str(BIN / "celery"),
                        "-A",
                        "config",
                        "worker",
                        "--concurrency",
                        "2",
                        "-Q",
                        env["CELERY_QUEUE"],
                        "-n",
                        f"soak{n}-{run}@%h",
                        "--loglevel",
                        "WARNING",
                    ],
                    cwd=ROOT,
                    env=env,
                )
            )
        wait_for_http(web_port)
        results = Results()
        stop = threading.Event()
        threads = []
        patients = world["patients"]
        for i in range(args.clients):
            rng = random.Random(i)
            if i % 3 == 0 and patients:
                person = patients[i % len(patients)]
                target = patient_loop
                call_args: tuple[Any, ...] = (
                    Client(web_port, person["token"], results),
                    person,
                    stop,
                    rng,
                )
            else:
                role = "therapist" if i % 3 == 1 else "trainer"
                token = (
                    world["therapist"]
                    if role == "therapist"
                    else rng.choice(list(world["trainers"].values()))
                )
                target = staff_loop
                call_args = (Client(web_port, token, results), world, stop, rng, role)
            threads.append(threading.Thread(target=target, args=call_args, daemon=True))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.perf_counter() - started
        print("drained in up to 90 s…", flush=True)
        statuses = drain(timeout=90)
        time.sleep(1)  # the last SMTP transaction's 250 may still be on its way to the counter
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        controller.stop()
    outcome = report(run, args, results, elapsed, statuses, sink)
    from django.db import connections

    connections.close_all()
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", f"baton_soak_{run}"],
        check=False,
    )
    return outcome


def report(
    run: str, args: Any, results: Results, elapsed: float, statuses: dict[str, int], sink: Sink
) -> int:
    from notifications.models import Delivery

    all_latencies = [v for values in results.latency.values() for v in values]
    total = len(all_latencies)
    print(
        f"\nsoak {run}: {args.clients} clients, {elapsed:.0f} s, {total} requests "
        f"({total / elapsed:.0f}/s); statuses {dict(sorted(results.statuses.items()))}"
    )
    print(f"{'request':<16}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in [*sorted(results.latency.items()), ("ALL", all_latencies)]:
        print(
            f"{kind:<16}{len(values):>7}"
            + "".join(f"{percentile(values, p) * 1000:>9.0f}" for p in (50, 95, 99))
        )
    sent_keys = set(
        Delivery.objects.filter(status="sent").values_list("idempotency_key", flat=True)
    )
    duplicated = {k: n for k, n in sink.counts.items() if n > 1}
    missing = sent_keys - set(sink.counts)
    unknown = set(sink.counts) - sent_keys
    print(
        f"deliveries {statuses}; emails received {sum(sink.counts.values())}, "
        f"distinct {len(sink.counts)}, duplicated {len(duplicated)}, missing {len(missing)}, "
        f"unexpected {len(unknown)}"
    )
    problems = []
    if results.errors:
        problems.append(f"{len(results.errors)} 5xx or connection errors: {results.errors[:5]}")
    if set(statuses) - {"sent"}:
        problems.append(f"deliveries not all sent: {statuses}")
    if duplicated or missing or unknown:
        problems.append("emails not each sent exactly once")
    if not sent_keys:
        problems.append("no email was sent at all")
    for problem in problems:
        print(f"FAIL: {problem}")
    print("OK" if not problems else "FAILED", flush=True)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
