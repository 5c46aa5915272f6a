"""The indicators that read rollups give exactly what a raw recomputation over payments and claims
gives, and the scorecard's query count does not grow with the population."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from statistics import median
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from askesos.analytics import indicators as ind
from askesos.analytics.models import ClaimRollup, CoverageRollup
from askesos.analytics.services import rollups_refresh
from askesos.regions.models import Region

D = dt.date
UTC = dt.UTC
MONTHS = [D(2024, 4, 1), D(2024, 5, 1), D(2024, 6, 1), D(2024, 7, 1)]
TODAY = D(2024, 8, 20)
pytestmark = pytest.mark.django_db


# --- the raw computations the rollups replace (as the indicators computed them before) ----------


def raw_payments_recorded_late(s: ind.IndicatorScope) -> tuple[Decimal | None, int, int]:
    from askesos.contributions.models import Payment

    qs = s.by_region(Payment.objects.filter(paid_on__gte=s.month, paid_on__lte=s.month_end), "region_id")
    row = qs.aggregate(
        total=Count("id"),
        late=Count("id", filter=Q(recorded_at__date__gt=F("paid_on") + dt.timedelta(days=7))),
    )
    return ind.ratio(row["late"], row["total"], 100), row["late"], row["total"]


def raw_claim_turnaround(s: ind.IndicatorScope) -> tuple[Decimal | None, int | None, int | None]:
    from askesos.claims.models import Claim

    rows = s.by_region(
        Claim.objects.filter(paid_on__gte=s.window_start, paid_on__lte=s.month_end), "region_id"
    ).values_list("submitted_at", "paid_on")
    days = [(paid - timezone.localtime(submitted).date()).days for submitted, paid in rows]
    if not days:
        return None, None, None
    med = ind._dec(median(days), "0.1")
    sla = ind.claim_sla_days()
    return ind._dec(med / sla), int(med), sla


def raw_claims_paid_unverified(s: ind.IndicatorScope) -> int:
    from askesos.claims.models import Claim

    return s.by_region(
        Claim.objects.filter(
            status="paid", verified_at__isnull=True, paid_on__gte=s.window_start, paid_on__lte=s.month_end
        ),
        "region_id",
    ).count()


# --- a population with the edges that matter ---------------------------------------------------


@pytest.fixture
def make_claim(scheme):
    from askesos.claims.models import Claim
    from askesos.schemes.models import Benefit

    version = scheme.versions.get()
    benefit = Benefit.objects.create(version=version, claim_type="sickness", amount=500_000)

    def make(
        membership: Any, *, submitted_at: dt.datetime, paid_on: dt.date | None, status: str = "paid",
        verified: bool = True,
    ) -> Claim:  # fmt: skip
        return Claim.objects.create(
            membership=membership,
            lpa_id=membership.lpa_id,
            region_id=membership.region_id,
            scheme_version=version,
            benefit=benefit,
            claim_type="sickness",
            event_date=submitted_at.date() - dt.timedelta(days=3),
            reported_on=submitted_at.date(),
            claimant_name="Ahli Waris",
            amount=500_000,
            status=status,
            status_changed_at=submitted_at,
            submitted_at=submitted_at,
            verified_at=submitted_at + dt.timedelta(days=1) if verified else None,
            paid_on=paid_on,
        )

    return make


@pytest.fixture
def population(make_members, pay, make_claim, lpa_jt01, lpa_jt02, lpa_jb01):
    """Members of two LPAs in East Jakarta (three kelurahan) and one in West Jakarta; payments and
    claims over April-July 2024 with random delays, plus the time-zone edges: recorded or submitted
    between 17:00 and 24:00 UTC, which is already the next day in Jakarta (UTC+7)."""
    rng = random.Random(20240601)
    members = [
        *make_members(12, lpa=lpa_jt01),  # 31.75.03.1001
        *make_members(6, lpa=lpa_jt01, region_code="31.75.03.1002"),
        *make_members(10, lpa=lpa_jt02, region_code="31.75.06.1001"),
        *make_members(4, lpa=lpa_jt02, region_code="31.75.03.1001"),  # another LPA in Jatinegara
        *make_members(8, lpa=lpa_jb01),  # West Jakarta: outside every East Jakarta scope
    ]
    for m in members:
        for month in MONTHS:
            if rng.random() < 0.8:
                paid_on = month + dt.timedelta(days=rng.randrange(28))
                recorded = dt.datetime.combine(paid_on, dt.time(), tzinfo=UTC) + dt.timedelta(
                    days=rng.choice([0, 1, 6, 7, 8, 12]), hours=rng.choice([1, 9, 16, 17, 23])
                )
                pay(m, paid_on=paid_on, recorded_at=recorded)
        for _ in range(rng.randrange(3)):
            submitted = dt.datetime(2024, 3, 25, tzinfo=UTC) + dt.timedelta(
                days=rng.randrange(120), hours=rng.randrange(24)
            )
            status = rng.choice(["paid", "paid", "paid", "approved", "submitted"])
            claim_paid_on = None  # "approved" with a payment date below: data out of order
            if status in ("paid", "approved"):
                claim_paid_on = submitted.date() + dt.timedelta(days=rng.randrange(35))
            make_claim(
                m, submitted_at=submitted, paid_on=claim_paid_on, status=status, verified=rng.random() < 0.8
            )
    edge = members[0]
    pay(edge, paid_on=D(2024, 6, 1), recorded_at=dt.datetime(2024, 6, 8, 17, 30, tzinfo=UTC))  # 9 June WIB
    pay(edge, paid_on=D(2024, 6, 1), recorded_at=dt.datetime(2024, 6, 8, 16, 59, tzinfo=UTC))  # 8 June WIB
    make_claim(edge, submitted_at=dt.datetime(2024, 5, 31, 18, tzinfo=UTC), paid_on=D(2024, 6, 11))
    for month in MONTHS:
        rollups_refresh(month=month)
    return members


def _scopes() -> list[ind.IndicatorScope]:
    from askesos.lpa.models import Lpa

    jt01, jt02 = (Lpa.objects.get(code=c).pk for c in ("LPA-JT-01", "LPA-JT-02"))
    out = []
    for month in MONTHS:
        for code, lpas in (
            ("31.75", None),  # city scorecard
            ("31.75.03", (jt01,)),  # LPA scorecard: the LPA's kecamatan, its rows only
            ("31.75.03", (jt02,)),
            ("31.75.06", None),
            ("31.75.03.1002", None),
            ("31", None),
            ("32", None),  # nothing there
        ):
            low, high = Region.objects.get(code=code).subtree
            out.append(ind.IndicatorScope(low, high, month, TODAY, lpas, 10_000))
    return out


def test_rollup_indicators_equal_a_raw_recomputation(population):
    assert ClaimRollup.objects.exists()
    compared = 0
    for s in _scopes():
        late = ind.payments_recorded_late_pct(s)
        assert (late.value, late.numerator, late.denominator) == raw_payments_recorded_late(s), s
        turnaround = ind.claim_turnaround(s)
        assert (turnaround.value, turnaround.numerator, turnaround.denominator) == raw_claim_turnaround(s), s
        assert ind.claims_paid_unverified(s).numerator == raw_claims_paid_unverified(s), s
        compared += late.denominator or 0
    assert compared > 100  # the comparison saw real payments, not only empty scopes


def test_the_edges_count_in_jakarta_time(population, lpa_jt01):
    """Recorded 8 June 17:30 UTC is 9 June in Jakarta: 8 days after 1 June, late; 16:59 UTC is not.
    Submitted 31 May 18:00 UTC is 1 June in Jakarta: paid 11 June is 10 days."""
    from askesos.claims.models import Claim
    from askesos.contributions.models import Payment

    low, high = Region.objects.get(code="31.75").subtree
    june = ind.IndicatorScope(low, high, D(2024, 6, 1), TODAY)
    edges = Payment.objects.filter(
        recorded_at__in=[dt.datetime(2024, 6, 8, h, m, tzinfo=UTC) for h, m in ((17, 30), (16, 59))]
    )
    late = edges.filter(ind.payment_recorded_late()).values_list("recorded_at", flat=True)
    assert list(late) == [dt.datetime(2024, 6, 8, 17, 30, tzinfo=UTC)]
    claim = Claim.objects.get(submitted_at=dt.datetime(2024, 5, 31, 18, tzinfo=UTC))
    cell = ClaimRollup.objects.filter(month=D(2024, 6, 1), region_id=claim.region_id, lpa_id=claim.lpa_id)
    assert cell.filter(turnaround_days=10).exists()
    assert raw_payments_recorded_late(june) == (
        ind.payments_recorded_late_pct(june).value,
        ind.payments_recorded_late_pct(june).numerator,
        ind.payments_recorded_late_pct(june).denominator,
    )


def test_the_refresh_is_idempotent_and_replaces_the_month(population, make_claim):
    june = D(2024, 6, 1)

    def snapshot() -> tuple[list[Any], list[Any]]:
        coverage = CoverageRollup.objects.filter(month=june).order_by("region_id", "lpa_id")
        claims = ClaimRollup.objects.filter(month=june).order_by("region_id", "lpa_id", "turnaround_days")
        return list(coverage.values_list()), list(
            claims.values_list(
                "region_id", "lpa_id", "turnaround_days", "claims_paid", "claims_paid_unverified"
            )
        )

    before = snapshot()
    rollups_refresh(month=june)
    after = snapshot()
    assert [r[1:] for r in before[0]] == [r[1:] for r in after[0]]  # everything but the id
    assert before[1] == after[1]
    # A claim paid in June after the refresh shows once June is refreshed again (the monthly cycle).
    make_claim(population[-1], submitted_at=dt.datetime(2024, 6, 2, 3, tzinfo=UTC), paid_on=D(2024, 6, 4))
    low, high = Region.objects.get(code="31.73").subtree
    s = ind.IndicatorScope(low, high, june, TODAY)

    def paid() -> int:
        cells = ClaimRollup.objects.filter(month=june, region_id__gte=low, region_id__lt=high)
        return sum(cells.values_list("claims_paid", flat=True))

    stale = paid()
    rollups_refresh(month=june)
    assert paid() == stale + 1
    assert (ind.claim_turnaround(s).value, ind.claim_turnaround(s).numerator) == raw_claim_turnaround(s)[:2]


@pytest.mark.parametrize("seed", range(30))
def test_the_median_of_a_histogram_is_the_median_of_the_list(seed: int) -> None:
    rng = random.Random(seed)
    values = [rng.randrange(-3, 40) for _ in range(rng.randrange(1, 60))]
    histogram: dict[int, int] = {}
    for v in values:
        histogram[v] = histogram.get(v, 0) + 1
    pairs = list(histogram.items())
    rng.shuffle(pairs)
    got = ind.median_of_histogram([*pairs, (99, 0)])
    assert got == median(values)
    assert type(got) is type(median(values))
    assert ind.median_of_histogram([]) is None


def test_it_keeps_scorecard_queries_flat(
    client, make_members, pay, make_claim, estimate, lpa_jt01, lpa_jt02, dinsos_jaktim,
    django_assert_num_queries,
):  # fmt: skip
    def grow(n: int, lpa: Any, code: str) -> None:
        for i, m in enumerate(make_members(n, lpa=lpa, region_code=code)):
            pay(m, paid_on=D(2024, 6, 3), recorded_at=dt.datetime(2024, 6, 3 + i % 12, 5, tzinfo=UTC))
            if i % 3 == 0:
                make_claim(
                    m, submitted_at=dt.datetime(2024, 5, 20, 5, tzinfo=UTC), paid_on=D(2024, 6, i % 28 + 1)
                )

    estimate("31.75", 400_000)
    grow(5, lpa_jt01, "31.75.03.1001")
    for month in MONTHS:
        rollups_refresh(month=month)
    client.force_login(dinsos_jaktim)
    url = reverse("analytics:scorecard_city", args=["31.75"]) + "?month=2024-06"
    lpa_url = reverse("analytics:scorecard_lpa", args=[lpa_jt01.pk]) + "?month=2024-06"
    client.get(url)
    client.get(lpa_url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    with CaptureQueriesContext(connection) as small_lpa:
        client.get(lpa_url)
    grow(60, lpa_jt02, "31.75.06.1001")
    grow(40, lpa_jt01, "31.75.03.1002")
    for month in MONTHS:
        rollups_refresh(month=month)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(len(small_lpa.captured_queries)):
        assert client.get(lpa_url).status_code == 200
    raw_tables = ("contributions_payment", "claims_claim", "membership_membership")
    for q in [*small.captured_queries, *small_lpa.captured_queries]:
        assert not any(t in q["sql"] for t in raw_tables), q["sql"]


@pytest.mark.parametrize(
    "zone", ["Asia/Jakarta", "Asia/Jayapura", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"]
)
def test_late_payments_match_the_raw_count_in_any_time_zone(zone, make_members, pay, lpa_jt01):
    """The refresh decides most rows without a time-zone conversion (on SQLite): around the
    boundary, in zones from UTC-12 to UTC+14 and across a DST change, it must still agree."""
    (m,) = make_members(1, lpa=lpa_jt01)
    for paid_on in (D(2024, 3, 1), D(2024, 3, 5)):  # New York switches to DST on 10 March 2024
        start = dt.datetime.combine(paid_on, dt.time(), tzinfo=UTC) + dt.timedelta(days=6)
        for half_hours in range(4 * 48):
            pay(m, paid_on=paid_on, recorded_at=start + dt.timedelta(minutes=30 * half_hours))
    low, high = Region.objects.get(code="31.75").subtree
    s = ind.IndicatorScope(low, high, D(2024, 3, 1), TODAY)
    with timezone.override(zone):
        rollups_refresh(month=s.month)
        got = ind.payments_recorded_late_pct(s)
        assert (got.value, got.numerator, got.denominator) == raw_payments_recorded_late(s)
    assert got.numerator is not None
    assert got.denominator is not None
    assert 0 < got.numerator < got.denominator


def test_the_command_refreshes_the_closed_and_the_current_month_by_default(make_members, lpa_jt01):
    from io import StringIO

    from django.core.management import call_command

    from askesos.core.months import add_months, month_start

    make_members(3, lpa=lpa_jt01)
    out = StringIO()
    call_command("refresh-rollups", stdout=out)
    current = month_start(timezone.localdate())
    months = [add_months(current, -1), current]
    assert sorted(set(CoverageRollup.objects.values_list("month", flat=True))) == months
    assert out.getvalue().splitlines() == [f"{m:%Y-%m}: 1 rows" for m in months]
