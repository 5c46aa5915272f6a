"""Reads for the coverage dashboards: sums over region-key ranges of the monthly rollups.

Every function issues a fixed number of queries, whatever the number of members or regions: the
rollups are pre-aggregated per kelurahan, LPA and month (and per city, LPA and month for Indonesia
and the provinces), so an area is one range scan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, ExpressionWrapper, F, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from askesos.analytics import rules
from askesos.analytics.models import CITY_SPAN, CityCoverageRollup, CoverageRollup, CoverageTarget
from askesos.core.access import region_in_scope, scoped, user_scope
from askesos.core.months import add_months
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region, WorkforceEstimate

NATIONAL_RANGE = (0, 10**10)
SPANS = {0: 10**10, 1: 10**8, 2: 10**6, 3: 10**4, 4: 1}
TREND_MONTHS = 13
COUNT_FIELDS = (
    "members_pending",
    "members_active",
    "members_arrears",
    "members_lapsed",
    "new_enrolments",
    "terminations",
    "payments_count",
    "premiums_collected",
)


@dataclass
class Counts:
    members_pending: int = 0
    members_active: int = 0
    members_arrears: int = 0
    members_lapsed: int = 0
    new_enrolments: int = 0
    terminations: int = 0
    payments_count: int = 0
    premiums_collected: int = 0

    @property
    def covered(self) -> int:
        return self.members_active + self.members_arrears

    @classmethod
    def of(cls, row: Any) -> Counts:
        return cls(**{f: int(row.get(f) or 0) for f in COUNT_FIELDS})


@dataclass
class Denominator:
    workers: int
    year: int  # the oldest year among the estimates summed


@dataclass
class AreaFigures:
    key: int | None
    name: str
    level: int
    code: str
    counts: Counts
    denominator: Denominator | None
    target_members: int | None = None
    target_percent: Decimal | None = None
    rank: int | None = None

    @property
    def coverage(self) -> Decimal | None:
        return rules.coverage_pct(self.counts.covered, self.denominator.workers if self.denominator else None)

    @property
    def coverage_text(self) -> str:
        return rules.format_pct(self.coverage)

    @property
    def headline(self) -> str:
        d = self.denominator
        return rules.headline(self.name, self.counts.covered, d.workers if d else None, d.year if d else None)

    @property
    def target_met(self) -> bool | None:
        return None if self.target_members is None else self.counts.covered >= self.target_members


@dataclass
class TrendPoint:
    month: dt.date
    covered: int
    new_enrolments: int
    coverage: Decimal | None


@dataclass
class LpaFigures:
    lpa: Lpa
    counts: Counts


@dataclass
class CoverageView:
    month: dt.date
    area: AreaFigures
    region: Region | None
    ancestors: list[Region]
    children: list[AreaFigures]
    trend: list[TrendPoint]
    lpas: list[LpaFigures] = field(default_factory=list)


# --- access -------------------------------------------------------------------------------------------


def area_allowed(user: Any, region: Region | None) -> bool:
    """National users see everything; region users their subtrees (and the areas above them are not
    theirs); LPA users the areas that contain one of their LPAs (their members only)."""
    scope = user_scope(user)
    if scope.national:
        return True
    if region is None:
        return False
    if region_in_scope(user, region.id):
        return True
    if scope.lpa_ids:
        low, high = region.subtree
        return Lpa.objects.filter(pk__in=scope.lpa_ids, kelurahan_id__gte=low, kelurahan_id__lt=high).exists()
    return False


def area_or_404(user: Any, code: str | None) -> Region | None:
    if not code:
        if user_scope(user).national:
            return None
        raise Http404
    try:
        region = Region.objects.get(code=codes.normalize_code(code))
    except (Region.DoesNotExist, codes.RegionCodeError):
        raise Http404 from None
    if not area_allowed(user, region):
        raise Http404
    return region


def home_areas(user: Any) -> list[Region]:
    """Where the coverage pages open for a user who is not national: their scope regions, else the
    kecamatan of their LPAs."""
    regions = list(user.scope_regions.all().order_by("id"))
    if not regions and user_scope(user).lpa_ids:
        parents = Lpa.objects.filter(pk__in=user_scope(user).lpa_ids).values("kelurahan__parent_id")
        regions = list(Region.objects.filter(pk__in=parents).order_by("id"))
    return regions


# --- denominators -------------------------------------------------------------------------------------


def _latest_by_region(estimates: Iterable[tuple[int, int, int]], year: int) -> dict[int, tuple[int, int]]:
    latest: dict[int, tuple[int, int]] = {}
    for region_id, est_year, workers in estimates:
        if est_year <= year and (region_id not in latest or latest[region_id][1] < est_year):
            latest[region_id] = (workers, est_year)
    return latest


def _level_of_key(key: int) -> int:
    if key % 10**4:
        return codes.LEVEL_VILLAGE
    if key % 10**6:
        return codes.LEVEL_DISTRICT
    if key % 10**8:
        return codes.LEVEL_CITY
    return codes.LEVEL_PROVINCE


def build_denominators(latest: dict[int, tuple[int, int]]) -> dict[int, Denominator]:
    """Denominators of every area that has an estimate or a descendant with one, in one bottom-up
    pass: an area's own estimate if it has one, else the sum of its children's (resolved the same
    way), so an estimate is never counted twice when both a kecamatan and its kelurahan have one.
    The year is the oldest year among the estimates summed."""
    out = {key: Denominator(workers, year) for key, (workers, year) in latest.items()}
    for level in (codes.LEVEL_VILLAGE, codes.LEVEL_DISTRICT, codes.LEVEL_CITY):
        parent_span = SPANS[level - 1]
        sums: dict[int, Denominator] = {}
        for key, d in out.items():
            if _level_of_key(key) != level:
                continue
            parent = key // parent_span * parent_span
            if parent in latest:
                continue
            acc = sums.get(parent)
            sums[parent] = d if acc is None else Denominator(acc.workers + d.workers, min(acc.year, d.year))
        for parent, d in sums.items():
            out.setdefault(parent, d)
    return out


def resolve_denominator(latest: dict[int, tuple[int, int]], key: int, level: int) -> Denominator | None:
    """One area's denominator (see ``build_denominators``)."""
    return build_denominators(latest).get(key)


def national_denominator(dens: dict[int, Denominator]) -> Denominator | None:
    parts = [d for k, d in dens.items() if _level_of_key(k) == codes.LEVEL_PROVINCE]
    return Denominator(sum(p.workers for p in parts), min(p.year for p in parts)) if parts else None


def _estimates(low: int, high: int, year: int) -> list[tuple[int, int, int]]:
    return list(
        WorkforceEstimate.objects.filter(region_id__gte=low, region_id__lt=high, year__lte=year).values_list(
            "region_id", "year", "informal_workers"
        )
    )


# --- rollup sums ----------------------------------------------------------------------------------------


def city_rollups_suffice(user: Any, low: int, high: int, span: int | None = None) -> bool:
    """Whether the per-city rollup gives the same sums as the per-kelurahan one: the range is whole
    cities (Indonesia, a province, a city), rows are grouped by city or coarser (``span``), and
    every region in the user's scope is whole cities too (LPA scopes filter both alike)."""
    if low % CITY_SPAN or high % CITY_SPAN or (span is not None and span < CITY_SPAN):
        return False
    scope = user_scope(user)
    return scope.national or all(
        lo % CITY_SPAN == 0 and hi % CITY_SPAN == 0 for lo, hi in scope.region_ranges
    )


def _rollups(user: Any, low: int, high: int, span: int | None = None) -> QuerySet[Any]:
    """The user's rollup rows in a region-key range: per city when that gives the same sums (see
    ``city_rollups_suffice``), so Indonesia or a province reads ~500 cities' rows a month rather
    than ~83,000 kelurahan's."""
    model = CityCoverageRollup if city_rollups_suffice(user, low, high, span) else CoverageRollup
    return scoped(user, model.objects.filter(region_id__gte=low, region_id__lt=high))


def _sums() -> dict[str, Any]:
    return {f: Sum(f) for f in COUNT_FIELDS}


def area_counts_by_child(
    user: Any, low: int, high: int, child_span: int, month: dt.date
) -> dict[int, Counts]:
    """Counts per child area (rollup rows grouped by ``region_id / child_span``): one query."""
    child = ExpressionWrapper(F("region_id") / child_span * child_span, output_field=BigIntegerField())
    rows = (
        _rollups(user, low, high, child_span)
        .filter(month=month)
        .annotate(child=child)
        .values("child")
        .annotate(**_sums())
        .order_by()
    )
    return {int(r["child"]): Counts.of(r) for r in rows}


def coverage_view(*, user: Any, region: Region | None, month: dt.date) -> CoverageView:
    """The coverage of an area (``None``: Indonesia) in ``month``: the area, its children ranked by
    coverage, the LPAs in it, and the trend of the last 13 months. Seven queries."""
    level = region.level if region else 0
    low, high = region.subtree if region else NATIONAL_RANGE
    key = region.id if region else None
    ancestors = _ancestors(region)
    child_level = level + 1
    children_regions = (
        list(Region.objects.filter(parent_id=region.id).order_by("id"))
        if region
        else list(Region.objects.filter(level=codes.LEVEL_PROVINCE).order_by("id"))
    )
    first = add_months(month, -(TREND_MONTHS - 1))
    estimates = _estimates(low, high, month.year)
    dens_by_year = {y: build_denominators(_latest_by_region(estimates, y)) for y in {first.year, month.year}}
    dens = dens_by_year[month.year]
    targets = {
        t.region_id: t
        for t in CoverageTarget.objects.filter(
            region_id__in=[r.id for r in children_regions] + ([key] if key else []), year=month.year
        )
    }
    by_child: dict[int, Counts] = {}
    if child_level <= codes.LEVEL_VILLAGE:
        by_child = area_counts_by_child(user, low, high, SPANS[child_level], month)
    trend_rows = (
        _rollups(user, low, high)
        # The months listed, not a range: the rollup's index leads with the month, so an IN list is
        # one index range per month over the area's keys, where a month range scans every area.
        .filter(month__in=_months(first, month))
        .values("month")
        .annotate(**_sums())
        .order_by("month")
    )
    trend_counts = {r["month"]: Counts.of(r) for r in trend_rows}
    area_counts = trend_counts.get(month, Counts())
    area = AreaFigures(
        key,
        region.name if region else "Indonesia",
        level,
        region.code if region else "",
        area_counts,
        dens.get(key) if key else national_denominator(dens),
    )
    _apply_target(area, targets.get(key) if key else None)
    children = []
    for child in children_regions:
        fig = AreaFigures(
            child.id,
            child.name,
            child.level,
            child.code,
            by_child.get(child.id, Counts()),
            dens.get(child.id),
        )
        _apply_target(fig, targets.get(child.id))
        children.append(fig)
    for fig, r in zip(children, rules.rank([c.coverage for c in children]), strict=True):
        fig.rank = r
    children.sort(key=lambda c: (c.rank is None, c.rank or 0, c.name))
    trend = []
    for m in _months(first, month):
        counts = trend_counts.get(m, Counts())
        year_dens = dens_by_year[m.year]
        denominator = year_dens.get(key) if key else national_denominator(year_dens)
        trend.append(
            TrendPoint(
                m,
                counts.covered,
                counts.new_enrolments,
                rules.coverage_pct(counts.covered, denominator.workers if denominator else None),
            )
        )
    return CoverageView(month, area, region, ancestors, children, trend, lpa_figures(user, low, high, month))


def lpa_figures(user: Any, low: int, high: int, month: dt.date) -> list[LpaFigures]:
    """The month's counts per LPA with members in the range (two queries)."""
    rows = list(
        _rollups(user, low, high).filter(month=month).values("lpa_id").annotate(**_sums()).order_by("lpa_id")
    )
    lpas = Lpa.objects.in_bulk([r["lpa_id"] for r in rows])
    out = [LpaFigures(lpas[r["lpa_id"]], Counts.of(r)) for r in rows if r["lpa_id"] in lpas]
    return sorted(out, key=lambda f: (-f.counts.covered, f.lpa.code))


def _apply_target(fig: AreaFigures, target: CoverageTarget | None) -> None:
    if target is None:
        return
    workers = fig.denominator.workers if fig.denominator else None
    fig.target_percent = target.target_percent
    fig.target_members = rules.target_members(target.target_percent, target.target_count, workers)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def _ancestors(region: Region | None) -> list[Region]:
    if region is None:
        return []
    wanted, code = [], codes.parent_code(region.code)
    while code:
        wanted.append(code)
        code = codes.parent_code(code)
    return list(Region.objects.filter(code__in=wanted).order_by("level")) if wanted else []


def area_figures(*, user: Any, region: Region | None, month: dt.date) -> AreaFigures:
    """One area's figures for a month (two queries): for reports and scorecards."""
    low, high = region.subtree if region else NATIONAL_RANGE
    row = _rollups(user, low, high).filter(month=month).aggregate(**_sums())
    dens = build_denominators(_latest_by_region(_estimates(low, high, month.year), month.year))
    level = region.level if region else 0
    denominator = dens.get(region.id) if region else national_denominator(dens)
    return AreaFigures(
        region.id if region else None,
        region.name if region else "Indonesia",
        level,
        region.code if region else "",
        Counts.of(row),
        denominator,
    )


def kelurahan_coverage(
    *, user: Any, region: Region, month: dt.date
) -> dict[int, tuple[int, Denominator | None]]:
    """Covered members and denominator per kelurahan of an area (two queries)."""
    low, high = region.subtree
    counts = area_counts_by_child(user, low, high, 1, month)
    dens = build_denominators(_latest_by_region(_estimates(low, high, month.year), month.year))
    keys = set(counts) | {k for k in dens if k % 10000}
    return {k: (counts.get(k, Counts()).covered, dens.get(k)) for k in keys}


def label_none() -> str:
    return _("not available")
