"""Implementation indicators from the system's own data, one function per indicator, grouped by the
four aspects of G. C. Edwards III (PROGRAM.md §6). Each function's docstring is its definition.

Every function takes an ``IndicatorScope`` (a region-key range and optionally some LPAs, a month and
"today") and computes set-based (aggregates, no per-row loops over members). What grows with the
membership (memberships, payments, claims) is read from the monthly rollups (``CoverageRollup``,
``ClaimRollup``, refreshed by ``services.rollups_refresh``), so those figures are as of the month's
last refresh; what grows with the workforce (officers, vehicles, trainings, honoraria, deposits,
outreach events) is read live. When the app that holds the source data is not installed (yet), the
indicator says so: value None and a reason, never a made-up number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from askesos.analytics import rules
from askesos.analytics.models import ClaimRollup, CoverageRollup
from askesos.core.months import add_months
from askesos.evaluation.rules import Category
from askesos.lpa.models import FieldOfficer

PAYMENT_LATE_DAYS = 7
DEPOSIT_CONFIRM_DAYS = 3
WINDOW_MONTHS = 3  # outreach and claims are counted over the quarter ending with the month


@dataclass(frozen=True)
class IndicatorScope:
    low: int
    high: int
    month: dt.date
    today: dt.date
    lpa_ids: tuple[int, ...] | None = None  # None: every LPA in the range
    workers: int | None = None  # informal-workforce denominator of the area
    # What several indicators of the scope read (officers, rollup sums…), fetched once.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @property
    def month_end(self) -> dt.date:
        return add_months(self.month, 1) - dt.timedelta(days=1)

    @property
    def window_start(self) -> dt.date:
        return add_months(self.month, -(WINDOW_MONTHS - 1))

    def by_region(self, qs: QuerySet[Any], region: str, lpa: str = "lpa_id") -> QuerySet[Any]:
        qs = qs.filter(**{f"{region}__gte": self.low, f"{region}__lt": self.high})
        return qs if self.lpa_ids is None else qs.filter(**{f"{lpa}__in": self.lpa_ids})


@dataclass(frozen=True)
class Indicator:
    code: str
    aspect: str
    label: str
    value: Decimal | None
    unit: str
    reason: str = ""
    numerator: int | None = None
    denominator: int | None = None

    @property
    def category(self) -> Category | None:
        return rules.rate(self.code, self.value)

    @property
    def available(self) -> bool:
        return self.value is not None


def _dec(value: float | Decimal | int, places: str = "0.01") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def ratio(numerator: int, denominator: int | None, per: int = 1) -> Decimal | None:
    """numerator x per / denominator, two decimals; None when the denominator is 0 or missing."""
    if not denominator:
        return None
    return _dec(Decimal(numerator) * per / Decimal(denominator))


def _missing(code: str, aspect: str, label: str, unit: str, app: str) -> Indicator:
    return Indicator(
        code,
        aspect,
        label,
        None,
        unit,
        _("not available: the %(app)s app is not installed yet") % {"app": app},
    )


def _need(app: str) -> bool:
    return apps.is_installed(f"askesos.{app}")


def active_officers(s: IndicatorScope) -> QuerySet[FieldOfficer]:
    """Field officers of LPAs located in the range, active on the last day of the month."""
    end = s.month_end
    qs = FieldOfficer.objects.filter(active_from__lte=end).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=end)
    )
    return s.by_region(qs, "lpa__kelurahan_id")


def _officers_of(s: IndicatorScope) -> list[tuple[int, str, int]]:
    """(id, full name, LPA id) of the ``active_officers``: one query per scope."""
    return s.once("officers", lambda: list(active_officers(s).values_list("id", "full_name", "lpa_id")))


def rollup_sums(s: IndicatorScope) -> dict[str, int]:
    """The month's coverage rollup sums the indicators use: one query per scope."""

    def compute() -> dict[str, int]:
        fields = ("members_active", "members_arrears", "new_enrolments", "payments_count", "payments_late")
        row = s.by_region(CoverageRollup.objects.filter(month=s.month), "region_id").aggregate(
            **{f: Sum(f) for f in fields}
        )
        return {f: int(row[f] or 0) for f in fields}

    return s.once("rollup", compute)


def covered_members(s: IndicatorScope) -> int:
    """Members active or in arrears at the end of the month (from the rollup)."""
    sums = rollup_sums(s)
    return sums["members_active"] + sums["members_arrears"]


def _events(s: IndicatorScope) -> tuple[int, int]:
    """Outreach events held in the quarter ending with the month, and their attendance."""

    def compute() -> tuple[int, int]:
        Event = apps.get_model("outreach", "Event")
        row = s.by_region(
            Event.objects.filter(held_on__gte=s.window_start, held_on__lte=s.month_end), "kelurahan_id"
        ).aggregate(n=Count("id"), people=Sum("attendance"))
        return int(row["n"] or 0), int(row["people"] or 0)

    return s.once("events", compute)


# --- communication ------------------------------------------------------------------------------------

L = gettext_lazy


def outreach_events_per_1000(s: IndicatorScope) -> Indicator:
    """Outreach events held in the area in the quarter ending with the month, per 1,000 informal
    workers of the area (``outreach.Event.held_on``; denominator: WorkforceEstimate)."""
    code, label, unit = (
        "outreach_events_per_1000",
        str(L("Outreach events per 1,000 informal workers")),
        "/1000",
    )
    if not _need("outreach"):
        return _missing(code, "communication", label, unit, "outreach")
    n = _events(s)[0]
    value = ratio(n, s.workers, 1000)
    reason = "" if value is not None else _("no informal-workforce estimate for the area")
    return Indicator(code, "communication", label, value, unit, reason, n, s.workers)


def people_reached_per_1000(s: IndicatorScope) -> Indicator:
    """People reached (sum of event attendance) in the quarter ending with the month, per 1,000
    informal workers of the area."""
    code, label, unit = (
        "people_reached_per_1000",
        str(L("People reached per 1,000 informal workers")),
        "/1000",
    )
    if not _need("outreach"):
        return _missing(code, "communication", label, unit, "outreach")
    n = _events(s)[1]
    value = ratio(n, s.workers, 1000)
    reason = "" if value is not None else _("no informal-workforce estimate for the area")
    return Indicator(code, "communication", label, value, unit, reason, n, s.workers)


def awareness_pct(s: IndicatorScope, *, yes: int, total: int) -> Indicator:
    """Share of surveyed non-members in the area who answered yes to "have you heard of ASKESOS?"
    (evaluation surveys up to the month)."""
    value = rules_share(yes, total)
    reason = "" if value is not None else _("no non-member survey responses")
    return Indicator(
        "awareness_pct",
        "communication",
        str(L("Non-members who have heard of ASKESOS")),
        value,
        "%",
        reason,
        yes,
        total,
    )


def rules_share(part: int, whole: int) -> Decimal | None:
    return ratio(part, whole, 100)


# --- resources -----------------------------------------------------------------------------------------


def officers_per_1000_members(s: IndicatorScope) -> Indicator:
    """Active field officers per 1,000 covered members (active + arrears) at the end of the month."""
    officers = len(_officers_of(s))
    members = covered_members(s)
    value = ratio(officers, members, 1000)
    reason = "" if value is not None else _("no covered members")
    return Indicator(
        "officers_per_1000_members",
        "resources",
        str(L("Field officers per 1,000 members")),
        value,
        "/1000",
        reason,
        officers,
        members,
    )


@dataclass(frozen=True)
class OfficerTraining:
    officer_id: int
    name: str
    lpa_id: int
    missing: tuple[str, ...]  # topic labels


def officer_training_gaps(s: IndicatorScope) -> list[OfficerTraining] | None:
    """For each active officer, the required trainings (national + their LPA's) without an attended
    training on that topic still valid at the end of the month (``refresh_months``). Three queries."""
    if not _need("workforce"):
        return None
    Required = apps.get_model("workforce", "RequiredTraining")
    Record = apps.get_model("workforce", "TrainingRecord")
    topics: dict[str, str] = dict(Required._meta.get_field("topic").choices or [])  # type: ignore[arg-type]
    officers = _officers_of(s)
    lpa_ids = {o[2] for o in officers}
    required = list(
        Required.objects.filter(Q(lpa__isnull=True) | Q(lpa_id__in=lpa_ids)).values_list(
            "lpa_id", "topic", "refresh_months"
        )
    )
    last = {
        (r["officer_id"], r["training__topic"]): r["last"]
        for r in Record.objects.filter(
            officer_id__in=[o[0] for o in officers], attended=True, training__held_on__lte=s.month_end
        )
        .values("officer_id", "training__topic")
        .annotate(last=Max("training__held_on"))
        .order_by()
    }
    out = []
    for officer_id, name, lpa_id in officers:
        missing = []
        for req_lpa, topic, refresh in required:
            if req_lpa not in (None, lpa_id):
                continue
            done = last.get((officer_id, topic))
            if done is None or (
                refresh and add_months(done.replace(day=1), refresh) < s.month.replace(day=1)
            ):
                missing.append(str(topics.get(topic, topic)))
        out.append(OfficerTraining(officer_id, name, lpa_id, tuple(sorted(set(missing)))))
    return out


def officers_trained_pct(s: IndicatorScope, gaps: list[OfficerTraining] | None = None) -> Indicator:
    """Share of active field officers with no missing required training at the end of the month."""
    code, label = "officers_trained_pct", str(L("Officers with all required training"))
    gaps = officer_training_gaps(s) if gaps is None else gaps
    if gaps is None:
        return _missing(code, "resources", label, "%", "workforce")
    done = sum(1 for g in gaps if not g.missing)
    value = ratio(done, len(gaps), 100)
    return Indicator(
        code,
        "resources",
        label,
        value,
        "%",
        "" if value is not None else _("no active officers"),
        done,
        len(gaps),
    )


def vehicles_good_per_officer(s: IndicatorScope) -> Indicator:
    """Operational vehicles in good condition (``baik``) of the LPAs in the area, per active officer."""
    code, label = "vehicles_good_per_officer", str(L("Vehicles in good condition per officer"))
    if not _need("workforce"):
        return _missing(code, "resources", label, "", "workforce")
    Vehicle = apps.get_model("workforce", "Vehicle")
    good = s.by_region(Vehicle.objects.filter(condition="baik"), "lpa__kelurahan_id").count()
    officers = len(_officers_of(s))
    value = ratio(good, officers)
    return Indicator(
        code,
        "resources",
        label,
        value,
        "",
        "" if value is not None else _("no active officers"),
        good,
        officers,
    )


# --- disposition ------------------------------------------------------------------------------------------


def enrolments_per_officer(s: IndicatorScope) -> Indicator:
    """New enrolments in the month (rollup) per active field officer: officer activity."""
    n = rollup_sums(s)["new_enrolments"]
    officers = len(_officers_of(s))
    value = ratio(n, officers)
    return Indicator(
        "enrolments_per_officer",
        "disposition",
        str(L("New enrolments per officer in the month")),
        value,
        "",
        "" if value is not None else _("no active officers"),
        n,
        officers,
    )


def honoraria_on_time_pct(s: IndicatorScope) -> Indicator:
    """Share of the month's honorarium statements paid on time (by the 10th of the next month,
    ``workforce.rules.paid_on_time``); statements not paid count as late once that day has passed."""
    code, label = "honoraria_on_time_pct", str(L("Honoraria paid on time"))
    if not _need("workforce"):
        return _missing(code, "disposition", label, "%", "workforce")
    Statement = apps.get_model("workforce", "HonorariumStatement")
    qs = s.by_region(Statement.objects.filter(month=s.month), "lpa__kelurahan_id")
    row = qs.aggregate(total=Count("id"), on_time=Count("id", filter=Q(paid_on_time=True)))
    deadline = add_months(s.month, 1).replace(day=10)
    total = row["total"] if s.today > deadline else qs.filter(paid_on__isnull=False).count()
    value = ratio(row["on_time"], total, 100)
    return Indicator(
        code,
        "disposition",
        label,
        value,
        "%",
        "" if value is not None else _("no honorarium statements for the month"),
        row["on_time"],
        total,
    )


# --- bureaucratic structure -------------------------------------------------------------------------------


def claim_sla_days() -> int:
    return int(getattr(settings, "ASKESOS_CLAIM_SLA_DAYS", 14))


def claim_paid_unverified() -> Q:
    """A claim paid without a recorded verification (``Claim``): a step done out of order."""
    return Q(status="paid", verified_at__isnull=True)


def _claims(s: IndicatorScope) -> list[tuple[int, int, int]]:
    """(turnaround days, claims paid, of which unverified) over the quarter ending with the month,
    from ``ClaimRollup``: one query per scope."""

    def compute() -> list[tuple[int, int, int]]:
        # The months listed, not a range: the index leads with the month (see selectors' trend).
        months = [add_months(s.window_start, i) for i in range(WINDOW_MONTHS)]
        rows = (
            s.by_region(ClaimRollup.objects.filter(month__in=months), "region_id")
            .values("turnaround_days")
            .annotate(n=Sum("claims_paid"), unverified=Sum("claims_paid_unverified"))
            .order_by()
            .values_list("turnaround_days", "n", "unverified")
        )
        return [(int(days), int(n or 0), int(u or 0)) for days, n, u in rows]

    return s.once("claims", compute)


def median_of_histogram(counts: list[tuple[int, int]]) -> float | int | None:
    """The median of the values a (value, how many) histogram describes, exactly as
    ``statistics.median`` gives it for the expanded list (the mean of the two middle values when
    the count is even); None when empty."""
    ordered = sorted((value, n) for value, n in counts if n > 0)
    total = sum(n for _v, n in ordered)
    if not total:
        return None
    wanted = [total // 2] if total % 2 else [total // 2 - 1, total // 2]
    found: list[int] = []
    seen = 0
    for value, n in ordered:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return found[0] if len(found) == 1 else (found[0] + found[1]) / 2


def claim_turnaround(s: IndicatorScope) -> Indicator:
    """Median days from submission to payment of the claims paid in the quarter ending with the
    month, divided by the service level (``ASKESOS_CLAIM_SLA_DAYS``): 1.00 means exactly on target.
    ``numerator`` is the median in days. Read from ``ClaimRollup`` (a histogram of turnaround days
    per kelurahan, LPA and month)."""
    code, label = "claim_turnaround_vs_sla", str(L("Claim turnaround (median days / service level)"))
    if not _need("claims"):
        return _missing(code, "bureaucratic_structure", label, "x", "claims")
    middle = median_of_histogram([(days, n) for days, n, _u in _claims(s)])
    if middle is None:
        return Indicator(code, "bureaucratic_structure", label, None, "x", _("no claims paid in the quarter"))
    med = _dec(middle, "0.1")
    sla = claim_sla_days()
    return Indicator(code, "bureaucratic_structure", label, _dec(med / sla), "x", "", int(med), sla)


def claims_paid_unverified(s: IndicatorScope) -> Indicator:
    """Claims paid in the quarter without a recorded verification (``verified_at`` empty): steps
    done out of order. Should be 0. Read from ``ClaimRollup``."""
    code, label = "claims_paid_unverified", str(L("Claims paid without verification"))
    if not _need("claims"):
        return _missing(code, "bureaucratic_structure", label, "", "claims")
    n = sum(u for _d, _n, u in _claims(s))
    return Indicator(code, "bureaucratic_structure", label, Decimal(n), "", "", n, None)


def payment_recorded_late() -> Q:
    """A payment recorded (local date of ``recorded_at``) more than ``PAYMENT_LATE_DAYS`` after
    ``paid_on``."""
    return Q(recorded_at__date__gt=F("paid_on") + dt.timedelta(days=PAYMENT_LATE_DAYS))


def payments_recorded_late_pct(s: IndicatorScope) -> Indicator:
    """Share of the month's payments (by ``paid_on``) recorded more than 7 days after they were paid
    (cash held by an officer, or back-dated entries). Read from ``CoverageRollup``."""
    code, label = "payments_recorded_late_pct", str(L("Payments recorded more than 7 days after payment"))
    if not _need("contributions"):
        return _missing(code, "bureaucratic_structure", label, "%", "contributions")
    sums = rollup_sums(s)
    total, late = sums["payments_count"], sums["payments_late"]
    value = ratio(late, total, 100)
    return Indicator(
        code,
        "bureaucratic_structure",
        label,
        value,
        "%",
        "" if value is not None else _("no payments in the month"),
        late,
        total,
    )


def deposits_unconfirmed(s: IndicatorScope) -> Indicator:
    """Officer cash deposits still unconfirmed more than 3 days after submission, as of today."""
    code, label = "deposits_unconfirmed", str(L("Cash deposits unconfirmed for more than 3 days"))
    if not _need("contributions"):
        return _missing(code, "bureaucratic_structure", label, "", "contributions")
    Deposit = apps.get_model("contributions", "OfficerDeposit")
    cutoff = s.today - dt.timedelta(days=DEPOSIT_CONFIRM_DAYS)
    n = s.by_region(
        Deposit.objects.filter(status="submitted", deposited_on__lt=cutoff), "lpa__kelurahan_id"
    ).count()
    return Indicator(code, "bureaucratic_structure", label, Decimal(n), "", "", n, None)


SYSTEM_INDICATORS: list[Callable[[IndicatorScope], Indicator]] = [
    outreach_events_per_1000,
    people_reached_per_1000,
    officers_per_1000_members,
    vehicles_good_per_officer,
    enrolments_per_officer,
    honoraria_on_time_pct,
    claim_turnaround,
    claims_paid_unverified,
    payments_recorded_late_pct,
    deposits_unconfirmed,
]


def all_indicators(
    s: IndicatorScope, *, awareness: tuple[int, int], gaps: list[OfficerTraining] | None
) -> list[Indicator]:
    """Every indicator for the scope, in aspect order."""
    out = [f(s) for f in SYSTEM_INDICATORS]
    out.append(awareness_pct(s, yes=awareness[0], total=awareness[1]))
    out.append(officers_trained_pct(s, gaps))
    order = ["communication", "resources", "disposition", "bureaucratic_structure"]
    return sorted(out, key=lambda i: order.index(i.aspect))
