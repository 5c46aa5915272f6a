from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from askesos.api.models import SyncItem
from askesos.audit.models import AuditEvent
from askesos.contributions.models import Payment
from askesos.membership.models import Membership


def test_a_retried_batch_gives_identical_results_and_no_duplicates(
    api, officer, field_officer, lpa_manager, lpa_jt01, lpa_jt02, enrolled, make_person
):
    member = enrolled(lpa_jt01, lpa_manager)
    newcomer = make_person(lpa_jt01)
    stranger = make_person(lpa_jt02)
    today = timezone.localdate().isoformat()
    ids = [uuid.uuid4() for _ in range(5)]
    items = [
        {
            "client_id": str(ids[0]),
            "kind": "enrolment",
            "data": {"nik": newcomer.nik, "scheme": "TEST-KLASIK", "lpa": "LPA-JT-01"},
        },
        {
            "client_id": str(ids[1]),
            "kind": "payment",
            "data": {
                "member_number": member.member_number,
                "amount": 15000,
                "channel": "cash_officer",
                "paid_on": today,
                "receipt_number": "HP-0001",
            },
        },
        {
            "client_id": str(ids[2]),
            "kind": "enrolment",
            "data": {"nik": stranger.nik, "scheme": "TEST-KLASIK", "lpa": "LPA-JT-01"},
        },
        {"client_id": str(ids[3]), "kind": "payment", "data": {"member_number": member.member_number}},
        {"client_id": str(ids[4]), "kind": "claim", "data": {}},
    ]
    client = api(officer)
    first = client.post("/api/v1/sync/batch", {"items": items}, content_type="application/json")
    assert first.status_code == 200
    results = first.json()["results"]
    assert [(r["client_id"], r["status"]) for r in results] == [
        (str(ids[0]), "ok"),
        (str(ids[1]), "ok"),
        (str(ids[2]), "error"),
        (str(ids[3]), "error"),
        (str(ids[4]), "error"),
    ]
    enrolment, payment = results[0], results[1]
    assert enrolment["id"] == Membership.objects.get(person=newcomer).pk
    assert payment["id"] == Payment.objects.get(receipt_number="HP-0001").pk
    assert payment["result"]["months_covered"] == 3
    assert payment["result"]["created"] is True
    assert results[2]["error"] == {"code": "not_found", "message": "Not found.", "field": None}
    assert results[3]["error"] == {"code": "validation_error", "message": "Field required", "field": "amount"}
    assert results[4]["error"] == {
        "code": "unsupported_kind",
        "message": "This kind of item cannot be synced.",
        "field": "kind",
    }
    counts = (Membership.objects.count(), Payment.objects.count(), AuditEvent.objects.count())

    second = client.post("/api/v1/sync/batch", {"items": items}, content_type="application/json").json()
    third = client.post("/api/v1/sync/batch", {"items": items}, content_type="application/json").json()
    assert second == third
    assert [r["status"] for r in second["results"]] == ["duplicate", "duplicate", "error", "error", "error"]
    assert second["results"][0]["result"] == enrolment["result"]
    assert second["results"][1]["result"] == payment["result"]
    assert second["results"][1]["id"] == payment["id"]
    assert second["results"][2:] == results[2:]
    assert (Membership.objects.count(), Payment.objects.count(), AuditEvent.objects.count()) == counts
    assert SyncItem.objects.filter(user=officer).count() == 2


def test_the_same_client_id_twice_in_one_batch_is_done_once(
    api, officer, field_officer, lpa_manager, lpa_jt01, enrolled
):
    member = enrolled(lpa_jt01, lpa_manager)
    item = {
        "client_id": str(uuid.uuid4()),
        "kind": "payment",
        "data": {
            "member_number": member.member_number,
            "amount": 5000,
            "channel": "cash_officer",
            "paid_on": timezone.localdate().isoformat(),
            "receipt_number": "HP-0002",
        },
    }
    body = (
        api(officer)
        .post("/api/v1/sync/batch", {"items": [item, item]}, content_type="application/json")
        .json()
    )
    assert [r["status"] for r in body["results"]] == ["ok", "duplicate"]
    assert body["results"][0]["result"] == body["results"][1]["result"]
    assert Payment.objects.count() == 1


def test_client_ids_belong_to_their_user(api, officer, field_officer, lpa_manager, lpa_jt01, enrolled):
    member = enrolled(lpa_jt01, lpa_manager)
    client_id = str(uuid.uuid4())

    def item(receipt: str) -> dict:
        return {
            "client_id": client_id,
            "kind": "payment",
            "data": {
                "member_number": member.member_number,
                "amount": 5000,
                "channel": "bank_transfer",
                "paid_on": timezone.localdate().isoformat(),
                "receipt_number": receipt,
            },
        }

    api(officer).post("/api/v1/sync/batch", {"items": [item("A-1")]}, content_type="application/json")
    body = api(lpa_manager).post(
        "/api/v1/sync/batch", {"items": [item("A-2")]}, content_type="application/json"
    )
    assert body.json()["results"][0]["status"] == "ok"
    assert Payment.objects.count() == 2


def test_it_syncs_outreach_leads_and_attendance(api, officer, field_officer, lpa_jt01, lpa_jt02):
    from askesos.outreach.models import Event, Lead

    def event(lpa: Any) -> Event:
        return Event.objects.create(
            lpa=lpa,
            channel="ceramah",
            kelurahan=lpa.kelurahan,
            held_on=timezone.localdate(),
        )

    mine, theirs = event(lpa_jt01), event(lpa_jt02)
    items = [
        {
            "client_id": str(uuid.uuid4()),
            "kind": "lead",
            "data": {
                "event_id": mine.pk,
                "full_name": "Sri Wahyuni",
                "phone": "081234567890",
                "consent": True,
            },
        },
        {
            "client_id": str(uuid.uuid4()),
            "kind": "attendance",
            "data": {"event_id": mine.pk, "attendance": 40, "names": ["Sri Wahyuni"]},
        },
        {
            "client_id": str(uuid.uuid4()),
            "kind": "lead",
            "data": {"event_id": theirs.pk, "full_name": "Orang Lain", "consent": False},
        },
    ]
    client = api(officer)
    first = client.post("/api/v1/sync/batch", {"items": items}, content_type="application/json").json()
    assert [r["status"] for r in first["results"]] == ["ok", "ok", "error"]
    lead = Lead.objects.get()
    assert first["results"][0]["id"] == lead.pk
    assert lead.captured_by == field_officer
    assert first["results"][1]["result"] == {"id": mine.pk, "attendance": 40}
    assert first["results"][2]["error"]["code"] == "not_found"
    again = client.post("/api/v1/sync/batch", {"items": items}, content_type="application/json").json()
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate", "error"]
    assert Lead.objects.count() == 1
    assert mine.attendees.count() == 1
