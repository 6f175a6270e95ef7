"""Baton's benchmarks: ``make bench`` (``.venv/bin/python bench/run.py``). Figures, not tests.

(i)   the sweep firing a backlog of due respond reminders: reminders per second, total time;
(ii)  ``notify()``: notifications and deliveries per second, in batches of several sizes;
(iii) ``GET /api/v1/handoffs/`` (and ``patients/``) for a therapist with 200 handoffs:
      median and p95 latency over 50 requests, with the query count;
(iv)  the sweep's peak memory (tracemalloc) over the same backlog.

Every benchmark runs in its own process on its own copy of a freshly migrated throwaway
database (SQLite in a temporary folder; PostgreSQL if ``BENCH_DATABASE_URL`` is set, e.g.
``postgres://postgres@127.0.0.1:5432/postgres``: databases named ``baton_bench_*`` are created
there and dropped afterwards). Options: ``--help``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bootstrap import Target, child_env, new_run_id, setup_django, target_from_env  # noqa: E402

RESULT = "BENCH-RESULT "
CHOICES = ("sweep", "memory", "notify", "api")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=CHOICES, help="run only these benchmarks")
    parser.add_argument("--reminders", type=int, default=5000, help="backlog size (i, iv)")
    parser.add_argument(
        "--handoffs",
        type=int,
        default=2500,
        help="sent handoffs built through the services for the backlog (each schedules two "
        "respond reminders; the rest of the backlog is topped up with the same rows)",
    )
    parser.add_argument("--api-handoffs", type=int, default=200, help="the therapist's handoffs")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per endpoint")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument(
        "--notify",
        default="1x1000,50x5000,300x5000",
        help="batches for notify(): BATCHxTOTAL,… (notices per transaction x notices)",
    )
    parser.add_argument("--json", action="store_true", help="also print every raw figure")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--options", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def options_from(args: argparse.Namespace) -> dict[str, Any]:
    batches = []
    for part in args.notify.split(","):
        batch, total = part.lower().split("x")
        batches.append((int(batch), int(total)))
    return {
        "reminders": args.reminders,
        "handoffs": args.handoffs,
        "api_handoffs": args.api_handoffs,
        "requests": args.requests,
        "page_size": args.page_size,
        "notify_batches": batches,
    }


# --- In a benchmark process -------------------------------------------------------------------


def child(stage: str, options: dict[str, Any]) -> None:
    setup_django()
    from bench.stages import STAGES

    result = STAGES[stage](options)
    print(RESULT + json.dumps(result, default=str), flush=True)


# --- The parent: databases, processes, the table --------------------------------------------------


class Runner:
    def __init__(self, target: Target, options: dict[str, Any]) -> None:
        self.target = target
        self.options = options
        self.run_id = new_run_id()
        self.workdir = Path(tempfile.mkdtemp(prefix=f"baton-bench-{self.run_id}-"))
        self.template = target.template_url(self.workdir, self.run_id)

    def stage(self, stage: str, database_url: str, folder: str) -> dict[str, Any]:
        env = child_env(self.workdir / folder, database_url, self.run_id)
        command = [sys.executable, str(Path(__file__)), "--child", stage]
        command += ["--options", json.dumps(self.options)]
        started = time.perf_counter()
        print(f"  … {folder}: {stage}", end="", flush=True)
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        print(f" ({time.perf_counter() - started:.1f} s)", flush=True)
        lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT)]
        if proc.returncode != 0 or not lines:
            sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-6000:])
            raise SystemExit(f"benchmark stage {stage!r} failed (exit {proc.returncode})")
        return json.loads(lines[-1][len(RESULT) :])

    def clone(self, source: str, name: str) -> str:
        return self.target.clone(source, self.workdir, self.run_id, name)

    def run(self, chosen: tuple[str, ...]) -> dict[str, Any]:
        results: dict[str, Any] = {}
        self.target.create_template(self.template)
        results["migrate"] = self.stage("migrate", self.template, "template")
        if {"sweep", "memory"} & set(chosen):
            backlog = self.clone(self.template, "backlog")
            results["backlog"] = self.stage("backlog", backlog, "backlog")
            if "sweep" in chosen:
                results["sweep"] = self.stage("sweep", self.clone(backlog, "sweep"), "sweep")
            if "memory" in chosen:
                url = self.clone(backlog, "memory")
                results["memory"] = self.stage("sweep_memory", url, "memory")
        if "notify" in chosen:
            results["notify"] = self.stage("notify", self.clone(self.template, "notify"), "notify")
        if "api" in chosen:
            results["api"] = self.stage("api", self.clone(self.template, "api"), "api")
        return results

    def close(self) -> None:
        self.target.drop_all(self.run_id)
        shutil.rmtree(self.workdir, ignore_errors=True)


def table(results: dict[str, Any], options: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if "sweep" in results:
        s = results["sweep"]
        rows.append(
            (
                f"(i) sweep: {s['fired']:,} due respond reminders",
                f"{s['per_second']:,.0f} reminders/s, {s['seconds']:.2f} s in all "
                f"(batches of {s['batch_size']}; {s['deliveries']:,} deliveries, "
                f"{s['published']:,} published)",
            )
        )
    for batch, n in results.get("notify", {}).get("batches", {}).items():
        rows.append(
            (
                f"(ii) notify(): {n['notifications']:,} notices, {batch} per transaction",
                f"{n['notifications_per_second']:,.0f} notifications/s + "
                f"{n['deliveries_per_second']:,.0f} deliveries/s ({n['seconds']:.2f} s)",
            )
        )
    api = results.get("api", {})
    for name in ("handoffs", "patients"):
        if name not in api:
            continue
        a = api[name]
        label = f"(iii) GET /api/v1/{name}/?page_size={options['page_size']}"
        if "skipped" in a:
            rows.append((label, f"skipped: {a['skipped']}"))
            continue
        rows.append(
            (
                label,
                f"median {a['median_ms']:.1f} ms, p95 {a['p95_ms']:.1f} ms "
                f"({options['requests']} requests; {a['page']} of {a['count']} rows; "
                f"{a['queries']} queries)",
            )
        )
    if "memory" in results:
        m = results["memory"]
        rows.append(
            (
                f"(iv) sweep peak memory: {m['fired']:,} reminders",
                f"{m['peak_mib']:.1f} MiB peak (tracemalloc), {m['retained_mib']:.2f} MiB "
                "retained after",
            )
        )
    return rows


def header(target: Target) -> str:
    return (
        f"Baton benchmarks, {datetime.datetime.now().astimezone().date()}: {target.label}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.machine()}"
    )


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.child:
        child(args.child, json.loads(args.options))
        return
    options = options_from(args)
    target = target_from_env()
    print(header(target))
    runner = Runner(target, options)
    try:
        results = runner.run(tuple(args.only or CHOICES))
    finally:
        runner.close()
    rows = table(results, options)
    width = max(len(label) for label, _ in rows)
    print()
    for label, figure in rows:
        print(f"{label.ljust(width)}  {figure}")
    backlog = results.get("backlog")
    if backlog:
        print(
            f"\nBacklog: {backlog['handoffs']:,} handoffs sent through the services "
            f"({backlog['handoffs'] * 2:,} reminders), {backlog['topped_up']:,} more reminder "
            f"rows; built in {backlog['seconds']:.0f} s."
        )
    if args.json:
        print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
