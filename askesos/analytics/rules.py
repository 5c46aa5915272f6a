# ruff: noqa: RUF001, RUF002  (en dashes are deliberate: Indonesian report text, ranges)
"""Coverage arithmetic, indicator ratings and scorecard recommendations (pure, no ORM).

Coverage (the thesis's headline figure, PROGRAM.md §7): covered members / informal workers x 100,
where covered means status active or in arrears (still within the grace window), and the
denominator is the area's ``WorkforceEstimate`` of the latest year up to the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from askesos.evaluation.rules import Category

HUNDRED = Decimal(100)


def coverage_pct(members: int, workers: int | None) -> Decimal | None:
    """Members as a percentage of informal workers, unrounded; None without a denominator."""
    if not workers:
        return None
    return Decimal(members) * HUNDRED / Decimal(workers)


def format_pct(value: Decimal | None) -> str:
    """Two decimals, or more when the figure would round to 0.00 but is not zero (0.004 %)."""
    if value is None:
        return "–"
    places = 2
    while places < 6 and value != 0 and value.quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP) == 0:
        places += 1
    return f"{value.quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP)} %"


def format_count(value: int) -> str:
    """Thousands with dots, the Indonesian way: 400.000."""
    return f"{value:,}".replace(",", ".")


def headline(area: str, members: int, workers: int | None, year: int | None) -> str:
    """The thesis's kind of sentence, e.g. "In Jakarta Timur, members are 0.08 % of informal workers
    (320 of 400.000; estimate for 2024)"."""
    if not workers:
        return _("%(area)s: %(members)s members; no informal-workforce estimate has been entered.") % {
            "area": area,
            "members": format_count(members),
        }
    return _(
        "In %(area)s, members are %(pct)s of informal workers (%(members)s of %(workers)s; estimate for %(year)s)."  # noqa: E501
    ) % {
        "area": area,
        "pct": format_pct(coverage_pct(members, workers)),
        "members": format_count(members),
        "workers": format_count(workers),
        "year": year,
    }


def target_members(
    target_percent: Decimal | None, target_count: int | None, workers: int | None
) -> int | None:
    """The member count a target asks for: the explicit count, else percent x workers (rounded up)."""
    if target_count is not None:
        return target_count
    if target_percent is None or not workers:
        return None
    return int((Decimal(workers) * target_percent / HUNDRED).to_integral_value(rounding="ROUND_CEILING"))


def rank(values: Sequence[Decimal | None]) -> list[int | None]:
    """Competition ranks, highest first (1, 2, 2, 4); None values get no rank."""
    ordered = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else ordered.index(v) + 1 for v in values]


# --- indicator ratings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds for Kurang Baik, Baik, Sangat Baik (``higher_is_better``), else upper bounds."""

    bounds: tuple[Decimal, Decimal, Decimal]
    higher_is_better: bool = True


# Program defaults, stated so they can be argued with: they come from the thesis's recommendations
# (PROGRAM.md §1, §4, §5) and the BPJS TK analogues, not from a regulation.
THRESHOLDS: dict[str, Thresholds] = {
    "outreach_events_per_1000": Thresholds((Decimal("0.1"), Decimal("0.5"), Decimal("1"))),
    "people_reached_per_1000": Thresholds((Decimal("5"), Decimal("25"), Decimal("50"))),
    "awareness_pct": Thresholds((Decimal("25"), Decimal("50"), Decimal("75"))),
    "officers_per_1000_members": Thresholds((Decimal("2"), Decimal("4"), Decimal("6.67"))),
    "officers_trained_pct": Thresholds((Decimal("25"), Decimal("50"), Decimal("75"))),
    "vehicles_good_per_officer": Thresholds((Decimal("0.25"), Decimal("0.5"), Decimal("0.75"))),
    "enrolments_per_officer": Thresholds((Decimal("2"), Decimal("5"), Decimal("10"))),
    "honoraria_on_time_pct": Thresholds((Decimal("50"), Decimal("75"), Decimal("95"))),
    "claim_turnaround_vs_sla": Thresholds(
        (Decimal("2"), Decimal("1.5"), Decimal("1")), higher_is_better=False
    ),
    "claims_paid_unverified": Thresholds((Decimal("2"), Decimal("1"), Decimal("0")), higher_is_better=False),
    "payments_recorded_late_pct": Thresholds(
        (Decimal("20"), Decimal("10"), Decimal("2")), higher_is_better=False
    ),
    "deposits_unconfirmed": Thresholds((Decimal("5"), Decimal("2"), Decimal("0")), higher_is_better=False),
}


def rate(code: str, value: Decimal | None) -> Category | None:
    """Category of an indicator value under its thresholds; None when unavailable or unrated."""
    t = THRESHOLDS.get(code)
    if value is None or t is None:
        return None
    if t.higher_is_better:
        index = sum(1 for bound in t.bounds if value >= bound)
    else:
        index = sum(1 for bound in t.bounds if value <= bound)
    return list(Category)[index]


def aspect_category(categories: Iterable[Category | None]) -> Category | None:
    """An aspect's category from its indicators: the rounded mean rank (1–4) of the rated ones."""
    ranks = [c.rank for c in categories if c is not None]
    if not ranks:
        return None
    mean = (Decimal(sum(ranks)) / len(ranks)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return list(Category)[int(mean) - 1]


# --- recommendations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KelurahanFacts:
    name: str
    coverage: Decimal | None  # percent
    last_event: dt.date | None


@dataclass(frozen=True)
class OfficerFacts:
    name: str
    missing_topics: tuple[str, ...]


@dataclass(frozen=True)
class LpaFacts:
    code: str
    officers: int
    vehicles_good: int


@dataclass(frozen=True)
class Recommendation:
    aspect: str
    text: str
    priority: int  # 1 most urgent


@dataclass
class RecommendationInput:
    today: dt.date
    kelurahan: list[KelurahanFacts] = field(default_factory=list)
    officers: list[OfficerFacts] = field(default_factory=list)
    lpas: list[LpaFacts] = field(default_factory=list)
    awareness_pct: Decimal | None = None
    honoraria_on_time_pct: Decimal | None = None
    claims_paid_unverified: int | None = None
    turnaround_days: Decimal | None = None
    sla_days: int | None = None
    deposits_unconfirmed: int | None = None


LOW_COVERAGE_PCT = Decimal("0.1")
NO_OUTREACH_DAYS = 90
VEHICLES_PER_OFFICER_MIN = Decimal("0.5")
MAX_NAMES = 5


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (_(" and %(n)s more") % {"n": len(names) - MAX_NAMES} if len(names) > MAX_NAMES else "")


def recommendations(facts: RecommendationInput) -> list[Recommendation]:
    """Rule-based recommendations from the weakest indicators, most urgent first.

    The remedies are the thesis's: outreach through ceramah at houses of worship and mass media
    (communication), training of field officers and operational vehicles (resources), higher and
    timely honoraria (disposition); plus the program's own SOP checks (bureaucratic structure).
    """
    out: list[Recommendation] = []
    cutoff = facts.today - dt.timedelta(days=NO_OUTREACH_DAYS)
    quiet = [
        k.name
        for k in sorted(facts.kelurahan, key=lambda k: (k.coverage or Decimal(0), k.name))
        if k.coverage is not None
        and k.coverage < LOW_COVERAGE_PCT
        and (k.last_event is None or k.last_event < cutoff)
    ]
    if quiet:
        out.append(
            Recommendation(
                "communication",
                _(
                    "Kelurahan %(names)s have coverage below %(pct)s and no outreach in %(days)s days: "
                    "hold ceramah at masjid, gereja, pura and vihara in those kelurahan and use local mass media."  # noqa: E501
                )
                % {"names": _names(quiet), "pct": format_pct(LOW_COVERAGE_PCT), "days": NO_OUTREACH_DAYS},
                1,
            )
        )
    if facts.awareness_pct is not None and facts.awareness_pct < 50:
        out.append(
            Recommendation(
                "communication",
                _(
                    "Only %(pct)s of surveyed non-members have heard of ASKESOS: socialise through television, "  # noqa: E501
                    "radio and houses of worship, not only door to door."
                )
                % {"pct": format_pct(facts.awareness_pct)},
                2,
            )
        )
    by_topic: dict[str, list[str]] = {}
    for officer in facts.officers:
        for topic in officer.missing_topics:
            by_topic.setdefault(topic, []).append(officer.name)
    for topic, names in sorted(by_topic.items()):
        out.append(
            Recommendation(
                "resources",
                _("Officers %(names)s lack required training '%(topic)s': schedule a diklat or workshop.")
                % {"names": _names(sorted(names)), "topic": topic},
                2,
            )
        )
    for lpa in facts.lpas:
        if lpa.officers == 0:
            continue
        per_officer = (Decimal(lpa.vehicles_good) / lpa.officers).quantize(Decimal("0.01"))
        if per_officer < VEHICLES_PER_OFFICER_MIN:
            out.append(
                Recommendation(
                    "resources",
                    _(
                        "LPA %(lpa)s has %(ratio)s vehicles in good condition per officer: provide operational "  # noqa: E501
                        "vehicles or repair the worn-out ones."
                    )
                    % {"lpa": lpa.code, "ratio": per_officer},
                    3,
                )
            )
    if facts.honoraria_on_time_pct is not None and facts.honoraria_on_time_pct < 75:
        out.append(
            Recommendation(
                "disposition",
                _("Only %(pct)s of honoraria were paid on time: pay officers by the 10th of the next month.")
                % {"pct": format_pct(facts.honoraria_on_time_pct)},
                2,
            )
        )
    if facts.claims_paid_unverified:
        out.append(
            Recommendation(
                "bureaucratic_structure",
                _("%(n)s claims were paid without verification: enforce the SOP (verify before paying).")
                % {"n": facts.claims_paid_unverified},
                1,
            )
        )
    if facts.turnaround_days is not None and facts.sla_days and facts.turnaround_days > facts.sla_days:
        out.append(
            Recommendation(
                "bureaucratic_structure",
                _(
                    "Claims take %(days)s days (median) from submission to payment against a service level of %(sla)s days."  # noqa: E501
                )
                % {"days": facts.turnaround_days, "sla": facts.sla_days},
                2,
            )
        )
    if facts.deposits_unconfirmed:
        out.append(
            Recommendation(
                "bureaucratic_structure",
                _("%(n)s officer cash deposits wait for confirmation too long: confirm or dispute them.")
                % {"n": facts.deposits_unconfirmed},
                2,
            )
        )
    return sorted(out, key=lambda r: r.priority)
