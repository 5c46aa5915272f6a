# ruff: noqa: RUF001  (en dashes are deliberate: Indonesian report text, ranges)
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from askesos.analytics import rules, selectors
from askesos.analytics.models import CoverageRollup
from askesos.analytics.services import rollups_refresh
from askesos.regions.models import Region

D = dt.date
MONTH = D(2024, 6, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(make_members, estimate, lpa_jt01, lpa_jt02, pay):
    """East Jakarta with 400,000 informal workers and 320 covered members: the thesis's 0.08 %."""
    estimate("31.75", 400_000)
    estimate("31.75.03", 50_000)  # Jatinegara (kecamatan)
    estimate("31.75.03.1001", 10_000)  # Kelurahan Cipinang Cempedak? (whatever 1001 is)
    estimate("31.75.06.1001", 8_000)
    active = make_members(200, lpa=lpa_jt01)  # in 31.75.03.1001
    make_members(50, lpa=lpa_jt01, status="arrears")
    make_members(70, lpa=lpa_jt02, region_code="31.75.06.1001")  # Cakung
    make_members(30, lpa=lpa_jt02, region_code="31.75.06.1001", status="lapsed")
    make_members(5, lpa=lpa_jt01, enrolled_on=D(2024, 6, 3))  # new in June: pending? active
    make_members(3, lpa=lpa_jt01, enrolled_on=D(2024, 7, 3))  # not yet enrolled in June
    pay(active[0], paid_on=D(2024, 6, 5))
    pay(active[1], paid_on=D(2024, 6, 6), amount=30000)
    pay(active[2], paid_on=D(2024, 5, 6))
    return active


def test_it_builds_the_thesis_headline_for_east_jakarta(scenario, kemensos_admin):
    rollups_refresh(month=MONTH)
    jaktim = Region.objects.get(code="31.75")
    fig = selectors.area_figures(user=kemensos_admin, region=jaktim, month=MONTH)
    assert fig.counts.covered == 325  # 200 + 50 + 70 + 5 (lapsed and July enrolments excluded)
    assert fig.counts.members_lapsed == 30
    assert fig.counts.new_enrolments == 5
    assert fig.counts.payments_count == 2
    assert fig.counts.premiums_collected == 35000
    assert fig.coverage == Decimal("0.08125")
    assert fig.coverage_text == "0.08 %"
    with translation.override("en"):
        headline = fig.headline
    assert headline == (
        "In Kota Administrasi Jakarta Timur, members are 0.08 % of informal workers (325 of 400.000; estimate for 2024)."  # noqa: E501
    )


def test_it_uses_the_sum_of_children_when_an_area_has_no_estimate(scenario, kemensos_admin):
    rollups_refresh(month=MONTH)
    view = selectors.coverage_view(
        user=kemensos_admin, region=Region.objects.get(code="31.75.06"), month=MONTH
    )
    assert view.area.denominator is not None
    assert view.area.denominator.workers == 8_000
    assert view.area.counts.covered == 70
    assert view.area.coverage_text == "0.88 %"  # 70 / 8000 = 0.875 %
    top = view.children[0]
    assert (top.code, top.rank, top.coverage_text) == ("31.75.06.1001", 1, "0.88 %")


def test_it_ranks_kecamatan_and_reads_the_trend(scenario, kemensos_admin):
    rollups_refresh(month=MONTH)
    rollups_refresh(month=D(2024, 5, 1))
    view = selectors.coverage_view(user=kemensos_admin, region=Region.objects.get(code="31.75"), month=MONTH)
    ranked = [(c.code, c.rank) for c in view.children if c.rank]
    assert ranked == [("31.75.06", 1), ("31.75.03", 2)]  # 0.88 % vs 255 / 50,000 = 0.51 %
    assert len(view.trend) == 13
    assert [(p.month, p.covered) for p in view.trend[-2:]] == [(D(2024, 5, 1), 320), (MONTH, 325)]
    assert len(view.children) == 10


def test_it_applies_a_target(scenario, kemensos_admin):
    from askesos.analytics.services import coverage_target_set

    jaktim = Region.objects.get(code="31.75")
    coverage_target_set(
        actor=kemensos_admin, region=jaktim, year=2024, target_percent=Decimal("0.5"), target_count=None
    )
    rollups_refresh(month=MONTH)
    view = selectors.coverage_view(user=kemensos_admin, region=jaktim, month=MONTH)
    assert view.area.target_members == 2000
    assert view.area.target_met is False


def _raw_group_by(month: dt.date) -> list[tuple[int, int, int, int]]:
    nxt = D(month.year + (month.month == 12), month.month % 12 + 1, 1)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT region_id, lpa_id, SUM(CASE WHEN status IN ('active','arrears') THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN enrolled_on >= %s THEN 1 ELSE 0 END) FROM membership_membership "
            "WHERE enrolled_on < %s GROUP BY region_id, lpa_id ORDER BY region_id, lpa_id",
            [month, nxt],
        )
        return [(int(a), int(b), int(c), int(d)) for a, b, c, d in cur.fetchall()]


def test_it_refreshes_idempotently_and_matches_a_raw_group_by(scenario):
    first = rollups_refresh(month=MONTH)
    snapshot = list(
        CoverageRollup.objects.filter(month=MONTH)
        .order_by("region_id", "lpa_id")
        .values_list(
            "region_id",
            "lpa_id",
            "members_active",
            "members_arrears",
            "members_lapsed",
            "new_enrolments",
            "payments_count",
            "premiums_collected",
        )
    )
    second = rollups_refresh(month=MONTH)
    again = list(
        CoverageRollup.objects.filter(month=MONTH)
        .order_by("region_id", "lpa_id")
        .values_list(
            "region_id",
            "lpa_id",
            "members_active",
            "members_arrears",
            "members_lapsed",
            "new_enrolments",
            "payments_count",
            "premiums_collected",
        )
    )
    assert first == second == 2
    assert snapshot == again
    rolled = [(r, lpa, a + b, n) for r, lpa, a, b, _l, n, _p, _s in snapshot]
    assert rolled == _raw_group_by(MONTH)


def test_it_reads_history_from_status_changes(make_members, lpa_jt01, kemensos_admin):
    from askesos.contributions.models import MembershipStatusChange

    (m,) = make_members(1, lpa=lpa_jt01, status="lapsed")
    MembershipStatusChange.objects.create(
        membership=m, from_status="active", to_status="arrears", on=D(2024, 3, 1), reason="cycle"
    )
    MembershipStatusChange.objects.create(
        membership=m, from_status="arrears", to_status="lapsed", on=D(2024, 6, 1), reason="cycle"
    )
    counts = {}
    for month in (D(2024, 2, 1), D(2024, 4, 1), D(2024, 6, 1)):
        rollups_refresh(month=month)
        row = CoverageRollup.objects.get(month=month)
        counts[month] = (row.members_active, row.members_arrears, row.members_lapsed)
    assert counts == {D(2024, 2, 1): (1, 0, 0), D(2024, 4, 1): (0, 1, 0), D(2024, 6, 1): (0, 0, 1)}


def test_it_formats_small_percentages_with_enough_digits() -> None:
    assert rules.format_pct(Decimal("0.004")) == "0.004 %"
    assert rules.format_pct(Decimal("0.08")) == "0.08 %"
    assert rules.format_pct(None) == "–"
    assert rules.rank([Decimal(1), None, Decimal(3), Decimal(1)]) == [2, None, 1, 2]


# --- pages, scope, query counts ---------------------------------------------------------------


def test_it_shows_the_dashboard_with_the_headline(client, scenario, dinsos_jaktim):
    rollups_refresh(month=MONTH)
    client.force_login(dinsos_jaktim)
    response = client.get(reverse("analytics:coverage_area", args=["31.75"]) + "?month=2024-06")
    assert response.status_code == 200
    body = response.content.decode()
    assert "0.08 %" in body
    assert "<svg" in body
    assert "style=" not in body


def test_it_hides_areas_outside_the_scope(client, scenario, dinsos_jakbar, outsider):
    client.force_login(dinsos_jakbar)
    assert client.get(reverse("analytics:coverage_area", args=["31.75"])).status_code == 404
    assert client.get(reverse("analytics:coverage")).status_code == 302  # to their own area
    client.force_login(outsider)
    assert client.get(reverse("analytics:coverage_area", args=["31.75"])).status_code == 404


def test_it_refuses_without_the_capability(client, officer):
    client.force_login(officer)
    assert client.get(reverse("analytics:coverage_area", args=["31.75"])).status_code == 403


def test_it_counts_only_the_lpa_members_for_an_lpa_manager(client, scenario, lpa_manager):
    rollups_refresh(month=MONTH)
    view = selectors.coverage_view(user=lpa_manager, region=Region.objects.get(code="31.75.03"), month=MONTH)
    assert view.area.counts.covered == 255
    client.force_login(lpa_manager)
    assert client.get(reverse("analytics:coverage_area", args=["31.75.06"])).status_code == 404


def test_it_keeps_dashboard_queries_flat(
    client, make_members, estimate, lpa_jt01, lpa_jt02, dinsos_jaktim, django_assert_num_queries
):
    estimate("31.75", 400_000)
    make_members(5, lpa=lpa_jt01)
    rollups_refresh(month=MONTH)
    client.force_login(dinsos_jaktim)
    url = reverse("analytics:coverage_area", args=["31.75"]) + "?month=2024-06"
    client.get(url)
    with django_assert_num_queries(16) as small:
        client.get(url)
    make_members(300, lpa=lpa_jt02, region_code="31.75.06.1001")
    make_members(100, lpa=lpa_jt01, region_code="31.75.01.1001")
    estimate("31.75.06.1001", 1000)
    rollups_refresh(month=MONTH)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert "0.10 %" in response.content.decode()  # 405 / 400,000 = 0.10125 %


def test_the_city_rollup_gives_the_same_pages_as_the_kelurahan_rollup(
    scenario, make_members, lpa_jb01, kemensos_admin, dinsos_jaktim, lpa_manager, monkeypatch
):
    from askesos.analytics.models import CityCoverageRollup

    make_members(7, lpa=lpa_jb01)  # West Jakarta
    make_members(2, lpa=lpa_jb01, region_code="31.75.06.1001", status="arrears")  # an LPA across cities
    for month in (D(2024, 5, 1), MONTH):
        rollups_refresh(month=month)
    assert (
        CityCoverageRollup.objects.filter(month=MONTH).count() == 4
    )  # (31.75, JT-01/02/JB-01), (31.73, JB-01)
    cases = [
        (kemensos_admin, None),
        (kemensos_admin, "31"),
        (kemensos_admin, "31.75"),
        (dinsos_jaktim, "31.75"),
        (lpa_manager, "31"),
        (lpa_manager, "31.75"),
    ]
    coarse = []
    for user, code in cases:
        region = Region.objects.get(code=code) if code else None
        low, high = region.subtree if region else selectors.NATIONAL_RANGE
        assert selectors.city_rollups_suffice(user, low, high)
        coarse.append(
            (
                selectors.coverage_view(user=user, region=region, month=MONTH),
                selectors.area_figures(user=user, region=region, month=MONTH),
                selectors.area_counts_by_child(user, low, high, 10**6, MONTH),
            )
        )
    monkeypatch.setattr(selectors, "city_rollups_suffice", lambda *args: False)
    for (user, code), got in zip(cases, coarse, strict=True):
        region = Region.objects.get(code=code) if code else None
        low, high = region.subtree if region else selectors.NATIONAL_RANGE
        fine = (
            selectors.coverage_view(user=user, region=region, month=MONTH),
            selectors.area_figures(user=user, region=region, month=MONTH),
            selectors.area_counts_by_child(user, low, high, 10**6, MONTH),
        )
        assert got == fine, (user, code)
    national = coarse[0][0]
    assert national.area.counts.covered == 325 + 7 + 2
    assert [p.covered for p in national.trend[-2:]] == [320 + 7 + 2, 325 + 7 + 2]


def test_the_city_rollup_is_not_used_where_it_would_differ(kemensos_admin, dinsos_jaktim):
    from askesos.accounts.models import User

    jatinegara = Region.objects.get(code="31.75.03")
    user_in_kecamatan = User.objects.create_user(username="camat", password="x" * 12, role="dinsos_officer")
    user_in_kecamatan.scope_regions.set([jatinegara])
    assert not selectors.city_rollups_suffice(kemensos_admin, *jatinegara.subtree)  # not whole cities
    low, high = Region.objects.get(code="31.75").subtree
    assert not selectors.city_rollups_suffice(kemensos_admin, low, high, 10**4)  # grouped by kecamatan
    assert selectors.city_rollups_suffice(dinsos_jaktim, low, high)
    assert not selectors.city_rollups_suffice(user_in_kecamatan, low, high)  # scope finer than a city
