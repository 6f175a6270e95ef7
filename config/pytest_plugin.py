"""Loaded by pytest before Django reads its settings (``-p config.pytest_plugin``).

The suite runs with the test profile, and every run gets its own folder, Celery queue, mail
folder and broker folder, so two runs on one machine (or one Redis) never meet.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

RUN_ID = uuid.uuid4().hex[:10]
RUN_DIR = Path(tempfile.mkdtemp(prefix=f"baton-test-{RUN_ID}-"))

os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("CELERY_QUEUE", f"baton-test-{RUN_ID}")
os.environ.setdefault("EMAIL_FILE_PATH", str(RUN_DIR / "mail"))
os.environ.setdefault("BATON_BROKER_DIR", str(RUN_DIR / "broker"))
