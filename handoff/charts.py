"""The pain and adherence chart, drawn by the server as SVG (no script, so the CSP holds).

Two panels: pain per logged session against the packet's pain ceiling, and sessions per week
against the prescribed frequency. The numbers are laid out here; the template draws them and
puts the same figures in a text table beside the chart for screen readers and print.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 34
MAX_SESSIONS = 60  # the most recent ones; older sessions stay in the table


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: datetime.date
    pain: int
    over: bool


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week_of: datetime.date
    sessions: int
    short: bool


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM
    top: int = TOP
    points: list[Point] = field(default_factory=list)
    path: str = ""
    ceiling: int = 5
    ceiling_y: float = 0.0
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    per_week: int = 0
    target_y: float = 0.0
    bar_ticks: list[Tick] = field(default_factory=list)
    bar_y_ticks: list[Tick] = field(default_factory=list)
    summary: str = ""
    adherence_summary: str = ""

    @property
    def empty(self) -> bool:
        return not self.points


def _y(value: float, top_value: float) -> float:
    span = HEIGHT - BOTTOM - TOP
    return round(HEIGHT - BOTTOM - span * value / top_value, 1)


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    if count <= 1:
        return LEFT + span / 2
    return round(LEFT + span * index / (count - 1), 1)


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def build_chart(sessions: Sequence, *, ceiling: int, per_week: int) -> Chart:
    """``sessions``: session logs (``date``, ``pain``, ``completed``), any order."""
    chart = Chart(ceiling=ceiling, per_week=per_week)
    logs = sorted(sessions, key=lambda s: (s.date, getattr(s, "pk", 0)))[-MAX_SESSIONS:]
    chart.y_ticks = [Tick(_y(v, 10), str(v)) for v in (0, 2, 4, 6, 8, 10)]
    chart.ceiling_y = _y(ceiling, 10)
    if not logs:
        return chart
    chart.points = [
        Point(_x(i, len(logs)), _y(s.pain, 10), s.date, s.pain, s.pain > ceiling)
        for i, s in enumerate(logs)
    ]
    chart.path = "M " + " L ".join(f"{p.x} {p.y}" for p in chart.points)
    step = max(1, len(logs) // 6)
    chart.x_ticks = [Tick(p.x, f"{p.day:%d %b}") for p in chart.points[::step]]
    over = sum(p.over for p in chart.points)
    chart.summary = (
        f"{len(logs)} sessions from {logs[0].date:%d %b %Y} to {logs[-1].date:%d %b %Y}; "
        f"pain from {min(s.pain for s in logs)} to {max(s.pain for s in logs)} out of 10; "
        f"{over} above the ceiling of {ceiling}."
    )
    _adherence(chart, logs, per_week)
    return chart


def _adherence(chart: Chart, logs: Sequence, per_week: int) -> None:
    first, last = _monday(logs[0].date), _monday(logs[-1].date)
    weeks = []
    week = first
    while week <= last:
        weeks.append(week)
        week += datetime.timedelta(days=7)
    counts = dict.fromkeys(weeks, 0)
    for s in logs:
        if s.completed:
            counts[_monday(s.date)] += 1
    top = max([per_week, *counts.values(), 1]) + 1
    span = WIDTH - LEFT - RIGHT
    slot = span / len(weeks)
    width = min(48.0, slot * 0.6)
    chart.bars = [
        Bar(
            x=round(LEFT + slot * i + (slot - width) / 2, 1),
            y=_y(counts[w], top),
            width=round(width, 1),
            height=round(HEIGHT - BOTTOM - _y(counts[w], top), 1),
            week_of=w,
            sessions=counts[w],
            short=counts[w] < per_week,
        )
        for i, w in enumerate(weeks)
    ]
    chart.target_y = _y(per_week, top)
    chart.bar_ticks = [Tick(b.x + b.width / 2, f"{b.week_of:%d %b}") for b in chart.bars]
    chart.bar_y_ticks = [Tick(_y(v, top), str(v)) for v in range(0, top + 1, max(1, top // 4))]
    short = sum(b.short for b in chart.bars)
    chart.adherence_summary = (
        f"{len(weeks)} weeks; {short} below the prescribed {per_week} sessions a week."
    )
