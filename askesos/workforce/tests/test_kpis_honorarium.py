from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from askesos.audit.models import AuditEvent
from askesos.core.access import user_scope
from askesos.core.errors import TransitionError
from askesos.fund.models import JournalEntry, JournalLine
from askesos.membership.models import MembershipStatus
from askesos.outreach import services as outreach
from askesos.outreach.models import Channel, LeadStatus
from askesos.outreach.tests import factories as f
from askesos.workforce import rules, selectors, services
from askesos.workforce.models import HonorariumFormula, HonorariumStatement, HonorariumStatus, WorkloadNorm

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def kpi_scenario(officer, lpa_manager, lpa_jt01, lpa_jt02, region, today):
    k1, k2 = region("31.75.03.1001"), region("31.75.03.1002")
    a = f.officer(lpa_jt01, "Ahmad", kelurahan=[k1], user=officer)
    b = f.officer(lpa_jt01, "Bunga", kelurahan=[k1, k2])
    WorkloadNorm.objects.create(lpa=lpa_jt01, members_per_officer=2)
    m1 = f.membership(
        f.person(lpa_jt01, k1), enrolled_on=dt.date(2026, 10, 5), paid_through=OCT, enrolled_by=officer
    )
    m2 = f.membership(
        f.person(lpa_jt01, k1), enrolled_on=dt.date(2026, 1, 10), paid_through=dt.date(2026, 9, 1)
    )
    f.membership(
        f.person(lpa_jt01, k1),
        enrolled_on=dt.date(2025, 6, 1),
        paid_through=dt.date(2026, 5, 1),
        status=MembershipStatus.LAPSED,
    )
    f.membership(f.person(lpa_jt01, k1), enrolled_on=dt.date(2026, 11, 2), enrolled_by=officer)
    f.membership(f.person(lpa_jt01, k2), enrolled_on=dt.date(2026, 2, 1), paid_through=OCT)
    f.membership(f.person(lpa_jt02, k1), enrolled_on=dt.date(2026, 1, 1), paid_through=OCT)
    f.payment(m1, amount=5_020, paid_on=dt.date(2026, 10, 5), collector=a)
    f.payment(m2, amount=10_000, paid_on=dt.date(2026, 10, 20), collector=a)
    f.payment(m2, amount=45_000, paid_on=dt.date(2026, 9, 30), collector=a)
    for day in (3, 17):
        outreach.event_record(
            actor=lpa_manager,
            lpa=lpa_jt01,
            channel=Channel.DOOR_TO_DOOR,
            kelurahan=k1,
            held_on=dt.date(2026, 10, day),
            today=today,
            officers=[a],
        )
    event = outreach.event_record(
        actor=lpa_manager,
        lpa=lpa_jt01,
        channel=Channel.DISKUSI,
        kelurahan=k1,
        held_on=dt.date(2026, 9, 3),
        today=today,
        officers=[a, b],
    )
    lead = outreach.lead_capture(
        actor=officer, event=event, full_name="Lina", phone="081234567890", consent=True
    )
    outreach.lead_transition(actor=officer, lead=lead, new=LeadStatus.CONTACTED, today=dt.date(2026, 10, 8))
    return {"a": a, "b": b}


def _kpi(k):
    return (
        k.enrolments,
        k.due,
        k.paid,
        k.collection_rate,
        k.collected,
        k.retention_base,
        k.retained,
        k.retention,
        k.claims_handled,
        k.events,
        k.follow_ups,
        k.visits,
        k.members,
        k.norm,
        k.overloaded,
    )


def test_it_computes_officer_kpis_for_a_month(kpi_scenario, lpa_manager, django_assert_num_queries):
    user_scope(lpa_manager)
    with django_assert_num_queries(8):
        kpis = {k.officer.full_name: k for k in selectors.officer_kpis(user=lpa_manager, month=OCT)}
    assert _kpi(kpis["Ahmad"]) == (
        1,
        3,
        1,
        Decimal("33.3"),
        15_020,
        2,
        1,
        Decimal("50.0"),
        0,
        2,
        1,
        3,
        3,
        2,
        True,
    )
    assert _kpi(kpis["Bunga"]) == (0, 4, 2, Decimal("50.0"), 0, 3, 2, Decimal("66.7"), 0, 0, 0, 0, 4, 2, True)
    assert kpis["Ahmad"].workload_pct == Decimal("150.0")


def test_it_computes_the_honorarium_exactly(kpi_scenario, lpa_manager, lpa_jt01, today):
    HonorariumFormula.objects.create(
        lpa=lpa_jt01,
        effective_from=dt.date(2026, 1, 1),
        base_monthly=300_000,
        base_min_new_members=1,
        per_new_member=10_000,
        collection_bp=750,
    )
    statements = services.honorarium_compute(actor=lpa_manager, lpa=lpa_jt01, month=OCT, today=today)
    got = {
        s.officer.full_name: (
            s.new_members,
            s.collections,
            s.base_amount,
            s.new_member_amount,
            s.collection_amount,
            s.total,
            s.status,
        )
        for s in statements
    }
    # 7.5 % of Rp 15,020 = Rp 1,126.5 → Rp 1,127 (half up).
    assert got == {
        "Ahmad": (1, 15_020, 300_000, 10_000, 1_127, 311_127, "draft"),
        "Bunga": (0, 0, 0, 0, 0, 0, "draft"),
    }
    assert AuditEvent.objects.filter(action="workforce.honorarium_compute").count() == 2


def test_it_uses_the_labelled_national_analogue():
    formula = services.seed_national_formula()
    assert (
        formula.base_monthly,
        formula.base_min_new_members,
        formula.per_new_member,
        formula.collection_bp,
    ) == (500_000, 50, 0, 750)
    assert "Analogue" in formula.note
    lines = rules.honorarium(
        base_monthly=500_000,
        base_min_new_members=50,
        per_new_member=0,
        collection_bp=750,
        new_members=50,
        collections=1_000_000,
    )
    assert (lines.base, lines.new_members, lines.collections, lines.total) == (500_000, 0, 75_000, 575_000)
    assert (
        rules.honorarium(
            base_monthly=500_000,
            base_min_new_members=50,
            per_new_member=0,
            collection_bp=750,
            new_members=49,
            collections=1_000_010,
        ).total
        == 75_001
    )


def test_it_approves_pays_and_posts_once(kpi_scenario, lpa_manager, lpa_jt01, today):
    services.seed_national_formula()
    HonorariumFormula.objects.create(
        lpa=lpa_jt01,
        effective_from=dt.date(2026, 1, 1),
        base_monthly=300_000,
        base_min_new_members=1,
        per_new_member=10_000,
        collection_bp=750,
    )
    services.honorarium_compute(actor=lpa_manager, lpa=lpa_jt01, month=OCT, today=today)
    statement = HonorariumStatement.objects.get(officer=kpi_scenario["a"])
    with pytest.raises(TransitionError):
        services.honorarium_pay(
            actor=lpa_manager,
            statement=statement,
            paid_on=dt.date(2026, 11, 10),
            paid_from="1200",
            today=today,
        )
    services.honorarium_approve(actor=lpa_manager, statement=statement, today=today)
    services.honorarium_compute(actor=lpa_manager, lpa=lpa_jt01, month=OCT, today=today)  # leaves it alone
    services.honorarium_pay(
        actor=lpa_manager, statement=statement, paid_on=dt.date(2026, 11, 10), paid_from="1200", today=today
    )
    statement.refresh_from_db()
    assert (statement.status, statement.paid_on_time, statement.total) == (
        HonorariumStatus.PAID,
        True,
        311_127,
    )
    entry = JournalEntry.objects.get(idempotency_key=f"honorarium-{statement.pk}")
    assert statement.journal_entry_id == entry.pk
    assert sorted(JournalLine.objects.filter(entry=entry).values_list("account_id", "debit", "credit")) == [
        ("1200", 0, 311_127),
        ("5200", 311_127, 0),
    ]
    assert services.honorarium_post(statement=statement, actor=lpa_manager) == entry.pk
    assert JournalEntry.objects.filter(source_type="workforce.honorarium").count() == 1
    with pytest.raises(TransitionError):
        services.honorarium_pay(
            actor=lpa_manager,
            statement=statement,
            paid_on=dt.date(2026, 11, 10),
            paid_from="1200",
            today=today,
        )


def test_it_flags_honoraria_paid_after_the_tenth():
    assert rules.paid_on_time(OCT, dt.date(2026, 11, 10))
    assert not rules.paid_on_time(OCT, dt.date(2026, 11, 11))
    assert rules.paid_on_time(dt.date(2026, 12, 1), dt.date(2027, 1, 10))


def test_it_exports_kpis_and_statements(kpi_scenario, client, lpa_manager, lpa_jt01, today):
    HonorariumFormula.objects.create(
        lpa=lpa_jt01,
        effective_from=dt.date(2026, 1, 1),
        base_monthly=300_000,
        base_min_new_members=1,
        per_new_member=10_000,
        collection_bp=750,
    )
    services.honorarium_compute(actor=lpa_manager, lpa=lpa_jt01, month=OCT, today=today)
    client.force_login(lpa_manager)
    kpis = client.get("/workforce/kpis/", {"month": "2026-10", "format": "xlsx"})
    rows = [list(r) for r in load_workbook(io.BytesIO(kpis.content)).active.iter_rows(values_only=True)]
    assert rows[1] == ["LPA-JT-01", "Ahmad", 1, 3, 1, 33.3, 15_020, 50, 0, 2, 1, 3, 3, 2, 150]
    honoraria = client.get("/workforce/honorarium/", {"month": "2026-10", "format": "xlsx"})
    rows = [list(r) for r in load_workbook(io.BytesIO(honoraria.content)).active.iter_rows(values_only=True)]
    assert rows[1] == [
        "2026-10",
        "LPA-JT-01",
        "Ahmad",
        1,
        15_020,
        300_000,
        10_000,
        1_127,
        311_127,
        "draft",
        None,
        None,
    ]
    assert len(rows) == 3


def test_it_guards_honorarium_pages_by_capability_and_scope(
    kpi_scenario, client, lpa_jt01, lpa_manager, other_lpa_manager, auditor, officer, today
):
    services.seed_national_formula()
    services.honorarium_compute(actor=lpa_manager, lpa=lpa_jt01, month=OCT, today=today)
    statement = HonorariumStatement.objects.get(officer=kpi_scenario["a"])
    client.force_login(officer)
    assert client.get("/workforce/honorarium/").status_code == 403
    client.force_login(auditor)
    assert client.get("/workforce/honorarium/", {"month": "2026-10"}).status_code == 200
    assert client.post(f"/workforce/honorarium/{statement.pk}/approve/").status_code == 403
    client.force_login(other_lpa_manager)
    assert client.post(f"/workforce/honorarium/{statement.pk}/approve/").status_code == 404
    client.force_login(lpa_manager)
    assert client.post(f"/workforce/honorarium/{statement.pk}/approve/").status_code == 302
    statement.refresh_from_db()
    assert statement.status == HonorariumStatus.APPROVED
