from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import pytest
from django.urls import reverse

from askesos.fund import selectors
from askesos.fund.charts import bar_chart
from askesos.fund.services import fund_record_expense, fund_record_seed_grant, post_journal

JAN = dt.date(2027, 1, 1)
JAN_END = dt.date(2027, 1, 31)


def _post(lpa, key, on, lines):
    return post_journal(
        lpa_id=lpa.pk, on=on, memo=key, source_type="test", source_id=key, lines=lines, idempotency_key=key
    )


def _members(lpa, region, count, *, status="active", premium=5_000, coverage_start=dt.date(2026, 10, 1)):
    from askesos.membership.models import Membership
    from askesos.registry.models import Person
    from askesos.schemes.models import Scheme, SchemeVersion

    scheme, created = Scheme.objects.get_or_create(code="KLASIK", defaults={"name": "Askesos Klasik"})
    if created:
        SchemeVersion.objects.create(
            scheme=scheme, effective_from=dt.date(2020, 1, 1), premium_monthly=premium
        )
    start = Person.objects.count()
    for i in range(start, start + count):
        person = Person.objects.create(
            nik=f"3175034101{i:06d}",
            full_name=f"Anggota {i}",
            birth_date=dt.date(1980, 1, 1),
            sex="L",
            marital_status="kawin",
            occupation="pedagang_kaki_lima",
            monthly_income=1_000_000,
            is_breadwinner=True,
            address="Jl. 1",
            kelurahan=region,
            lpa=lpa,
        )
        Membership.objects.create(
            person=person,
            scheme=scheme,
            lpa=lpa,
            member_number=f"M{i:05d}",
            enrolled_on=coverage_start,
            coverage_start=coverage_start,
            status=status,
            status_since=coverage_start,
            region_id=region.pk,
        )


@pytest.fixture
def scripted(lpa_jt01, lpa_jt02, lpa_manager):
    """JT-01: seed grant in July 2026; premiums and claims over 2026/27; honoraria and admin in January."""
    fund_record_seed_grant(lpa=lpa_jt01, on=dt.date(2026, 7, 1), reference="SK-1", actor=lpa_manager)
    _post(lpa_jt01, "p-2026-08", dt.date(2026, 8, 10), [("1100", 400_000, 0), ("4100", 0, 400_000)])
    _post(lpa_jt01, "dep-2026-08", dt.date(2026, 8, 20), [("1200", 400_000, 0), ("1100", 0, 400_000)])
    _post(lpa_jt01, "c-2026-09", dt.date(2026, 9, 5), [("5100", 300_000, 0), ("1200", 0, 300_000)])
    _post(lpa_jt01, "c-2026-12", dt.date(2026, 12, 5), [("5100", 2_000_000, 0), ("1200", 0, 2_000_000)])
    _post(lpa_jt01, "p-2027-01", dt.date(2027, 1, 8), [("1100", 60_000, 0), ("4100", 0, 60_000)])
    _post(lpa_jt01, "apbd-2027-01", dt.date(2027, 1, 9), [("1200", 120_000, 0), ("4200", 0, 120_000)])
    _post(lpa_jt01, "c-2027-01", dt.date(2027, 1, 20), [("5100", 300_000, 0), ("1110", 0, 300_000)])
    fund_record_expense(
        lpa=lpa_jt01,
        kind="honoraria",
        amount=500_000,
        on=dt.date(2027, 1, 25),
        memo="Jan",
        actor=lpa_manager,
        paid_from="bank",
    )
    fund_record_expense(
        lpa=lpa_jt01, kind="admin", amount=100_000, on=dt.date(2027, 1, 31), memo="ATK", actor=lpa_manager
    )
    _post(lpa_jt01, "p-2027-02", dt.date(2027, 2, 1), [("1100", 5_000, 0), ("4100", 0, 5_000)])
    fund_record_seed_grant(lpa=lpa_jt02, on=dt.date(2026, 7, 1), actor=lpa_manager)
    return lpa_jt01


def test_balances_are_exact_after_a_scripted_sequence(scripted):
    f = selectors.lpa_fund_figures(lpa_id=scripted.pk, start=JAN, end=JAN_END)
    assert {c: v for c, v in f.opening.items() if v} == {
        "1200": 28_100_000,
        "3100": 30_000_000,
        "4100": 400_000,
        "5100": 2_300_000,
    }
    assert f.opening_cash == 28_100_000
    assert f.income == {"4100": 60_000, "4200": 120_000}
    assert f.expenses == {"5100": 300_000, "5200": 500_000, "5300": 100_000}
    assert f.capital_in == 0
    assert {c: f.closing(c) for c in ("1100", "1110", "1200")} == {
        "1100": 60_000,
        "1110": -400_000,
        "1200": 27_720_000,
    }
    assert f.closing_cash == 27_380_000 == f.opening_cash + f.total_income - f.total_expenses


def test_ratios_are_exact(scripted, region):
    f = selectors.lpa_fund_figures(lpa_id=scripted.pk, start=JAN, end=JAN_END)
    assert f.loss_ratio == Fraction(300_000, 60_000) == 5
    assert f.claims_12m == 2_600_000
    assert f.reserve_months == Fraction(27_380_000 * 12, 2_600_000)
    year = selectors.lpa_fund_figures(lpa_id=scripted.pk, start=dt.date(2026, 8, 1), end=JAN_END)
    assert year.loss_ratio == Fraction(2_600_000, 460_000)

    _members(scripted, region("31.75.03.1001"), 10)  # 10 active at Rp 5,000
    _members(scripted, region("31.75.03.1001"), 2, status="arrears")
    _members(scripted, region("31.75.03.1001"), 3, status="lapsed")
    _members(scripted, region("31.75.03.1001"), 4, coverage_start=dt.date(2027, 2, 1))  # not yet covered
    due = selectors.premiums_due(lpa_ids=[scripted.pk], start=JAN, end=JAN_END)
    assert due == {scripted.pk: 60_000}
    assert selectors.collection_rate(f.premiums, due[scripted.pk]) == 1
    q1 = selectors.premiums_due(lpa_ids=[scripted.pk], start=JAN, end=dt.date(2027, 3, 31))
    assert q1 == {scripted.pk: 3 * 60_000 + 2 * 4 * 5_000}


def test_a_member_who_died_or_lapsed_owes_the_months_begun_live(scripted, region):
    from askesos.membership.models import Membership

    kel = region("31.75.03.1001")
    _members(scripted, kel, 1)  # active throughout: owes every month
    _members(scripted, kel, 1, status="terminated")  # died on 15 January: owes January
    _members(scripted, kel, 1, status="lapsed")  # lapsed by the cycle on 1 February: owes January
    _members(scripted, kel, 1, status="lapsed")  # lapsed on 1 January: owes nothing in the period
    _members(scripted, kel, 1, status="pending")  # never covered: owes nothing
    died, lapsed_feb, lapsed_jan = Membership.objects.order_by("id")[1:4]
    Membership.objects.filter(pk=died.pk).update(status_since=dt.date(2027, 1, 15))
    Membership.objects.filter(pk=lapsed_feb.pk).update(status_since=dt.date(2027, 2, 1))
    Membership.objects.filter(pk=lapsed_jan.pk).update(status_since=JAN)
    jan = selectors.premiums_due(lpa_ids=[scripted.pk], start=JAN, end=JAN_END)
    assert jan == {scripted.pk: 3 * 5_000}
    q1 = selectors.premiums_due(lpa_ids=[scripted.pk], start=JAN, end=dt.date(2027, 3, 31))
    assert q1 == {scripted.pk: 3 * 5_000 + 2 * 5_000}  # the active member's February and March


def test_a_payment_in_the_month_of_death_has_a_collection_rate(scripted, region):
    from askesos.membership.models import Membership

    _members(scripted, region("31.75.03.1001"), 1, status="terminated")
    Membership.objects.update(status_since=dt.date(2027, 2, 20))
    feb = selectors.lpa_fund_figures(lpa_id=scripted.pk, start=dt.date(2027, 2, 1), end=dt.date(2027, 2, 28))
    due = selectors.premiums_due(lpa_ids=[scripted.pk], start=dt.date(2027, 2, 1), end=dt.date(2027, 2, 28))
    assert (feb.premiums, due) == (5_000, {scripted.pk: 5_000})  # "p-2027-02" of the scripted ledger
    assert selectors.collection_rate(feb.premiums, due[scripted.pk]) == 1


def test_premium_schedule_follows_version_in_force(scripted, region):
    from askesos.schemes.models import Scheme, SchemeVersion
    from askesos.schemes.selectors import version_in_force

    _members(scripted, region("31.75.03.1001"), 1)
    scheme = Scheme.objects.get(code="KLASIK")
    SchemeVersion.objects.create(scheme=scheme, effective_from=dt.date(2027, 2, 1), premium_monthly=10_400)
    due = selectors.premiums_due(lpa_ids=[scripted.pk], start=JAN, end=dt.date(2027, 2, 28))
    expected = sum(version_in_force(scheme.pk, m).premium_monthly for m in (JAN, dt.date(2027, 2, 1)))
    assert due == {scripted.pk: expected} == {scripted.pk: 15_400}


def test_no_claims_means_no_reserve_limit(lpa_jt02):
    fund_record_seed_grant(lpa=lpa_jt02, on=dt.date(2026, 7, 1))
    f = selectors.lpa_fund_figures(lpa_id=lpa_jt02.pk, start=JAN, end=JAN_END)
    assert (f.reserve_months, f.loss_ratio, f.closing_cash) == (None, None, 30_000_000)


def test_monthly_series_and_chart(scripted):
    series = selectors.monthly_series(lpa_ids=[scripted.pk], end_month=JAN)
    assert [s["month"] for s in series][:2] == [dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    by_month = {s["month"]: (s["premiums"], s["claims"]) for s in series}
    assert by_month[dt.date(2026, 8, 1)] == (400_000, 0)
    assert by_month[dt.date(2026, 12, 1)] == (0, 2_000_000)
    assert by_month[JAN] == (60_000, 300_000)
    chart = bar_chart(series)
    assert chart.max_value == 2_000_000
    tallest = max(chart.bars, key=lambda b: b.height)
    assert (tallest.value, tallest.y, tallest.height) == (2_000_000, 12, 180)
    assert (chart.ticks[-1].label, chart.first, chart.last) == ("Jan", dt.date(2026, 2, 1), JAN)


def test_overview_reads_in_few_queries(
    client, dinsos_jaktim, scripted, lpa_jt02, lpa_jb01, django_assert_max_num_queries
):
    client.force_login(dinsos_jaktim)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("fund:overview") + "?month=2027-01")
    assert response.status_code == 200
    codes = [row.lpa.code for row in response.context["rows"]]
    assert codes == ["LPA-JT-01", "LPA-JT-02"]
    assert response.context["totals"]["cash"] == 27_380_000 + 30_000_000
    assert "<svg" in response.content.decode()


def test_scope_per_persona(client, scripted, lpa_jt02, lpa_manager, dinsos_jaktim, outsider, kemensos_admin):
    jt01 = reverse("fund:lpa", args=[scripted.pk])
    jt02 = reverse("fund:lpa", args=[lpa_jt02.pk])
    client.force_login(lpa_manager)
    assert client.get(jt01).status_code == 200
    assert client.get(jt02).status_code == 404
    assert [r.lpa.code for r in client.get(reverse("fund:overview")).context["rows"]] == ["LPA-JT-01"]
    client.force_login(dinsos_jaktim)
    assert client.get(jt01).status_code == 200
    assert client.get(jt02).status_code == 200
    assert client.get(reverse("fund:report_pdf", args=[lpa_jt02.pk, "2027-01"])).status_code == 200
    client.force_login(outsider)
    assert client.get(jt01).status_code == 404
    assert client.get(reverse("fund:report_xlsx", args=[scripted.pk, "2027-01"])).status_code == 404
    assert client.get(reverse("fund:overview")).context["rows"] == []
    client.force_login(kemensos_admin)
    assert client.get(jt02).status_code == 200


def test_only_the_lpa_manager_records_expenses(client, scripted, lpa_manager, dinsos_jaktim, lpa_jt02):
    from askesos.fund.models import JournalEntry

    data = {"kind": "admin", "amount": "25000", "on": "2027-01-15", "paid_from": "cash", "memo": "Kertas"}
    client.force_login(dinsos_jaktim)
    assert client.post(reverse("fund:expense", args=[scripted.pk]), data).status_code == 403
    client.force_login(lpa_manager)
    assert client.post(reverse("fund:expense", args=[lpa_jt02.pk]), data).status_code == 404
    before = JournalEntry.objects.count()
    assert client.post(reverse("fund:expense", args=[scripted.pk]), data).status_code == 302
    entry = JournalEntry.objects.latest("id")
    assert JournalEntry.objects.count() == before + 1
    assert sorted(entry.lines.values_list("account_id", "debit", "credit")) == [
        ("1110", 0, 25_000),
        ("5300", 25_000, 0),
    ]
    response = client.post(reverse("fund:reverse", args=[scripted.pk, entry.pk]), {"reason": "salah input"})
    assert response.status_code == 302
    reversal = entry.reversals.get()
    assert reversal.memo.startswith("Reversal") or reversal.memo.startswith("Pembalikan")
    assert client.get(reverse("fund:journal", args=[scripted.pk])).status_code == 200


def test_pdf_report(client, scripted, lpa_manager):
    client.force_login(lpa_manager)
    response = client.get(reverse("fund:report_pdf", args=[scripted.pk, "2027-01"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_xlsx_report_has_exact_totals(client, scripted, lpa_manager):
    import openpyxl

    client.force_login(lpa_manager)
    response = client.get(reverse("fund:report_xlsx", args=[scripted.pk, "2027-01"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    statement = book.worksheets[0]
    values = [row[1] for row in statement.iter_rows(min_row=4, max_row=14, values_only=True)]
    assert values[:8] == [28_100_000, 60_000, 120_000, -300_000, -500_000, -100_000, 27_380_000, 180_000]
    assert values[8] == 900_000
    assert statement.cell(row=4, column=2).number_format == '"Rp" #,##0;-"Rp" #,##0'
    journal = book.worksheets[1]
    last = journal.max_row
    assert (journal.cell(last, 5).value, journal.cell(last, 6).value) == (1_080_000, 1_080_000)
    assert journal.max_row == 1 + 10 + 1


def test_bad_report_month_is_404(client, scripted, lpa_manager):
    client.force_login(lpa_manager)
    assert client.get(reverse("fund:report_pdf", args=[scripted.pk, "2027-13"])).status_code == 404


def test_lpa_dashboard_reads_in_few_queries(client, scripted, lpa_manager, django_assert_max_num_queries):
    client.force_login(lpa_manager)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("fund:lpa", args=[scripted.pk]) + "?month=2027-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rp 27.380.000" in html
    assert 'height="180.0"' in html  # SVG numbers are never localised ("180,0" would break the chart)
    assert f'action="/fund/{scripted.pk}/expense/"' in html
