from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from askesos.audit.models import AuditEvent
from askesos.core.access import user_scope
from askesos.core.errors import DomainError
from askesos.outreach.tests import factories as f
from askesos.workforce import selectors, services
from askesos.workforce.models import Condition, MaintenanceRecord, Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(lpa_manager, lpa_jt01, lpa_jt02, region):
    k1, k2 = region("31.75.03.1001"), region("31.75.03.1002")
    a = f.officer(lpa_jt01, "Ahmad", kelurahan=[k1])
    b = f.officer(lpa_jt01, "Bunga", kelurahan=[k1, k2])
    c = f.officer(lpa_jt01, "Citra", kelurahan=[k2])
    f.officer(lpa_jt02, "Eko", kelurahan=[region("31.75.06.1001")])
    add = services.vehicle_add
    v1 = add(
        actor=lpa_manager,
        lpa=lpa_jt01,
        type="motor",
        plate="b 1234 xy",
        condition=Condition.GOOD,
        acquired_on=dt.date(2019, 1, 1),
        assigned_officer=a,
    )
    v2 = add(
        actor=lpa_manager,
        lpa=lpa_jt01,
        type="motor",
        plate="B 5678 XZ",
        condition=Condition.MAJOR_DAMAGE,
        acquired_on=dt.date(2012, 1, 1),
        assigned_officer=b,
    )
    add(
        actor=lpa_manager,
        lpa=lpa_jt01,
        type="motor",
        plate="B 9999 XX",
        condition=Condition.GOOD,
        acquired_on=dt.date(2024, 1, 1),
    )
    return {"a": a, "b": b, "c": c, "v1": v1, "v2": v2}


def test_it_reports_officers_without_a_good_vehicle(fleet, dinsos_jaktim, today, django_assert_num_queries):
    user_scope(dinsos_jaktim)
    with django_assert_num_queries(4):
        shortage = selectors.facilities_shortage(user=dinsos_jaktim, today=today)
    assert [
        (
            r.lpa_code,
            r.officers,
            r.with_vehicle,
            r.without_vehicle,
            r.vehicles,
            r.vehicles_good,
            r.vehicles_per_officer,
            r.officers_without,
        )
        for r in shortage.by_lpa
    ] == [
        ("LPA-JT-01", 3, 1, 2, 3, 2, Decimal("0.67"), ["Bunga", "Citra"]),
        ("LPA-JT-02", 1, 0, 1, 0, 0, Decimal("0.00"), ["Eko"]),
    ]
    assert [
        (r.lpa_code, r.kelurahan, r.officers, r.without_vehicle, r.officers_without)
        for r in shortage.by_kelurahan
    ] == [
        ("LPA-JT-01", "Bidara Cina", 2, 2, ["Bunga", "Citra"]),
        ("LPA-JT-01", "Kampung Melayu", 2, 1, ["Bunga"]),
        ("LPA-JT-02", "Jatinegara", 1, 1, ["Eko"]),
    ]


def test_it_audits_condition_changes_and_maintenance(fleet, lpa_manager, today):
    v2 = fleet["v2"]
    services.maintenance_record(
        actor=lpa_manager,
        asset=v2,
        on=today,
        description="Ganti mesin",
        cost=1_250_000,
        condition_after=Condition.GOOD,
        today=today,
    )
    v2.refresh_from_db()
    assert v2.condition == Condition.GOOD
    assert list(MaintenanceRecord.objects.values_list("vehicle_id", "cost", "condition_after")) == [
        (v2.pk, 1_250_000, "baik")
    ]
    event = AuditEvent.objects.get(action="workforce.vehicle_update")
    assert (event.old, event.new) == (
        {"condition": "rusak_berat", "officer": fleet["b"].pk},
        {"condition": "baik", "officer": fleet["b"].pk},
    )


def test_it_refuses_duplicate_plates_and_foreign_officers(fleet, lpa_manager, lpa_jt02, today):
    assert Vehicle.objects.get(pk=fleet["v1"].pk).plate == "B 1234 XY"
    with pytest.raises(DomainError) as taken:
        services.vehicle_add(
            actor=lpa_manager,
            lpa=lpa_jt02,
            type="motor",
            plate="B 1234 XY",
            condition=Condition.GOOD,
            acquired_on=today,
        )
    with pytest.raises(DomainError) as foreign:
        services.vehicle_add(
            actor=lpa_manager,
            lpa=lpa_jt02,
            type="motor",
            plate="B 1 A",
            condition=Condition.GOOD,
            acquired_on=today,
            assigned_officer=fleet["a"],
        )
    assert (taken.value.code, foreign.value.code) == ("plate_taken", "officer_lpa")


def test_it_exports_the_shortage_and_scopes_pages(fleet, client, lpa_manager, other_lpa_manager, officer):
    client.force_login(lpa_manager)
    response = client.get("/workforce/facilities/", {"format": "xlsx"})
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[1] == ["LPA-JT-01", "(all)", 3, 1, 2, 3, 2, 0.67, "Bunga, Citra"]
    assert rows[2] == ["LPA-JT-01", "Bidara Cina", 2, 0, 2, None, None, None, "Bunga, Citra"]
    assert len(rows) == 4  # LPA-JT-02 is outside the manager's scope
    assert client.get(f"/workforce/facilities/vehicle/{fleet['v1'].pk}/").status_code == 200
    client.force_login(other_lpa_manager)
    assert client.get(f"/workforce/facilities/vehicle/{fleet['v1'].pk}/").status_code == 404
    client.force_login(officer)
    assert client.get("/workforce/facilities/").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/workforce/training/",
        "/workforce/training/new/",
        "/workforce/kpis/",
        "/workforce/honorarium/",
        "/workforce/facilities/",
        "/workforce/facilities/vehicle/new/",
        "/workforce/facilities/equipment/new/",
    ],
)
def test_it_renders_every_page(client, lpa_manager, fleet, url):
    client.force_login(lpa_manager)
    response = client.get(url)
    assert response.status_code == 200
    assert "style=" not in response.content.decode()
