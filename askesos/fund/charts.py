"""A server-rendered bar chart (premiums vs claims per month) as plain geometry for an SVG template.

No JavaScript chart library and no inline styles: the template draws ``<rect>`` elements with
presentation attributes (``fill=``), which the Content Security Policy allows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from askesos.notifications.rules import MONTHS_ID

WIDTH = 640
HEIGHT = 220
TOP = 12
BOTTOM = 28  # room for month labels
LEFT = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    max_value: int
    first: dt.date | None
    last: dt.date | None


def bar_chart(series: list[dict[str, Any]], keys: tuple[str, ...] = ("premiums", "claims")) -> BarChart:
    """Grouped bars, one group per month, scaled to the largest value (an empty chart when all zero)."""
    top = max([int(row[k]) for row in series for k in keys] + [0])
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT * 2) / max(len(series), 1)
    bar_w = slot * 0.8 / len(keys)
    bars: list[Bar] = []
    ticks: list[Tick] = []
    for i, row in enumerate(series):
        x0 = LEFT + i * slot + slot * 0.1
        for j, key in enumerate(keys):
            value = max(int(row[key]), 0)
            h = round(plot_h * value / top, 1) if top else 0.0
            bars.append(
                Bar(round(x0 + j * bar_w, 1), round(TOP + plot_h - h, 1), round(bar_w, 1), h, value, key)
            )
        month = row["month"]
        ticks.append(Tick(round(LEFT + i * slot + slot / 2, 1), MONTHS_ID[month.month - 1]))
    months = [row["month"] for row in series]
    return BarChart(
        WIDTH,
        HEIGHT,
        TOP + plot_h,
        bars,
        ticks,
        top,
        months[0] if months else None,
        months[-1] if months else None,
    )
