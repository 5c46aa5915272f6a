# ruff: noqa: RUF003  (en dashes are deliberate: Indonesian report text, ranges)
"""Reads: survey rounds in scope and survey scores (means per item → sub-dimension → aspect).

Scores come from one GROUP BY over answers (item, value) → counts, then ``evaluation.rules``: the
database does the counting, the pure rules do the arithmetic (exact decimals, any scheme).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from askesos.core.access import scoped
from askesos.evaluation import rules
from askesos.evaluation.models import (
    Answer,
    Aspect,
    Instrument,
    Item,
    ItemKind,
    RespondentGroup,
    Response,
    SurveyRound,
)


@dataclass(frozen=True)
class ScoreFilter:
    instrument_id: int
    low: int = 0
    high: int = 10**10
    lpa_ids: tuple[int, ...] | None = None
    group: str = ""
    round_id: int | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None


@dataclass
class AspectScore:
    aspect: str
    label: str
    mean: Decimal
    category: rules.Category
    index: Decimal  # 25–100 (KEP/25)
    percent: Decimal
    sub_dimensions: list[tuple[str, Decimal]] = field(default_factory=list)


@dataclass
class SurveyScores:
    respondents: int
    aspects: list[AspectScore]
    items: dict[int, Decimal]
    awareness_pct: Decimal | None
    awareness_n: int
    scheme: rules.CategoryScheme

    def aspect(self, code: str) -> AspectScore | None:
        return next((a for a in self.aspects if a.aspect == code), None)


def rounds_in_scope(user: Any) -> QuerySet[SurveyRound]:
    return scoped(user, SurveyRound.objects.select_related("instrument", "region", "lpa")).annotate(
        n=Count("responses")
    )


def _responses(user: Any | None, f: ScoreFilter) -> QuerySet[Response]:
    qs = Response.objects.filter(
        round__instrument_id=f.instrument_id, region_id__gte=f.low, region_id__lt=f.high
    )
    if user is not None:
        qs = scoped(user, qs)
    if f.lpa_ids is not None:
        qs = qs.filter(lpa_id__in=f.lpa_ids)
    if f.group:
        qs = qs.filter(group=f.group)
    if f.round_id:
        qs = qs.filter(round_id=f.round_id)
    if f.period_from:
        qs = qs.filter(round__period__gte=f.period_from)
    if f.period_to:
        qs = qs.filter(round__period__lte=f.period_to)
    return qs


def survey_scores(
    *, user: Any | None, f: ScoreFilter, scheme: rules.CategoryScheme = rules.CategoryScheme.KEP25
) -> SurveyScores:
    """Scores for the responses matching ``f`` (inside the user's scope). Four queries."""
    instrument = Instrument.objects.get(pk=f.instrument_id)
    items = list(Item.objects.filter(instrument=instrument))
    responses = _responses(user, f)
    counts: dict[int, dict[int, int]] = {}
    rows = (
        Answer.objects.filter(response__in=responses.values("id"))
        .values("item_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["item_id"], {})[row["value"]] = row["n"]
    likert = [i for i in items if i.kind == ItemKind.LIKERT]
    specs = [rules.ItemSpec(i.pk, i.aspect, i.sub_dimension, i.reverse_scored) for i in likert]
    respondents = responses.count()
    agg = rules.aggregate(specs, counts, instrument.scale, respondents)
    labels = dict(Aspect.choices)
    aspects = []
    for code in Aspect.values:
        if code not in agg.aspects:
            continue
        m = agg.aspects[code]
        aspects.append(
            AspectScore(
                code,
                str(labels[code]),
                rules.round2(m),
                rules.categorize(m, scheme),
                rules.index_25_100(m),
                rules.percent_of_max(m),
                sorted(((sub, rules.round2(v)) for (a, sub), v in agg.sub_dimensions.items() if a == code)),
            )
        )
    yes = no = 0
    for item in items:
        if item.kind == ItemKind.YES_NO and (not item.groups or RespondentGroup.NON_MEMBER in item.groups):
            c = counts.get(item.pk, {})
            yes, no = yes + c.get(1, 0), no + c.get(0, 0)
    awareness = (
        _awareness(user, f, [i.pk for i in items if i.kind == ItemKind.YES_NO])
        if f.group != RespondentGroup.NON_MEMBER
        else (yes, yes + no)
    )
    return SurveyScores(respondents, aspects, agg.items, rules.share_yes(*awareness), awareness[1], scheme)


def _awareness(user: Any | None, f: ScoreFilter, item_ids: list[int]) -> tuple[int, int]:
    """Yes answers and all answers to the awareness question among surveyed non-members."""
    if not item_ids:
        return (0, 0)
    nf = ScoreFilter(**{**f.__dict__, "group": RespondentGroup.NON_MEMBER.value})
    row = Answer.objects.filter(
        response__in=_responses(user, nf).values("id"), item_id__in=item_ids
    ).aggregate(yes=Count("id", filter=Q(value=1)), total=Count("id"))
    return (row["yes"] or 0, row["total"] or 0)


def latest_round_periods(
    user: Any | None, instrument_id: int, low: int, high: int, until: dt.date
) -> list[dt.date]:
    """Periods (newest first) that have responses in the range up to ``until``."""
    qs = Response.objects.filter(
        round__instrument_id=instrument_id, region_id__gte=low, region_id__lt=high, round__period__lte=until
    )
    if user is not None:
        qs = scoped(user, qs)
    return list(qs.values_list("round__period", flat=True).distinct().order_by("-round__period")[:2])
