"""Server-rendered SVG charts as plain geometry (no JavaScript, no inline styles: the templates draw
``<rect>``/``<polyline>`` with presentation attributes, which the Content Security Policy allows)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from askesos.analytics import rules
from askesos.analytics.selectors import AreaFigures, TrendPoint
from askesos.notifications.rules import MONTHS_ID

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 220, 14, 28, 8
ROW_H, LABEL_W = 22, 200


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    line: str  # polyline points of coverage %
    max_covered: int


def trend_chart(points: list[TrendPoint]) -> TrendChart:
    """Bars: covered members per month; line: coverage % (own scale)."""
    top = max([p.covered for p in points] + [0])
    top_pct = max([p.coverage for p in points if p.coverage is not None] + [Decimal(0)])
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT * 2) / max(len(points), 1)
    bars, ticks, line = [], [], []
    for i, p in enumerate(points):
        x0 = LEFT + i * slot
        h = round(plot_h * p.covered / top, 1) if top else 0.0
        bars.append(
            Bar(
                round(x0 + slot * 0.15, 1),
                round(TOP + plot_h - h, 1),
                round(slot * 0.7, 1),
                h,
                p.month.strftime("%Y-%m"),
                str(p.covered),
            )
        )
        ticks.append(Tick(round(x0 + slot / 2, 1), MONTHS_ID[p.month.month - 1]))
        if p.coverage is not None and top_pct:
            y = TOP + plot_h - float(p.coverage / top_pct) * plot_h
            line.append(f"{x0 + slot / 2:.1f},{y:.1f}")
    return TrendChart(WIDTH, HEIGHT, TOP + plot_h, bars, ticks, " ".join(line), top)


@dataclass(frozen=True)
class RankChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]


def rank_chart(children: list[AreaFigures], limit: int = 30) -> RankChart:
    """Horizontal bars of coverage % per child area, best first (areas without a denominator left out)."""
    rows = [c for c in children if c.coverage is not None][:limit]
    top = max([c.coverage for c in rows if c.coverage is not None] + [Decimal(0)])
    plot_w = WIDTH - LABEL_W - 70
    bars = []
    for i, c in enumerate(rows):
        value = c.coverage or Decimal(0)
        w = round(float(value / top) * plot_w, 1) if top else 0.0
        bars.append(Bar(LABEL_W, i * ROW_H + 4, w, ROW_H - 8, c.name, rules.format_pct(c.coverage)))
    return RankChart(WIDTH, max(len(rows), 1) * ROW_H + 8, LABEL_W, bars)
