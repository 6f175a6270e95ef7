"""The short soak in CI: ``bench/soak.py`` with 50 clients for about 15 s (``make soak`` runs the
full minute). It fails on any 5xx, any delivery not sent, or any email not received exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.services("postgres", "redis")
@pytest.mark.timeout(900)
def test_a_short_soak_has_no_5xx_and_sends_every_email_once():
    seconds = os.environ.get("BATON_SOAK_SECONDS", "15")
    result = subprocess.run(
        [sys.executable, "bench/soak.py", "--clients", "50", "--seconds", seconds],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=850,
        env={k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}},
    )
    report = result.stdout[-3000:]
    print(report)  # the percentiles, in the CI log
    assert result.returncode == 0, report + result.stderr[-3000:]
    assert "OK" in report
