from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from askesos.lpa.models import Lpa
from askesos.regions.models import Region


def test_it_pages_region_children_with_count_and_next_offset(api, dinsos_jaktim):
    client = api(dinsos_jaktim)
    codes = list(Region.objects.filter(parent__code="31.75.03").order_by("id").values_list("code", flat=True))
    assert len(codes) > 3
    first = client.get("/api/v1/regions?parent=31.75.03&limit=3").json()
    assert [r["code"] for r in first["items"]] == codes[:3]
    assert (first["count"], first["limit"], first["offset"], first["next_offset"]) == (len(codes), 3, 0, 3)
    last = client.get(f"/api/v1/regions?parent=31.75.03&limit=3&offset={len(codes) - 1}").json()
    assert [r["code"] for r in last["items"]] == codes[-1:]
    assert last["next_offset"] is None


def test_it_caps_the_page_size(api, dinsos_jaktim):
    response = api(dinsos_jaktim).get("/api/v1/regions?limit=201")
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "Input should be less than or equal to 200",
        "field": "limit",
    }


def test_it_gets_a_region_with_its_workforce_estimate(api, dinsos_jaktim, region):
    from askesos.regions.models import WorkforceEstimate

    WorkforceEstimate.objects.create(region=region("31.75"), year=2025, informal_workers=412000, source="BPS")
    body = api(dinsos_jaktim).get("/api/v1/regions/3175").json()
    assert body["code"] == "31.75"
    assert body["parent_code"] == "31"
    assert body["workforce"] == {
        "year": 2025,
        "informal_workers": 412000,
        "source": "BPS",
        "is_estimate": True,
    }


def test_it_lists_lpas_in_a_flat_number_of_queries(api, kemensos_admin, region):
    client = api(kemensos_admin)
    client.get("/api/v1/lpas")  # warm: token last_used write
    for n in range(12):
        Lpa.objects.create(code=f"LPA-X-{n:02d}", name=f"LPA {n}", kelurahan=region("31.75.03.1001"))
    with CaptureQueriesContext(connection) as small:
        page = client.get("/api/v1/lpas?limit=5").json()
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/lpas?limit=12")
    assert page["count"] == 12
    assert page["next_offset"] == 5
    assert len(small) == len(large)
