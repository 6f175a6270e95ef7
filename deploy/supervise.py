#!/usr/bin/env python3
"""Run one command and keep it running: Baton's process supervisor for `make run` and hosts
without systemd (the systemd units in this folder do the same with ``Restart=always``).

    python deploy/supervise.py [--stop-timeout S] [--name NAME] -- celery -A config worker ...

- The command runs in a process group of its own. When it exits for any reason other than
  being told to stop, it is started again after a short pause (1 s, doubling to 30 s while it
  keeps dying within a minute of its start). Each restart is logged on stderr.
- SIGTERM, SIGINT (Ctrl-C) or SIGHUP stop it: the command's group gets SIGTERM (Celery's warm
  shutdown: the task in progress finishes); whatever is still running ``--stop-timeout``
  seconds later (default: ``TASK_TIME_LIMIT_SECONDS``, 60) gets SIGKILL. No task may run
  longer than that anyway, so a warm shutdown that hangs (seen with the broker away) never
  outlives the task time limit, and a task cut short is safe: deliveries are leased rows,
  sent again by the sweep after their lease (DESIGN §6).

Standard library only, so it runs before the virtualenv exists and under any Python 3.11.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from types import FrameType

RESTART_PAUSE_FIRST = 1.0
RESTART_PAUSE_MAX = 30.0
# A command that ran this long before dying is restarted after the first pause again.
STABLE_AFTER_SECONDS = 60.0


def log(name: str, message: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} supervise[{name}]: {message}", file=sys.stderr, flush=True)


def default_stop_timeout() -> float:
    try:
        limit = int(os.environ.get("TASK_TIME_LIMIT_SECONDS", "60"))
    except ValueError:
        limit = 60
    return float(limit)


class Supervisor:
    def __init__(self, command: list[str], *, name: str, stop_timeout: float) -> None:
        self.command = command
        self.name = name
        self.stop_timeout = stop_timeout
        self.stopping = False

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            log(self.name, f"{signal.Signals(signum).name}: stopping")
        self.stopping = True

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self.on_signal)
        pause = RESTART_PAUSE_FIRST
        restarts = 0
        code = 0
        while not self.stopping:
            started = time.monotonic()
            # A group of its own: a terminal's Ctrl-C reaches only this supervisor, which
            # stops the command once (a second SIGINT would make Celery shut down cold).
            # The command is the operator's own (argv), as with any supervisor.
            child = subprocess.Popen(self.command, start_new_session=True)  # noqa: S603
            log(self.name, f"started pid {child.pid} (restarts so far: {restarts})")
            code = self.wait_or_stop(child)
            if self.stopping:
                break
            ran = time.monotonic() - started
            with contextlib.suppress(ProcessLookupError):  # pool children left behind
                os.killpg(child.pid, signal.SIGKILL)
            pause = RESTART_PAUSE_FIRST if ran >= STABLE_AFTER_SECONDS else pause
            log(self.name, f"pid {child.pid} exited with {code}; restarting in {pause:.0f}s")
            restarts += 1
            self.sleep(pause)
            pause = min(pause * 2, RESTART_PAUSE_MAX)
        return code

    def wait_or_stop(self, child: subprocess.Popen[bytes]) -> int:
        while True:
            try:
                return child.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                if self.stopping:
                    return self.stop_child(child)

    def stop_child(self, child: subprocess.Popen[bytes]) -> int:
        pgid = child.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            code = child.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            log(self.name, f"pid {pgid} still running after {self.stop_timeout:.0f}s: SIGKILL")
            code = -signal.SIGKILL
        # The pool children too, whether or not the main process waited for them.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)
        log(self.name, f"pid {pgid} stopped")
        return 0 if code in (0, -signal.SIGTERM) else code

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stop-timeout", type=float, default=default_stop_timeout())
    parser.add_argument("--name", default="")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    name = args.name or os.path.basename(command[0])
    return Supervisor(command, name=name, stop_timeout=args.stop_timeout).run()


if __name__ == "__main__":
    sys.exit(main())
