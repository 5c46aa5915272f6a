# ruff: noqa: RUF001  (en dashes are deliberate: Indonesian report text, ranges)
"""The content of the standard reports (Indonesian by definition): the Dinas Sosial monitoring pack
of a city and the national summary. The monthly LPA report is the fund app's (``fund.reports``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, Sum

from askesos.analytics import rules, selectors
from askesos.analytics.scorecard import Scorecard, scorecard
from askesos.core.access import UserScope
from askesos.core.months import add_months
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region


class SystemUser:
    """A national-scope reader for reports generated on schedule (no person behind them)."""

    is_authenticated = True
    username = "system"
    pk = None
    national_scope = True

    def __init__(self) -> None:
        self._askesos_scope = UserScope(True, (), frozenset(), None)


@dataclass
class LpaRow:
    lpa: Lpa
    covered: int
    new: int
    lapsed: int
    premiums: int
    loss_ratio: str


@dataclass
class ClaimSummary:
    available: bool
    submitted: int = 0
    paid: int = 0
    paid_amount: int = 0
    open: int = 0
    rejected: int = 0


@dataclass
class DinsosPack:
    city: Region
    month: dt.date
    coverage: selectors.CoverageView
    kelurahan: list[tuple[str, str, int, int | None, str]]  # kecamatan, kelurahan, covered, workers, pct
    lpas: list[LpaRow]
    claims: ClaimSummary
    card: Scorecard

    @property
    def title(self) -> str:
        return f"Paket Monitoring Dinas Sosial – {self.city.name} – {self.month:%Y-%m}"


@dataclass
class NationalSummary:
    month: dt.date
    coverage: selectors.CoverageView
    cities: list[selectors.AreaFigures] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Ringkasan Nasional ASKESOS – {self.month:%Y-%m}"


def _claims(low: int, high: int, month: dt.date) -> ClaimSummary:
    if not apps.is_installed("askesos.claims"):
        return ClaimSummary(False)
    Claim = apps.get_model("claims", "Claim")
    end = add_months(month, 1)
    qs = Claim.objects.filter(region_id__gte=low, region_id__lt=high)
    row = qs.aggregate(
        submitted=Count("id", filter=Q(reported_on__gte=month, reported_on__lt=end)),
        paid=Count("id", filter=Q(paid_on__gte=month, paid_on__lt=end)),
        paid_amount=Sum("amount", filter=Q(paid_on__gte=month, paid_on__lt=end)),
        open=Count("id", filter=Q(status__in=["submitted", "returned", "verified", "approved"])),
        rejected=Count(
            "id",
            filter=Q(status="rejected", status_changed_at__date__gte=month, status_changed_at__date__lt=end),
        ),
    )
    return ClaimSummary(
        True, row["submitted"], row["paid"], int(row["paid_amount"] or 0), row["open"], row["rejected"]
    )


def _loss_ratios(lpa_ids: list[int], month: dt.date) -> dict[int, str]:
    if not apps.is_installed("askesos.fund") or not lpa_ids:
        return {}
    from askesos.fund.reports import percent
    from askesos.fund.selectors import fund_figures

    figures = fund_figures(lpa_ids=lpa_ids, start=month, end=add_months(month, 1) - dt.timedelta(days=1))
    return {pk: percent(f.loss_ratio) for pk, f in figures.items()}


def dinsos_pack(*, city: Region, month: dt.date, today: dt.date, user: Any = None) -> DinsosPack:
    reader = user or SystemUser()
    view = selectors.coverage_view(user=reader, region=city, month=month)
    low, high = city.subtree
    kel = selectors.kelurahan_coverage(user=reader, region=city, month=month)
    regions = {
        r.id: r for r in Region.objects.filter(id__gte=low, id__lt=high, level__gte=codes.LEVEL_DISTRICT)
    }
    rows = []
    for key, (covered, denominator) in kel.items():
        r = regions.get(key)
        kec = regions.get(key // 10**4 * 10**4)
        workers = denominator.workers if denominator else None
        rows.append(
            (
                kec.name if kec else "",
                r.name if r else str(key),
                covered,
                workers,
                rules.format_pct(rules.coverage_pct(covered, workers)),
            )
        )
    rows.sort(key=lambda x: (x[0], x[1]))
    lpa_counts = {f.lpa.pk: f for f in view.lpas}
    lpas = list(Lpa.objects.filter(kelurahan_id__gte=low, kelurahan_id__lt=high).order_by("code"))
    ratios = _loss_ratios([lpa.pk for lpa in lpas], month)
    lpa_rows = []
    for lpa in lpas:
        f = lpa_counts.get(lpa.pk)
        c = f.counts if f else selectors.Counts()
        lpa_rows.append(
            LpaRow(
                lpa,
                c.covered,
                c.new_enrolments,
                c.members_lapsed,
                c.premiums_collected,
                ratios.get(lpa.pk, "–"),
            )
        )
    card = scorecard(user=reader, month=month, today=today, region=city)
    return DinsosPack(city, month, view, rows, lpa_rows, _claims(low, high, month), card)


def national_summary(*, month: dt.date, user: Any = None) -> NationalSummary:
    reader = user or SystemUser()
    view = selectors.coverage_view(user=reader, region=None, month=month)
    by_city = selectors.area_counts_by_child(reader, 0, 10**10, 10**6, month)
    cities = Region.objects.filter(id__in=list(by_city)).order_by("id")
    dens = selectors.build_denominators(
        selectors._latest_by_region(selectors._estimates(0, 10**10, month.year), month.year)
    )
    figures = [
        selectors.AreaFigures(c.id, c.name, c.level, c.code, by_city[c.id], dens.get(c.id)) for c in cities
    ]
    return NationalSummary(month, view, figures)
