from __future__ import annotations

from django.test import Client


def test_the_openapi_document_is_3_1(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1.")
    assert doc["info"]["title"] == "Askesos API"
    assert {
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/lpas",
        "/api/v1/lpas/{code}",
        "/api/v1/officers",
        "/api/v1/officers/{officer_id}",
        "/api/v1/persons",
        "/api/v1/persons/lookup",
        "/api/v1/persons/{person_id}",
        "/api/v1/members/{member_number}",
        "/api/v1/members/lookup",
        "/api/v1/enrolments",
        "/api/v1/payments",
        "/api/v1/sync/batch",
        "/api/v1/leads",
        "/api/v1/attendance",
    } <= set(doc["paths"])
    assert doc["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_docs_page_is_server_rendered_without_cdn_or_inline_script(client, auditor):
    client.force_login(auditor)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/payments" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html
    assert "style=" not in html


def test_the_docs_page_needs_a_signed_in_user(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 302
