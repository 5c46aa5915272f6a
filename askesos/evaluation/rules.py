# ruff: noqa: RUF001, RUF002, RUF003  (en dashes are deliberate: Indonesian report text, ranges)
"""Scoring of implementation-evaluation surveys (pure functions, no ORM).

Rules (PROGRAM.md §6, G. C. Edwards III):
- answers are Likert points on the instrument's scale (4 or 5 points); a reverse-scored item is
  flipped on its own scale (``scale + 1 - value``) before anything else;
- 5-point answers are mapped onto the 1–4 scale of the category schemes by the linear rescaling
  ``1 + (x - 1) x 3 / 4`` (1 → 1.00, 2 → 1.75, 3 → 2.50, 4 → 3.25, 5 → 4.00), so both ends and the
  spacing are kept;
- means go item → sub-dimension (unweighted mean of its item means) → aspect (unweighted mean of its
  sub-dimension means), so an aspect with many items in one sub-dimension is not dominated by it;
- a mean is rounded half-up to two decimals before it is put in a category, because the bands of the
  schemes are written with two decimals (1.75 | 1.76).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

SCALE_MIN = Decimal(1)
SCALE_MAX = Decimal(4)
TWO = Decimal("0.01")


class Category(StrEnum):
    TIDAK_BAIK = "tidak_baik"
    KURANG_BAIK = "kurang_baik"
    BAIK = "baik"
    SANGAT_BAIK = "sangat_baik"

    @property
    def label(self) -> str:
        """The Indonesian category names are the terms of art in the schemes; kept untranslated."""
        return {
            "tidak_baik": "Tidak Baik",
            "kurang_baik": "Kurang Baik",
            "baik": "Baik",
            "sangat_baik": "Sangat Baik",
        }[self.value]

    @property
    def rank(self) -> int:
        return list(Category).index(self) + 1


CATEGORIES = list(Category)


class CategoryScheme(StrEnum):
    KEP25 = "kep25_2004"
    PERMENPAN14 = "permenpan14_2017"
    EQUAL_INTERVAL = "equal_interval"
    PERCENT_OF_MAX = "percent_of_max"

    @property
    def label(self) -> str:
        return str(SCHEME_LABELS[self])


SCHEME_LABELS = {
    CategoryScheme.KEP25: _("KEP/25/M.PAN/2/2004 (1–4; x25 → 25–100)"),
    CategoryScheme.PERMENPAN14: _("Permenpan RB 14/2017 (1–4)"),
    CategoryScheme.EQUAL_INTERVAL: _("Equal interval ((max - min) / number of categories)"),
    CategoryScheme.PERCENT_OF_MAX: _("Percentage of maximum score"),
}

# Upper bounds (inclusive) of the first three categories on the 1–4 scale, PROGRAM.md §6.
_UPPER = {
    CategoryScheme.KEP25: (Decimal("1.75"), Decimal("2.50"), Decimal("3.25")),
    CategoryScheme.PERMENPAN14: (Decimal("2.59"), Decimal("3.06"), Decimal("3.53")),
}
# Percentage of the maximum score: 0–24.99 %, 25–49.99 %, 50–74.99 %, 75–100 %.
_PERCENT_LOWER = (Decimal(25), Decimal(50), Decimal(75))


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def oriented(value: int, scale: int, *, reverse: bool) -> int:
    """The answer with reverse-scored items flipped on their own scale (4-point: 1↔4, 2↔3)."""
    if not 1 <= value <= scale:
        raise ValueError(f"answer {value} is outside 1–{scale}")
    return scale + 1 - value if reverse else value


def to_four_point(value: int | Decimal, scale: int) -> Decimal:
    """Map an answer (or mean) on a ``scale``-point scale onto 1–4: ``1 + (x - 1) x 3 / (scale - 1)``."""
    if scale not in (4, 5):
        raise ValueError(f"scale must be 4 or 5, not {scale}")
    x = Decimal(value)
    if scale == 4:
        return x
    return SCALE_MIN + (x - 1) * (SCALE_MAX - SCALE_MIN) / Decimal(scale - 1)


def score(value: int, scale: int, *, reverse: bool = False) -> Decimal:
    """One answer as a 1–4 score: flipped if reverse-scored, then rescaled."""
    return to_four_point(oriented(value, scale, reverse=reverse), scale)


def equal_interval_bounds(
    low: Decimal = SCALE_MIN, high: Decimal = SCALE_MAX, categories: int = 4
) -> tuple[Decimal, ...]:
    """Upper bounds of the first ``categories - 1`` bands of width (max - min) / categories."""
    width = (high - low) / categories
    return tuple(round2(low + width * i) for i in range(1, categories))


def categorize(mean: Decimal, scheme: CategoryScheme) -> Category:
    """The category of a 1–4 mean under ``scheme`` (mean rounded half-up to two decimals first)."""
    m = round2(Decimal(mean))
    if not SCALE_MIN <= m <= SCALE_MAX:
        raise ValueError(f"mean {m} is outside 1–4")
    if scheme == CategoryScheme.PERCENT_OF_MAX:
        pct = percent_of_max(m)
        index = sum(1 for bound in _PERCENT_LOWER if pct >= bound)
        return CATEGORIES[index]
    uppers = equal_interval_bounds() if scheme == CategoryScheme.EQUAL_INTERVAL else _UPPER[scheme]
    index = next((i for i, upper in enumerate(uppers) if m <= upper), len(uppers))
    return CATEGORIES[index]


def percent_of_max(mean: Decimal) -> Decimal:
    """Mean as a percentage of the maximum score (4), two decimals: 2.00 → 50.00."""
    return round2(Decimal(mean) / SCALE_MAX * 100)


def index_25_100(mean: Decimal) -> Decimal:
    """KEP/25/M.PAN/2/2004 conversion of a 1–4 mean to the 25–100 index (x 25)."""
    return round2(Decimal(mean) * 25)


def mean(values: Iterable[Decimal]) -> Decimal | None:
    items = list(values)
    return sum(items, Decimal(0)) / len(items) if items else None


@dataclass(frozen=True)
class ItemSpec:
    item_id: int
    aspect: str
    sub_dimension: str
    reverse: bool


@dataclass(frozen=True)
class Scores:
    items: dict[int, Decimal]
    sub_dimensions: dict[tuple[str, str], Decimal]
    aspects: dict[str, Decimal]
    respondents: int


def item_mean(counts: Mapping[int, int], scale: int, *, reverse: bool) -> Decimal | None:
    """Mean 1–4 score of one item from ``{answer value: number of respondents}``."""
    total = sum(counts.values())
    if not total:
        return None
    points = sum((score(v, scale, reverse=reverse) * n for v, n in counts.items()), Decimal(0))
    return points / total


def aggregate(
    specs: Iterable[ItemSpec], counts: Mapping[int, Mapping[int, int]], scale: int, respondents: int = 0
) -> Scores:
    """Means per item → sub-dimension → aspect from answer counts per item (``{item: {value: n}}``).
    Items nobody answered are left out at every level."""
    items: dict[int, Decimal] = {}
    by_sub: dict[tuple[str, str], list[Decimal]] = {}
    for spec in specs:
        m = item_mean(counts.get(spec.item_id, {}), scale, reverse=spec.reverse)
        if m is None:
            continue
        items[spec.item_id] = m
        by_sub.setdefault((spec.aspect, spec.sub_dimension), []).append(m)
    subs = {key: mean(values) for key, values in by_sub.items()}
    sub_means: dict[tuple[str, str], Decimal] = {k: v for k, v in subs.items() if v is not None}
    by_aspect: dict[str, list[Decimal]] = {}
    for (aspect, _sub), value in sub_means.items():
        by_aspect.setdefault(aspect, []).append(value)
    aspects = {a: m for a, values in by_aspect.items() if (m := mean(values)) is not None}
    return Scores(items, sub_means, aspects, respondents)


def share_yes(yes: int, total: int) -> Decimal | None:
    """Share (percent, two decimals) answering yes; None when nobody answered."""
    return round2(Decimal(yes) * 100 / total) if total else None


def validate_answer(value: object, *, scale: int, yes_no: bool) -> int:
    """An answer from a form or import cell: an integer on the scale (1..scale), or 0/1 for yes/no."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(str(_("not a whole number"))) from None
    allowed = (0, 1) if yes_no else tuple(range(1, scale + 1))
    if number not in allowed:
        raise ValueError(str(_("must be one of %(allowed)s")) % {"allowed": ", ".join(map(str, allowed))})
    return number
