"""The modules DRF's settings name import cleanly whichever module a process loads first.

A worker started by Celery's Django fix-up, or a web process, may import ``core.drf`` before DRF
has built ``APIView``; if ``core.drf`` then imported ``rest_framework.views`` the import would be
circular and the process would crash at start. Each case runs in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FIRST_IMPORTS = [
    "import core.drf",
    "import core.api",
    "from rest_framework.views import APIView",
    "import config.api_urls",
    "import config.urls",
    "import notifications.tasks",
]


@pytest.mark.parametrize("first", FIRST_IMPORTS)
def test_a_fresh_process_can_import_first(first):
    code = f"import django; django.setup(); {first}; import config.urls"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_drf_named_classes_do_not_import_rest_framework_views():
    code = (
        "import sys, django; django.setup(); import core.drf; "
        "print('rest_framework.views' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"
