from __future__ import annotations

from askesos.registry.models import Person


def _body(**overrides):
    body = {
        "lpa": "LPA-JT-01",
        "nik": "3175031001909999",
        "full_name": "Agus  Salim",
        "birth_date": "1990-01-10",
        "sex": "L",
        "marital_status": "kawin",
        "occupation": "pedagang_kaki_lima",
        "monthly_income": 1500000,
        "is_breadwinner": True,
        "address": "Jl. Matraman 5",
        "kelurahan": "31.75.03.1001",
    }
    return {**body, **overrides}


def test_it_registers_a_person_through_the_registry_service(api, lpa_manager, lpa_jt01):
    client = api(lpa_manager)
    response = client.post("/api/v1/persons", _body(), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get(nik="3175031001909999")
    assert (body["id"], body["full_name"], body["kelurahan_code"], body["lpa_code"]) == (
        person.pk,
        "Agus Salim",
        "31.75.03.1001",
        "LPA-JT-01",
    )
    again = client.post("/api/v1/persons", _body(), content_type="application/json")
    assert again.status_code == 409
    assert (again.json()["code"], again.json()["field"]) == ("nik_taken", "nik")


def test_it_refuses_a_bad_region_code_on_its_field(api, lpa_manager, lpa_jt01):
    response = api(lpa_manager).post(
        "/api/v1/persons", _body(kelurahan="abc"), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "Not a Kemendagri region code.",
        "field": "kelurahan",
    }


def test_it_registers_only_for_an_lpa_in_scope(api, lpa_manager, lpa_jt01, lpa_jt02):
    response = api(lpa_manager).post(
        "/api/v1/persons", _body(lpa="LPA-JT-02"), content_type="application/json"
    )
    assert response.status_code == 404
    assert Person.objects.count() == 0


def test_auditors_may_not_register(api, auditor, lpa_jt01):
    assert api(auditor).post("/api/v1/persons", _body(), content_type="application/json").status_code == 403
