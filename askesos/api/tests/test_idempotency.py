from __future__ import annotations

import pytest
from django.utils import timezone

from askesos.api.models import IdempotencyRecord
from askesos.contributions.models import Payment
from askesos.membership.models import Membership

REUSED = {
    "code": "idempotency_key_reused",
    "message": "This Idempotency-Key was already used with a different request.",
    "field": "Idempotency-Key",
}


@pytest.fixture
def member(lpa_manager, lpa_jt01, enrolled):
    return enrolled(lpa_jt01, lpa_manager)


def _payment(member, **overrides):
    body = {
        "member_number": member.member_number,
        "amount": 5000,
        "channel": "bank_transfer",
        "paid_on": timezone.localdate().isoformat(),
        "receipt_number": "BT-100",
    }
    return {**body, **overrides}


def test_it_replays_the_same_key_and_body(api, lpa_manager, member):
    client = api(lpa_manager)
    headers = {"Idempotency-Key": "pay-1"}
    first = client.post(
        "/api/v1/payments", _payment(member), content_type="application/json", headers=headers
    )
    second = client.post(
        "/api/v1/payments", _payment(member), content_type="application/json", headers=headers
    )
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.json()["created"] is True
    assert Payment.objects.count() == 1
    assert IdempotencyRecord.objects.get().status_code == 201


def test_it_refuses_the_same_key_with_another_body(api, lpa_manager, member):
    client = api(lpa_manager)
    headers = {"Idempotency-Key": "pay-2"}
    client.post("/api/v1/payments", _payment(member), content_type="application/json", headers=headers)
    response = client.post(
        "/api/v1/payments",
        _payment(member, receipt_number="BT-101"),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json() == REUSED
    assert Payment.objects.count() == 1


def test_it_keeps_keys_per_user(api, lpa_manager, officer, field_officer, member):
    headers = {"Idempotency-Key": "same-key"}
    api(lpa_manager).post(
        "/api/v1/payments", _payment(member), content_type="application/json", headers=headers
    )
    response = api(officer).post(
        "/api/v1/payments",
        _payment(member, receipt_number="BT-102"),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    assert Payment.objects.count() == 2


def test_without_a_key_the_receipt_number_still_makes_it_idempotent(api, lpa_manager, member):
    client = api(lpa_manager)
    first = client.post("/api/v1/payments", _payment(member), content_type="application/json")
    again = client.post("/api/v1/payments", _payment(member), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["created"] is False
    assert Payment.objects.count() == 1


def test_it_replays_an_enrolment_instead_of_refusing_it(api, lpa_manager, lpa_jt01, scheme, make_person):
    person = make_person(lpa_jt01)
    client = api(lpa_manager)
    body = {"person_id": person.pk, "scheme": "TEST-KLASIK", "lpa": "LPA-JT-01"}
    headers = {"Idempotency-Key": "enrol-1"}
    first = client.post("/api/v1/enrolments", body, content_type="application/json", headers=headers)
    second = client.post("/api/v1/enrolments", body, content_type="application/json", headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Membership.objects.filter(person=person).count() == 1


def test_it_replays_a_refusal_too(api, lpa_manager, lpa_jt01, scheme, make_person):
    person = make_person(lpa_jt01, monthly_income=1000)
    client = api(lpa_manager)
    body = {"person_id": person.pk, "scheme": "TEST-KLASIK", "lpa": "LPA-JT-01"}
    headers = {"Idempotency-Key": "enrol-2"}
    first = client.post("/api/v1/enrolments", body, content_type="application/json", headers=headers)
    second = client.post("/api/v1/enrolments", body, content_type="application/json", headers=headers)
    assert (first.status_code, second.status_code) == (422, 422)
    assert first.json() == second.json()


def test_it_refuses_an_unusable_key(api, lpa_manager, member):
    response = api(lpa_manager).post(
        "/api/v1/payments",
        _payment(member),
        content_type="application/json",
        headers={"Idempotency-Key": "x" * 256},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_invalid"
    assert Payment.objects.count() == 0
