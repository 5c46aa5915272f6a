"""Reads for the field workforce, always through the reader's scope (``core.access``): training
needs, officer KPIs and workload, honorarium statements, the facilities shortage. Each is a fixed
number of set-based queries (GROUP BY), whatever the number of officers or members."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from askesos.contributions.models import Payment
from askesos.core.access import scoped
from askesos.core.months import add_months
from askesos.lpa.models import FieldOfficer
from askesos.membership.models import Membership, MembershipStatus
from askesos.outreach.models import Event, LeadFollowUp
from askesos.regions.models import Region
from askesos.workforce import rules
from askesos.workforce.models import (
    DEFAULT_MEMBERS_PER_OFFICER,
    Condition,
    HonorariumStatement,
    RequiredTraining,
    TrainingRecord,
    TrainingTopic,
    Vehicle,
    WorkloadNorm,
)

GRACE_MONTHS = 3  # PROGRAM.md §2: lapse after 3 months unpaid
RETENTION_MONTHS = 6
CURRENT = (MembershipStatus.PENDING, MembershipStatus.ACTIVE, MembershipStatus.ARREARS)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def officers_active(
    *, user: Any, start: dt.date, end: dt.date, lpa_id: int | None = None
) -> QuerySet[FieldOfficer]:
    """Officers in scope who were active at some time between ``start`` and ``end``."""
    qs = scoped(user, FieldOfficer.objects.select_related("lpa")).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=start), active_from__lte=end
    )
    if lpa_id:
        qs = qs.filter(lpa_id=lpa_id)
    return qs.order_by("lpa__code", "full_name", "id")


# --- Training needs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingNeed:
    officer: FieldOfficer
    topic: str
    need: str  # "missing" or "expired"
    last_completed: dt.date | None
    expired_on: dt.date | None

    @property
    def topic_label(self) -> str:
        return str(TrainingTopic(self.topic).label)


def training_needs(*, user: Any, today: dt.date, lpa_id: int | None = None) -> list[TrainingNeed]:
    """Active officers lacking a required training (national or their LPA's) or whose last one on
    the topic is older than the refresh period. Attended records count; the score does not. 3 queries."""
    officers = list(officers_active(user=user, start=today, end=today, lpa_id=lpa_id))
    lpa_ids = {o.lpa_id for o in officers}
    required = list(
        RequiredTraining.objects.filter(Q(lpa__isnull=True) | Q(lpa_id__in=lpa_ids)).order_by(
            "topic", "lpa_id"
        )
    )
    done = {
        (r["officer_id"], r["training__topic"]): r["last"]
        for r in TrainingRecord.objects.filter(
            officer__in=[o.pk for o in officers], attended=True, training__held_on__lte=today
        )
        .values("officer_id", "training__topic")
        .annotate(last=Max("training__held_on"))
    }
    needs = []
    for officer in officers:
        topics: dict[str, int | None] = {}
        for req in required:
            if req.lpa_id is None or req.lpa_id == officer.lpa_id:
                # The stricter (shorter) refresh period wins when national and LPA rules overlap.
                current = topics.get(req.topic, 0)
                topics[req.topic] = (
                    req.refresh_months if current == 0 else _stricter(current, req.refresh_months)
                )
        for topic, refresh in sorted(topics.items()):
            last = done.get((officer.pk, topic))
            need = rules.training_need(last, refresh, today)
            if need:
                expired = rules.training_expires_on(last, refresh) if last else None
                needs.append(TrainingNeed(officer, topic, need, last, expired))
    return needs


def _stricter(a: int | None, b: int | None) -> int | None:
    if not a or not b:
        return a or b
    return min(a, b)


# --- KPIs ----------------------------------------------------------------------------------------


@dataclass
class OfficerKpi:
    officer: FieldOfficer
    enrolments: int = 0
    due: int = 0
    paid: int = 0
    collected: int = 0
    retention_base: int = 0
    retained: int = 0
    claims_handled: int = 0  # claims do not exist yet
    events: int = 0
    follow_ups: int = 0
    members: int = 0
    norm: int = DEFAULT_MEMBERS_PER_OFFICER

    @property
    def collection_rate(self) -> Decimal | None:
        return rules.ratio_pct(self.paid, self.due)

    @property
    def retention(self) -> Decimal | None:
        return rules.ratio_pct(self.retained, self.retention_base)

    @property
    def visits(self) -> int:
        return self.events + self.follow_ups

    @property
    def workload_pct(self) -> Decimal | None:
        return rules.ratio_pct(self.members, self.norm)

    @property
    def overloaded(self) -> bool:
        return self.members > self.norm


def officer_kpis(*, user: Any, month: dt.date, lpa_id: int | None = None) -> list[OfficerKpi]:
    """KPIs of the officers in scope for ``month`` (a first-of-month date)."""
    officers = list(officers_active(user=user, start=month, end=month_end(month), lpa_id=lpa_id))
    return kpis_for(officers, month)


def kpis_for(officers: list[FieldOfficer], month: dt.date) -> list[OfficerKpi]:
    """An officer's members are the members of the officer's LPA living in the kelurahan the officer
    is assigned to (two officers on one kelurahan both count them). For ``month``:
    - enrolments: memberships enrolled in the month by the officer's user account;
    - collection rate: of their members due (enrolled by the month's end, coverage started, not
      terminated before it), the share whose coverage includes the month (``paid_through``);
    - collected: premiums (Rp) the officer collected in the month (``Payment.collector``);
    - retention: of their members due whose coverage started at least 6 months before, the share
      not lapsed (paid through at least 3 months before the month: PROGRAM.md §2 grace);
    - visits: outreach events attended + lead follow-ups logged in the month;
    - workload: their current members (pending, active, in grace) against the LPA's norm.
    Eight queries, whatever the number of officers."""
    if not officers:
        return []
    end = month_end(month)
    ids = [o.pk for o in officers]
    lpa_ids = {o.lpa_id for o in officers}
    kpis = {o.pk: OfficerKpi(o) for o in officers}
    norms = dict(WorkloadNorm.objects.filter(lpa_id__in=lpa_ids).values_list("lpa_id", "members_per_officer"))
    for k in kpis.values():
        k.norm = norms.get(k.officer.lpa_id, DEFAULT_MEMBERS_PER_OFFICER)
    _member_counts(kpis, month, end, lpa_ids)
    users = {o.user_id: o.pk for o in officers if o.user_id}
    for user_id, n in (
        Membership.objects.filter(
            enrolled_by_id__in=list(users), enrolled_on__gte=month, enrolled_on__lte=end
        )
        .values("enrolled_by_id")
        .annotate(n=Count("id"))
        .values_list("enrolled_by_id", "n")
    ):
        kpis[users[user_id]].enrolments = n
    for oid, total in (
        Payment.objects.filter(collector_id__in=ids, paid_on__gte=month, paid_on__lte=end)
        .values("collector_id")
        .annotate(s=Sum("amount"))
        .values_list("collector_id", "s")
    ):
        kpis[oid].collected = total or 0
    through: Any = Event.officers.through.objects  # the auto-created M2M table
    for oid, n in (
        through.filter(fieldofficer_id__in=ids, event__held_on__gte=month, event__held_on__lte=end)
        .values("fieldofficer_id")
        .annotate(n=Count("id"))
        .values_list("fieldofficer_id", "n")
    ):
        kpis[oid].events = n
    for oid, n in (
        LeadFollowUp.objects.filter(officer_id__in=ids, on__gte=month, on__lte=end)
        .values("officer_id")
        .annotate(n=Count("id"))
        .values_list("officer_id", "n")
    ):
        kpis[oid].follow_ups = n
    return list(kpis.values())


def _member_counts(kpis: dict[int, OfficerKpi], month: dt.date, end: dt.date, lpa_ids: set[int]) -> None:
    assigned: dict[tuple[int, int], list[int]] = defaultdict(list)
    officer_lpa = {oid: k.officer.lpa_id for oid, k in kpis.items()}
    for oid, region_id in FieldOfficer.kelurahan.through.objects.filter(
        fieldofficer_id__in=list(kpis)
    ).values_list("fieldofficer_id", "region_id"):
        assigned[(officer_lpa[oid], region_id)].append(oid)
    due = Q(enrolled_on__lte=end, coverage_start__lte=month) & (
        Q(terminated_on__isnull=True) | Q(terminated_on__gte=month)
    )
    old_enough = due & Q(coverage_start__lte=add_months(month, -RETENTION_MONTHS))
    rows = (
        Membership.objects.filter(lpa_id__in=lpa_ids, region_id__in={r for _l, r in assigned})
        .values("lpa_id", "region_id")
        .annotate(
            due=Count("id", filter=due),
            paid=Count("id", filter=due & Q(paid_through__gte=month)),
            base=Count("id", filter=old_enough),
            retained=Count("id", filter=old_enough & Q(paid_through__gte=add_months(month, -GRACE_MONTHS))),
            current=Count("id", filter=Q(status__in=CURRENT)),
        )
    )
    for row in rows:
        for oid in assigned.get((row["lpa_id"], row["region_id"]), []):
            k = kpis[oid]
            k.due += row["due"]
            k.paid += row["paid"]
            k.retention_base += row["base"]
            k.retained += row["retained"]
            k.members += row["current"]


# --- Honorarium ----------------------------------------------------------------------------------


def honorarium_statements(
    *, user: Any, month: dt.date | None = None, lpa_id: int | None = None
) -> QuerySet[HonorariumStatement]:
    qs = scoped(user, HonorariumStatement.objects.select_related("officer", "lpa"))
    if month:
        qs = qs.filter(month=month)
    if lpa_id:
        qs = qs.filter(lpa_id=lpa_id)
    return qs.order_by("-month", "lpa__code", "officer__full_name")


# --- Facilities ----------------------------------------------------------------------------------


@dataclass
class ShortageRow:
    lpa_code: str
    kelurahan: str
    officers: int = 0
    with_vehicle: int = 0
    vehicles: int = 0
    vehicles_good: int = 0
    officers_without: list[str] = field(default_factory=list)

    @property
    def without_vehicle(self) -> int:
        return self.officers - self.with_vehicle

    @property
    def vehicles_per_officer(self) -> Decimal | None:
        if not self.officers:
            return None
        return (Decimal(self.vehicles_good) / self.officers).quantize(Decimal("0.01"))


@dataclass
class Shortage:
    by_lpa: list[ShortageRow]
    by_kelurahan: list[ShortageRow]


def facilities_shortage(*, user: Any, today: dt.date, lpa_id: int | None = None) -> Shortage:
    """Active officers without a vehicle in good condition (``baik``), per LPA and per assigned
    kelurahan, and good vehicles per officer. Four queries."""
    officers = list(officers_active(user=user, start=today, end=today, lpa_id=lpa_id))
    assignments: dict[int, list[int]] = defaultdict(list)
    for oid, region_id in FieldOfficer.kelurahan.through.objects.filter(
        fieldofficer_id__in=[o.pk for o in officers]
    ).values_list("fieldofficer_id", "region_id"):
        assignments[oid].append(region_id)
    lpa_ids = {o.lpa_id for o in officers}
    vehicles = list(
        scoped(user, Vehicle.objects.filter(lpa_id__in=lpa_ids)).values_list(
            "lpa_id", "condition", "assigned_officer_id"
        )
    )
    good_holders = {oid for _l, cond, oid in vehicles if cond == Condition.GOOD and oid}
    names = dict(
        Region.objects.filter(pk__in={r for rs in assignments.values() for r in rs}).values_list("pk", "name")
    )
    by_lpa: dict[int, ShortageRow] = {}
    by_kel: dict[tuple[int, int], ShortageRow] = {}
    for o in officers:
        lpa_row = by_lpa.setdefault(o.lpa_id, ShortageRow(o.lpa.code, ""))
        rows = [lpa_row] + [
            by_kel.setdefault((o.lpa_id, r), ShortageRow(o.lpa.code, names.get(r, str(r))))
            for r in assignments.get(o.pk, [])
        ]
        for row in rows:
            row.officers += 1
            if o.pk in good_holders:
                row.with_vehicle += 1
            else:
                row.officers_without.append(o.full_name)
    for lpa, cond, _oid in vehicles:
        if lpa in by_lpa:
            by_lpa[lpa].vehicles += 1
            by_lpa[lpa].vehicles_good += cond == Condition.GOOD
    return Shortage(
        by_lpa=sorted(by_lpa.values(), key=lambda r: r.lpa_code),
        by_kelurahan=sorted(by_kel.values(), key=lambda r: (r.lpa_code, r.kelurahan)),
    )
