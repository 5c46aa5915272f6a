"""Hardening checks over every page of the access matrix: Content Security Policy and no inline
behaviour or styles, CSRF tokens in every POST form, NIKs masked for roles that do not need them,
idle sessions expiring, personal-data views audited."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from tests.security.matrix import PERSONAS, concrete_urls
from tests.security.test_access_matrix import MATRIX

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>(.*?)</form>", re.I | re.S)


def pages_for(persona: str, world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The GET URLs the matrix says ``persona`` may open (200)."""
    urls = concrete_urls(world)
    column = PERSONAS.index(persona) + 1
    return {
        name: urls[name]
        for name, row in MATRIX.items()
        if row.split()[0] == "GET" and row.split()[column] == "200"
    }


def fetch_all(client: Client, pages: dict[str, str]) -> dict[str, object]:
    logging.disable(logging.WARNING)
    try:
        return {name: client.get(url) for name, url in pages.items()}
    finally:
        logging.disable(logging.NOTSET)


def is_html(response) -> bool:  # type: ignore[no-untyped-def]
    return response["Content-Type"].startswith("text/html")


def test_it_sends_a_strict_csp_and_renders_no_inline_script_handler_or_style(personas, world):
    problems = []
    checked = 0
    for persona in ("kemensos_admin", "lpa_manager", "officer"):
        client = Client()
        client.force_login(personas[persona])
        for name, response in fetch_all(client, pages_for(persona, world)).items():
            assert response.status_code == 200, (persona, name)
            csp = response.get("Content-Security-Policy", "")
            if "script-src 'self'" not in csp or "unsafe-inline" in csp or "style-src 'self'" not in csp:
                problems.append(f"{name}: CSP header {csp!r}")
            if not is_html(response):
                continue
            checked += 1
            html = response.content.decode()
            for label, pattern in (
                ("inline <script>", INLINE_SCRIPT),
                ("on*= handler", EVENT_HANDLER),
                ("style= attribute", STYLE_ATTR),
            ):
                found = pattern.search(html)
                if found:
                    problems.append(f"{name} as {persona}: {label}: {found.group(0)[:120]}")
    assert checked > 60
    assert problems == []


def test_it_puts_a_csrf_token_in_every_post_form(personas, world):
    problems = []
    forms = 0
    for persona in ("kemensos_admin", "dinsos_jaktim", "lpa_manager", "officer"):
        client = Client()
        client.force_login(personas[persona])
        for name, response in fetch_all(client, pages_for(persona, world)).items():
            if not is_html(response):
                continue
            for body in POST_FORM.findall(response.content.decode()):
                forms += 1
                if 'name="csrfmiddlewaretoken"' not in body:
                    problems.append(f"{name} as {persona}: a POST form without csrfmiddlewaretoken")
    assert forms > 40
    assert problems == []


def test_it_enforces_csrf_on_posts(world, lpa_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lpa_manager)
    response = client.post(f"/registry/{world.person.pk}/heirs/new/", {"full_name": "X"})
    assert response.status_code == 403


def _full_niks(world) -> list[str]:  # type: ignore[no-untyped-def]
    return [world.person.nik, world.twin.nik, world.heir.nik, world.field_officer.nik]


def _text_of(response) -> str:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # XLSX: look inside every part of the zip
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return body.decode("utf-8", "replace")


def test_it_masks_niks_for_an_auditor_in_every_page_and_export(personas, world):
    pages = pages_for("auditor", world)
    exports = {
        "claims register (xlsx)": "/claims/register/?format=xlsx",
        "outreach funnel (xlsx)": "/outreach/funnel/?format=xlsx",
        "training needs (xlsx)": "/workforce/training/?format=xlsx",
        "officer KPIs (xlsx)": "/workforce/kpis/?format=xlsx",
        "honoraria (xlsx)": "/workforce/honorarium/?format=xlsx",
        "facilities (xlsx)": "/workforce/facilities/?format=xlsx",
    }
    client = Client()
    client.force_login(personas["auditor"])
    leaks = []
    responses = fetch_all(client, {**pages, **exports})
    for name in exports:
        assert responses[name].status_code == 200, name
        assert responses[name]["Content-Type"].startswith("application/vnd.openxmlformats"), name
    for name, response in responses.items():
        if response["Content-Type"] == "application/pdf":
            continue  # PDF text streams are compressed; cards and receipts carry no NIK
        text = _text_of(response)
        leaks += [f"{name}: full NIK {nik}" for nik in _full_niks(world) if nik in text]
    assert leaks == []


def test_it_shows_the_full_nik_to_the_lpa_that_needs_it(world, lpa_manager):
    client = Client()
    client.force_login(lpa_manager)
    assert world.person.nik in client.get(f"/registry/{world.person.pk}/").content.decode()


def test_it_audits_who_viewed_a_person_and_a_membership(world, auditor):
    from askesos.audit.models import AuditEvent

    client = Client()
    client.force_login(auditor)
    assert client.get(f"/registry/{world.person.pk}/").status_code == 200
    assert client.get(f"/members/{world.membership.member_number}/").status_code == 200
    views = AuditEvent.objects.filter(action__in=["person.view", "membership.view"], actor=auditor)
    assert sorted(views.values_list("action", "object_id", "lpa_id")) == [
        ("membership.view", str(world.membership.pk), world.lpa.pk),
        ("person.view", str(world.person.pk), world.lpa.pk),
    ]


def test_it_expires_an_idle_session_after_the_timeout(settings, officer):
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client = Client()
    client.force_login(officer)
    start = timezone.now()

    def at(minutes: int):  # type: ignore[no-untyped-def]
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=minutes)):
            return client.get("/")

    assert at(50).status_code == 200  # active use slides the expiry forward …
    assert at(105).status_code == 200  # … 55 minutes after the last request: still signed in
    response = at(170)  # 65 idle minutes: signed out
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_production_settings_are_strict(monkeypatch):
    """The settings module, imported fresh with production variables, turns on HTTPS-only behaviour."""
    import importlib
    import sys

    monkeypatch.setenv("ASKESOS_TESTING", "0")
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "askesos.example.go.id")
    saved = sys.modules.pop("askesos.settings")
    try:
        prod = importlib.import_module("askesos.settings")
    finally:
        sys.modules["askesos.settings"] = saved
    assert prod.SESSION_COOKIE_SECURE
    assert prod.CSRF_COOKIE_SECURE
    assert prod.SECURE_SSL_REDIRECT
    assert prod.SECURE_HSTS_SECONDS >= 31536000
    assert prod.SESSION_COOKIE_HTTPONLY
    assert prod.X_FRAME_OPTIONS == "DENY"
    assert "'unsafe-inline'" not in str(prod.CONTENT_SECURITY_POLICY)


@pytest.mark.parametrize("bad", ["", "short"])
def test_production_refuses_a_missing_or_short_secret_key(monkeypatch, bad):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("ASKESOS_TESTING", "0")
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", bad)
    monkeypatch.setenv("ALLOWED_HOSTS", "askesos.example.go.id")
    saved = sys.modules.pop("askesos.settings")
    try:
        with pytest.raises(ImproperlyConfigured):
            importlib.import_module("askesos.settings")
    finally:
        sys.modules["askesos.settings"] = saved
