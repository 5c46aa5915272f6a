"""Reads for outreach, always through the reader's scope (``core.access``). The funnel and the
coverage table are set-based aggregates (GROUP BY) with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum

from askesos.contributions.models import Payment
from askesos.core.access import scoped, user_scope
from askesos.core.months import add_months
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.membership.models import Membership, MembershipStatus
from askesos.outreach import rules
from askesos.outreach.models import Channel, Event, Lead
from askesos.regions.codes import subtree_range
from askesos.regions.models import Region, WorkforceEstimate

# Members in good standing: paying, or inside the grace window (PROGRAM.md §2).
IN_FORCE = (MembershipStatus.ACTIVE, MembershipStatus.ARREARS)
RETENTION_MONTHS = 6

DIMENSIONS = {
    "channel": "channel",
    "kelurahan": "kelurahan_id",
    "lpa": "lpa_id",
    "officer": "officers",
}


def event_list(*, user: Any, lpa_id: int | None = None, channel: str = "") -> QuerySet[Event]:
    qs = scoped(user, Event.objects.select_related("lpa", "kelurahan", "campaign"))
    if lpa_id:
        qs = qs.filter(lpa_id=lpa_id)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.annotate(lead_count=Count("leads")).order_by("-held_on", "-id")


def lead_list(*, user: Any, status: str = "", event_id: int | None = None) -> QuerySet[Lead]:
    qs = scoped(user, Lead.objects.select_related("event", "lpa"))
    if status:
        qs = qs.filter(status=status)
    if event_id:
        qs = qs.filter(event_id=event_id)
    return qs.order_by("-created_at", "-id")


@dataclass
class FunnelRow:
    key: Any
    label: str
    events: int = 0
    reached: int = 0
    cost: int = 0
    leads: int = 0
    enrolled: int = 0
    first_payment: int = 0
    active_6m: int = 0

    @property
    def cost_per_enrolment(self) -> int | None:
        return rules.cost_per_enrolment(self.cost, self.enrolled)

    def add(self, other: FunnelRow) -> None:
        for name in ("events", "reached", "cost", "leads", "enrolled", "first_payment", "active_6m"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Funnel:
    by: str
    rows: list[FunnelRow]
    total: FunnelRow
    start: dt.date
    end: dt.date


def _labels(by: str, keys: set[Any]) -> dict[Any, str]:
    if by == "channel":
        return {value: str(label) for value, label in Channel.choices}
    if by == "kelurahan":
        return {r.pk: r.name for r in Region.objects.filter(pk__in=keys).only("pk", "name")}
    if by == "lpa":
        return {lpa.pk: lpa.code for lpa in Lpa.objects.filter(pk__in=keys).only("pk", "code")}
    return {o.pk: o.full_name for o in FieldOfficer.objects.filter(pk__in=keys).only("pk", "full_name")}


def funnel(
    *, user: Any, start: dt.date, end: dt.date, today: dt.date, by: str = "channel", lpa_id: int | None = None
) -> Funnel:
    """The outreach funnel for events held from ``start`` to ``end`` (inclusive), grouped by channel,
    kelurahan, LPA or officer: people reached → leads → enrolled (lead linked to a membership) →
    first premium paid (a Payment exists for that membership) → still in force after 6 months
    (enrolled at least 6 months before ``today`` and active or in grace today). By officer, an event
    counts for each officer who attended it, so officer rows can add up to more than the total.
    Three queries (events, leads, labels)."""
    field = DIMENSIONS[by]
    events = scoped(user, Event.objects.filter(held_on__gte=start, held_on__lte=end))
    leads = scoped(user, Lead.objects.filter(event__held_on__gte=start, event__held_on__lte=end))
    if lpa_id:
        events, leads = events.filter(lpa_id=lpa_id), leads.filter(lpa_id=lpa_id)
    cutoff = add_months(today, -RETENTION_MONTHS)
    event_rows = events.values(field).annotate(n=Count("id"), reached=Sum("attendance"), cost=Sum("cost"))
    lead_rows = (
        leads.annotate(paid=Exists(Payment.objects.filter(membership_id=OuterRef("membership_id"))))
        .values(f"event__{field}")
        .annotate(
            n=Count("id"),
            enrolled=Count("id", filter=Q(membership__isnull=False)),
            first_payment=Count("id", filter=Q(paid=True)),
            active=Count(
                "id", filter=Q(membership__enrolled_on__lte=cutoff, membership__status__in=IN_FORCE)
            ),
        )
    )
    rows: dict[Any, FunnelRow] = {}
    for r in event_rows:
        row = rows.setdefault(r[field], FunnelRow(r[field], ""))
        row.events, row.reached, row.cost = r["n"], r["reached"] or 0, r["cost"] or 0
    for r in lead_rows:
        row = rows.setdefault(r[f"event__{field}"], FunnelRow(r[f"event__{field}"], ""))
        row.leads, row.enrolled, row.first_payment, row.active_6m = (
            r["n"],
            r["enrolled"],
            r["first_payment"],
            r["active"],
        )
    rows.pop(None, None)  # events without officers, by officer
    labels = _labels(by, set(rows))
    total = _total(events, leads, cutoff) if by == "officer" else FunnelRow("", "")
    for row in rows.values():
        row.label = labels.get(row.key, str(row.key))
        if by != "officer":
            total.add(row)
    ordered = sorted(rows.values(), key=lambda r: (-r.reached, r.label))
    return Funnel(by=by, rows=ordered, total=total, start=start, end=end)


def _total(events: QuerySet[Event], leads: QuerySet[Lead], cutoff: dt.date) -> FunnelRow:
    e = events.aggregate(n=Count("id"), reached=Sum("attendance"), cost=Sum("cost"))
    lead = leads.annotate(
        paid=Exists(Payment.objects.filter(membership_id=OuterRef("membership_id")))
    ).aggregate(
        n=Count("id"),
        enrolled=Count("id", filter=Q(membership__isnull=False)),
        first_payment=Count("id", filter=Q(paid=True)),
        active=Count("id", filter=Q(membership__enrolled_on__lte=cutoff, membership__status__in=IN_FORCE)),
    )
    return FunnelRow(
        "",
        "",
        e["n"],
        e["reached"] or 0,
        e["cost"] or 0,
        lead["n"],
        lead["enrolled"],
        lead["first_payment"],
        lead["active"],
    )


@dataclass
class CoverageRow:
    region: Region
    workers: int
    year: int
    members: int
    last_event: dt.date | None
    coverage_pct: Decimal | None
    highlight: bool


def area_ranges(user: Any) -> list[tuple[int, int]] | None:
    """Region ranges the user looks after: their region subtrees; for LPA users the kecamatan of
    their LPAs (an LPA's service area); None for national scope (everything)."""
    scope = user_scope(user)
    if scope.national:
        return None
    ranges = list(scope.region_ranges)
    if scope.lpa_ids:
        parents = Lpa.objects.filter(pk__in=scope.lpa_ids).values_list("kelurahan__parent_id", flat=True)
        ranges += [subtree_range(pid, Region.Level.DISTRICT) for pid in parents if pid]
    return ranges


def in_ranges(field: str, ranges: list[tuple[int, int]] | None) -> Q:
    if ranges is None:
        return Q()
    q = Q(pk__in=[])
    for low, high in ranges:
        q |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return q


def low_coverage(
    *, user: Any, today: dt.date, threshold_pct: Decimal = Decimal("1.00"), days: int = 90
) -> list[CoverageRow]:
    """Kelurahan (with an informal-workforce estimate) in the user's area: members in force /
    informal workers (latest estimate up to this year) and the last outreach event. Highlighted:
    coverage below ``threshold_pct`` and no event in the last ``days`` days. The counts are
    aggregates over all LPAs in the kelurahan (no personal data). Four queries."""
    ranges = area_ranges(user)
    estimates = (
        WorkforceEstimate.objects.filter(
            in_ranges("region_id", ranges), year__lte=today.year, region__level=Region.Level.VILLAGE
        )
        .select_related("region")
        .order_by("region_id", "-year")
    )
    latest: dict[int, WorkforceEstimate] = {}
    for est in estimates:
        latest.setdefault(est.region_id, est)
    members = dict(
        Membership.objects.filter(in_ranges("region_id", ranges), status__in=IN_FORCE)
        .values("region_id")
        .annotate(n=Count("id"))
        .values_list("region_id", "n")
    )
    last_events = dict(
        Event.objects.filter(in_ranges("kelurahan_id", ranges), held_on__lte=today)
        .values("kelurahan_id")
        .annotate(last=Max("held_on"))
        .values_list("kelurahan_id", "last")
    )
    rows = []
    for region_id, est in latest.items():
        n, last = members.get(region_id, 0), last_events.get(region_id)
        rows.append(
            CoverageRow(
                region=est.region,
                workers=est.informal_workers,
                year=est.year,
                members=n,
                last_event=last,
                coverage_pct=rules.coverage_pct(n, est.informal_workers),
                highlight=rules.needs_outreach(
                    members=n,
                    workers=est.informal_workers,
                    last_event=last,
                    today=today,
                    threshold_pct=threshold_pct,
                    days=days,
                ),
            )
        )
    return sorted(rows, key=lambda r: (not r.highlight, r.coverage_pct or 0, r.region.name))
