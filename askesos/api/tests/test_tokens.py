from __future__ import annotations

import hashlib

from django.test import Client

from askesos.api.models import ApiToken

NOT_AUTHENTICATED = {
    "code": "not_authenticated",
    "message": "Authentication credentials were missing or are not valid.",
    "field": None,
}


def test_it_creates_a_token_shown_once_and_stored_hashed(client, lpa_manager):
    client.force_login(lpa_manager)
    response = client.post("/api/tokens/", {"name": "officer phone"})
    assert response.status_code == 302
    page = client.get("/api/tokens/")
    raw = page.context["new_token"]
    assert raw.startswith("ask_")
    assert raw in page.content.decode()
    token = ApiToken.objects.get(user=lpa_manager)
    assert token.name == "officer phone"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.split("_")[1] == token.prefix
    again = client.get("/api/tokens/")
    assert again.context["new_token"] is None
    assert raw not in again.content.decode()
    assert f"ask_{token.prefix}_" in again.content.decode()


def test_it_uses_then_revokes_a_token(client, lpa_manager, lpa_jt01):
    client.force_login(lpa_manager)
    client.post("/api/tokens/", {"name": "sync"})
    raw = client.get("/api/tokens/").context["new_token"]
    bearer = Client(headers={"Authorization": f"Bearer {raw}"})
    assert bearer.get("/api/v1/lpas/LPA-JT-01").status_code == 200
    token = ApiToken.objects.get(user=lpa_manager)
    assert token.last_used_at is not None

    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None

    response = bearer.get("/api/v1/lpas/LPA-JT-01")
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert response["WWW-Authenticate"] == 'Bearer realm="askesos"'


def test_it_refuses_a_wrong_or_missing_token(db, lpa_manager, token_for):
    raw = token_for(lpa_manager)
    forged = raw[:-4] + ("aaaa" if not raw.endswith("aaaa") else "bbbb")
    for headers in ({}, {"Authorization": f"Bearer {forged}"}, {"Authorization": "Bearer nonsense"}):
        response = Client(headers=headers).get("/api/v1/regions")
        assert response.status_code == 401
        assert response.json() == NOT_AUTHENTICATED


def test_it_refuses_the_token_of_a_deactivated_user(db, lpa_manager, api):
    client = api(lpa_manager)
    lpa_manager.is_active = False
    lpa_manager.save()
    assert client.get("/api/v1/regions").status_code == 401


def test_it_does_not_let_a_user_revoke_someone_elses_token(client, lpa_manager, other_lpa_manager, token_for):
    token_for(other_lpa_manager)
    token = ApiToken.objects.get(user=other_lpa_manager)
    client.force_login(lpa_manager)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_gives_members_no_token_page(client, member_user):
    client.force_login(member_user)
    assert client.get("/api/tokens/").status_code == 403


def test_it_accepts_the_session_but_checks_csrf_on_post(db, lpa_manager):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(lpa_manager)
    assert browser.get("/api/v1/regions").status_code == 200
    response = browser.post(
        "/api/v1/persons/lookup", {"nik": "3175031001900001"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "message": "CSRF check Failed", "field": None}
