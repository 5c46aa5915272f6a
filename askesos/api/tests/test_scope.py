from __future__ import annotations

NOT_FOUND = {"code": "not_found", "message": "Not found.", "field": None}
FORBIDDEN = {"code": "permission_denied", "message": "Your role may not do this.", "field": None}


def test_it_hides_a_person_of_another_lpa(api, lpa_manager, lpa_jt02, make_person):
    person = make_person(lpa_jt02)
    client = api(lpa_manager)
    response = client.post("/api/v1/persons/lookup", {"nik": person.nik}, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    response = client.get(f"/api/v1/persons/{person.pk}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_it_finds_a_person_in_scope_by_exact_nik_only(api, lpa_manager, lpa_jt01, make_person):
    person = make_person(lpa_jt01)
    client = api(lpa_manager)
    response = client.post("/api/v1/persons/lookup", {"nik": person.nik}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["nik"], body["nik_masked"], body["lpa_code"]) == (
        person.pk,
        person.nik,
        False,
        "LPA-JT-01",
    )
    assert body["member_number"] is None
    prefix = client.post("/api/v1/persons/lookup", {"nik": person.nik[:12]}, content_type="application/json")
    assert prefix.status_code == 404


def test_it_masks_the_nik_for_roles_without_view_nik(api, auditor, lpa_jt01, make_person):
    person = make_person(lpa_jt01)
    body = api(auditor).get(f"/api/v1/persons/{person.pk}").json()
    assert body["nik"] == f"{person.nik[:4]}••••••••{person.nik[-4:]}"
    assert body["nik_masked"] is True


def test_it_scopes_lpas_by_region(api, dinsos_jaktim, dinsos_jakbar, lpa_jt01, lpa_jt02, lpa_jb01):
    jaktim = api(dinsos_jaktim).get("/api/v1/lpas").json()
    assert [row["code"] for row in jaktim["items"]] == ["LPA-JT-01", "LPA-JT-02"]
    jakbar = api(dinsos_jakbar)
    assert [row["code"] for row in jakbar.get("/api/v1/lpas").json()["items"]] == ["LPA-JB-01"]
    response = jakbar.get("/api/v1/lpas/LPA-JT-01")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_it_scopes_members(api, lpa_manager, other_lpa_manager, lpa_jt01, lpa_jt02, enrolled):
    mine = enrolled(lpa_jt01, lpa_manager)
    theirs = enrolled(lpa_jt02, other_lpa_manager)
    client = api(lpa_manager)
    response = client.get(f"/api/v1/members/{mine.member_number}")
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["paid_through"] is None
    response = client.get(f"/api/v1/members/{theirs.member_number}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    lookup = client.post(
        "/api/v1/members/lookup", {"nik": theirs.person.nik}, content_type="application/json"
    )
    assert lookup.json() == NOT_FOUND
    lookup = client.post("/api/v1/members/lookup", {"nik": mine.person.nik}, content_type="application/json")
    assert lookup.json()["member_number"] == mine.member_number


def test_it_answers_403_for_missing_capabilities(api, auditor, officer, member_user, lpa_jt01):
    payment = {
        "member_number": "3175-0000001-0",
        "amount": 5000,
        "channel": "bank_transfer",
        "paid_on": "2026-01-01",
        "receipt_number": "R-1",
    }
    response = api(auditor).post("/api/v1/payments", payment, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    response = api(officer).get("/api/v1/lpas")  # field officers do not browse LPAs
    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    response = api(member_user).get("/api/v1/regions")
    assert response.status_code == 403
    assert response.json() == FORBIDDEN


def test_it_enrols_through_the_membership_service(api, lpa_manager, lpa_jt01, scheme, make_person):
    person = make_person(lpa_jt01)
    response = api(lpa_manager).post(
        "/api/v1/enrolments",
        {"nik": person.nik, "scheme": "TEST-KLASIK", "lpa": "LPA-JT-01"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["person_id"], body["scheme_code"]) == ("pending", person.pk, "TEST-KLASIK")
    again = api(lpa_manager).post(
        "/api/v1/enrolments",
        {"person_id": person.pk, "scheme": "TEST-KLASIK", "lpa": "LPA-JT-01"},
        content_type="application/json",
    )
    assert again.status_code == 422
    assert again.json()["code"] == "not_eligible"


def test_it_will_not_enrol_through_an_lpa_out_of_scope(
    api, lpa_manager, lpa_jt01, lpa_jt02, scheme, make_person
):
    person = make_person(lpa_jt01)
    response = api(lpa_manager).post(
        "/api/v1/enrolments",
        {"person_id": person.pk, "scheme": "TEST-KLASIK", "lpa": "LPA-JT-02"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
