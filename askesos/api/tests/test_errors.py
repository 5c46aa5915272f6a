"""Every error kind answers the one body ``{"code", "message", "field"}``: exact values."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone


@pytest.fixture
def manager(api, lpa_manager):
    return api(lpa_manager)


def _payment(member_number: str, **overrides):
    body = {
        "member_number": member_number,
        "amount": 5000,
        "channel": "bank_transfer",
        "paid_on": timezone.localdate().isoformat(),
        "receipt_number": "BT-0001",
    }
    return {**body, **overrides}


def test_it_maps_request_validation_to_the_first_field(manager, lpa_jt01):
    response = manager.post("/api/v1/payments", _payment("x", amount="lots"), content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "Input should be a valid integer, unable to parse string as an integer",
        "field": "amount",
    }
    response = manager.get("/api/v1/regions?limit=0")
    assert response.json() == {
        "code": "validation_error",
        "message": "Input should be greater than or equal to 1",
        "field": "limit",
    }
    response = manager.post("/api/v1/persons/lookup", {}, content_type="application/json")
    assert response.json() == {"code": "validation_error", "message": "Field required", "field": "nik"}


def test_it_answers_400_for_a_body_that_is_not_json(manager, lpa_jt01):
    response = manager.post("/api/v1/payments", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "The request could not be read.",
        "field": None,
    }


def test_it_answers_json_404_for_unknown_paths(manager):
    response = manager.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "field": None}


def test_it_answers_401_without_credentials(db):
    response = Client().get("/api/v1/lpas")
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Authentication credentials were missing or are not valid.",
        "field": None,
    }


def test_it_answers_422_for_a_refused_business_rule(manager, lpa_jt01, scheme, make_person):
    person = make_person(lpa_jt01, monthly_income=100_000)
    response = manager.post(
        "/api/v1/enrolments",
        {"person_id": person.pk, "scheme": "TEST-KLASIK", "lpa": "LPA-JT-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("not_eligible", None)
    assert body["message"]


def test_it_answers_409_for_a_conflict(manager, lpa_manager, lpa_jt01, enrolled):
    member = enrolled(lpa_jt01, lpa_manager)
    first = manager.post("/api/v1/payments", _payment(member.member_number), content_type="application/json")
    assert first.status_code == 201
    response = manager.post(
        "/api/v1/payments", _payment(member.member_number, amount=10000), content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["field"]) == ("receipt_conflict", "receipt_number")


def test_it_answers_500_with_the_error_body(manager, monkeypatch, lpa_jt01):
    from askesos.lpa import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "lpa_list", broken)
    response = manager.get("/api/v1/lpas")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "Internal server error.", "field": None}


def test_it_answers_json_405_for_a_wrong_method(manager):
    response = manager.delete("/api/v1/regions")
    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "This method is not allowed here.",
        "field": None,
    }
    assert response["Allow"] == "GET"
