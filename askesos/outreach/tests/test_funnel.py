from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from askesos.core.access import user_scope
from askesos.membership.models import MembershipStatus
from askesos.outreach import rules, selectors, services
from askesos.outreach.models import Channel
from askesos.outreach.tests import factories as f
from askesos.regions.models import WorkforceEstimate

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


@pytest.fixture
def scenario(lpa_manager, lpa_jt01, lpa_jt02, region, today):
    """Three events in range (masjid, ceramah, radio), one before it, one of another LPA; six leads,
    three enrolled (one paid and active 6 months, one paid and lapsed, one too recent and unpaid)."""
    k1, k2 = region("31.75.03.1001"), region("31.75.03.1002")
    a = f.officer(lpa_jt01, "Ahmad", kelurahan=[k1])
    b = f.officer(lpa_jt01, "Bunga", kelurahan=[k2])
    ev = services.event_record
    e1 = ev(
        actor=lpa_manager,
        lpa=lpa_jt01,
        channel=Channel.MASJID,
        venue_name="Masjid Al-Ikhlas",
        kelurahan=k1,
        held_on=dt.date(2026, 2, 10),
        today=today,
        officers=[a],
        cost=600_000,
        attendance=80,
    )
    e2 = ev(
        actor=lpa_manager,
        lpa=lpa_jt01,
        channel=Channel.CERAMAH,
        kelurahan=k2,
        held_on=dt.date(2026, 3, 5),
        today=today,
        officers=[a, b],
        cost=400_000,
        attendance=50,
    )
    e3 = ev(
        actor=lpa_manager,
        lpa=lpa_jt01,
        channel=Channel.RADIO,
        kelurahan=k1,
        held_on=dt.date(2026, 4, 1),
        today=today,
        cost=1_000_000,
        attendance=300,
    )
    ev(
        actor=lpa_manager,
        lpa=lpa_jt01,
        channel=Channel.CERAMAH,
        kelurahan=k1,
        held_on=dt.date(2025, 12, 1),
        today=today,
        officers=[a],
        cost=99_000,
        attendance=999,
    )
    ev(
        actor=lpa_manager,
        lpa=lpa_jt02,
        channel=Channel.CERAMAH,
        kelurahan=region("31.75.06.1001"),
        held_on=dt.date(2026, 2, 1),
        today=today,
        cost=77_000,
        attendance=70,
    )

    def lead(event, name, person=None):
        lead = services.lead_capture(
            actor=lpa_manager, event=event, full_name=name, phone="081234567890", consent=True
        )
        if person is not None:
            services.lead_link_enrolment(actor=lpa_manager, lead=lead, person=person, today=today)
        return lead

    p1, p2, p3 = (f.person(lpa_jt01, k1) for _ in range(3))
    m1 = f.membership(p1, enrolled_on=dt.date(2026, 2, 20), paid_through=dt.date(2026, 12, 1))
    m2 = f.membership(
        p2, enrolled_on=dt.date(2026, 3, 1), paid_through=dt.date(2026, 3, 1), status=MembershipStatus.LAPSED
    )
    f.membership(p3, enrolled_on=dt.date(2026, 6, 30))
    f.payment(m1, amount=60_000, paid_on=dt.date(2026, 2, 20), collector=a)
    f.payment(m2, amount=5_000, paid_on=dt.date(2026, 3, 1), collector=a)
    lead(e1, "L1", p1)
    lead(e1, "L2", p2)
    services.lead_capture(actor=lpa_manager, event=e1, full_name="L3", consent=False)
    lead(e2, "L4", p3)
    lead(e2, "L5")
    lead(e3, "L6")
    return {"a": a, "b": b, "k1": k1, "k2": k2}


def _rows(funnel):
    return {
        r.label: (
            r.events,
            r.reached,
            r.cost,
            r.leads,
            r.enrolled,
            r.first_payment,
            r.active_6m,
            r.cost_per_enrolment,
        )
        for r in funnel.rows
    }


def _total(funnel):
    t = funnel.total
    return (
        t.events,
        t.reached,
        t.cost,
        t.leads,
        t.enrolled,
        t.first_payment,
        t.active_6m,
        t.cost_per_enrolment,
    )


def test_it_counts_the_funnel_by_channel(scenario, lpa_manager, today, django_assert_num_queries):
    user_scope(lpa_manager)
    with django_assert_num_queries(2):
        funnel = selectors.funnel(user=lpa_manager, start=START, end=END, today=today, by="channel")
    assert _rows(funnel) == {
        "masjid": (1, 80, 600_000, 3, 2, 2, 1, 300_000),
        "ceramah": (1, 50, 400_000, 2, 1, 0, 0, 400_000),
        "radio": (1, 300, 1_000_000, 1, 0, 0, 0, None),
    }
    assert _total(funnel) == (3, 430, 2_000_000, 6, 3, 2, 1, 666_667)


def test_it_counts_the_funnel_by_officer_and_kelurahan(
    scenario, lpa_manager, today, django_assert_num_queries
):
    user_scope(lpa_manager)
    with django_assert_num_queries(5):
        by_officer = selectors.funnel(user=lpa_manager, start=START, end=END, today=today, by="officer")
    assert _rows(by_officer) == {
        "Ahmad": (2, 130, 1_000_000, 5, 3, 2, 1, 333_333),
        "Bunga": (1, 50, 400_000, 2, 1, 0, 0, 400_000),
    }
    assert _total(by_officer) == (3, 430, 2_000_000, 6, 3, 2, 1, 666_667)
    with django_assert_num_queries(3):
        by_kelurahan = selectors.funnel(user=lpa_manager, start=START, end=END, today=today, by="kelurahan")
    assert _rows(by_kelurahan) == {
        "Kampung Melayu": (2, 380, 1_600_000, 4, 2, 2, 1, 800_000),
        "Bidara Cina": (1, 50, 400_000, 2, 1, 0, 0, 400_000),
    }


def test_it_scopes_the_funnel(scenario, other_lpa_manager, dinsos_jaktim, dinsos_jakbar, today):
    other = selectors.funnel(user=other_lpa_manager, start=START, end=END, today=today, by="lpa")
    assert _rows(other) == {"LPA-JT-02": (1, 70, 77_000, 0, 0, 0, 0, None)}
    dinsos = selectors.funnel(user=dinsos_jaktim, start=START, end=END, today=today, by="lpa")
    assert sorted(_rows(dinsos)) == ["LPA-JT-01", "LPA-JT-02"]
    assert selectors.funnel(user=dinsos_jakbar, start=START, end=END, today=today).rows == []


def test_it_rounds_cost_per_enrolment_half_up():
    assert rules.cost_per_enrolment(2_000_000, 3) == 666_667
    assert rules.cost_per_enrolment(5, 2) == 3
    assert rules.cost_per_enrolment(4, 3) == 1
    assert rules.cost_per_enrolment(100, 0) is None


def test_it_highlights_low_coverage_without_recent_outreach(
    lpa_manager, lpa_jt01, dinsos_jaktim, region, today, django_assert_num_queries
):
    k = {code: region(f"31.75.03.{code}") for code in ("1001", "1002", "1003", "1004")}
    for code, workers in (("1001", 100), ("1002", 1000), ("1003", 500), ("1004", 300)):
        WorkforceEstimate.objects.create(region=k[code], year=2025, informal_workers=workers, source="test")
    WorkforceEstimate.objects.create(region=k["1001"], year=2020, informal_workers=5, source="old")
    for code, n in (("1001", 2), ("1002", 1), ("1004", 1)):
        for _ in range(n):
            f.membership(f.person(lpa_jt01, k[code]), enrolled_on=dt.date(2026, 1, 5))
    f.membership(
        f.person(lpa_jt01, k["1003"]), enrolled_on=dt.date(2026, 1, 5), status=MembershipStatus.LAPSED
    )
    services.event_record(
        actor=lpa_manager,
        lpa=lpa_jt01,
        channel=Channel.DISKUSI,
        kelurahan=k["1002"],
        held_on=dt.date(2026, 10, 1),
        today=today,
    )
    services.event_record(
        actor=lpa_manager,
        lpa=lpa_jt01,
        channel=Channel.DISKUSI,
        kelurahan=k["1003"],
        held_on=dt.date(2026, 8, 26),
        today=today,
    )  # 90 days before today: outside
    user_scope(dinsos_jaktim)
    with django_assert_num_queries(3):
        rows = selectors.low_coverage(user=dinsos_jaktim, today=today, threshold_pct=Decimal("1"), days=90)
    got = {r.region.name: (r.members, r.workers, r.coverage_pct, r.last_event, r.highlight) for r in rows}
    assert got == {
        "Kampung Melayu": (2, 100, Decimal("2.00"), None, False),
        "Bidara Cina": (1, 1000, Decimal("0.10"), dt.date(2026, 10, 1), False),
        "Bali Mester": (0, 500, Decimal("0.00"), dt.date(2026, 8, 26), True),
        "Rawa Bunga": (1, 300, Decimal("0.33"), None, True),
    }
    assert [r.region.name for r in rows][:2] == ["Bali Mester", "Rawa Bunga"]
    # An LPA manager sees the kecamatan of their LPA (Jatinegara, 31.75.03).
    assert len(selectors.low_coverage(user=lpa_manager, today=today)) == 4


def test_it_exports_the_funnel_as_xlsx(scenario, client, lpa_manager):
    client.force_login(lpa_manager)
    response = client.get(
        "/outreach/funnel/", {"start": "2026-01-01", "end": "2026-06-30", "by": "channel", "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Group",
        "Events",
        "People reached",
        "Leads",
        "Enrolled",
        "First payment",
        "Still active after 6 months",
        "Cost (Rp)",
        "Cost per enrolment (Rp)",
    ]
    assert rows[1:] == [
        ["radio", 1, 300, 1, 0, 0, 0, 1_000_000, None],
        ["masjid", 1, 80, 3, 2, 2, 1, 600_000, 300_000],
        ["ceramah", 1, 50, 2, 1, 0, 0, 400_000, 400_000],
        ["Total", 3, 430, 6, 3, 2, 1, 2_000_000, 666_667],
    ]
