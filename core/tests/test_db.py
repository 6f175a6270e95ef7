"""``core.db.plans_for_these_values``: PostgreSQL plans each statement for its own values inside
the block, and goes back to its generic plans after it, nested or not, failing or not."""

from __future__ import annotations

import pytest
from django.db import connection

from core.db import plans_for_these_values

pytestmark = [pytest.mark.django_db, pytest.mark.services("postgres")]


def plan_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def test_inside_the_block_each_statement_is_planned_for_its_values():
    assert plan_mode() == "auto"
    with plans_for_these_values():
        assert plan_mode() == "force_custom_plan"
        with plans_for_these_values():
            assert plan_mode() == "force_custom_plan"
        assert plan_mode() == "force_custom_plan"  # the inner block leaves the outer's mode
    assert plan_mode() == "auto"


def test_an_error_inside_the_block_still_restores_the_mode():
    with pytest.raises(RuntimeError), plans_for_these_values():
        raise RuntimeError("a step failed")

    assert plan_mode() == "auto"


def test_the_sweep_looks_for_due_reminders_with_a_plan_for_now(monkeypatch):
    """The reason for it: the "anything due?" read must use the partial index however the
    prepared statement was planned before (a generic plan scans every future reminder)."""
    from notifications import sweep

    seen: list[str] = []
    monkeypatch.setattr(sweep, "_any_due_reminder", lambda now: seen.append(plan_mode()))

    sweep.fire_due_reminders()

    assert seen == ["force_custom_plan"]
