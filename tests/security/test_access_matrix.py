"""The access matrix: every URL of the project, and what each persona (and an anonymous visitor) gets.

Each row is ``method`` then one outcome per persona, in this column order:

    anon  kemensos  dinsos-JT  dinsos-JB  lpa-JT01  lpa-JT02  officer-JT01  auditor-JT  member  outsider

Outcomes: ``L`` = 302 to the login page, ``200``, ``302`` (elsewhere), ``401``, ``403`` (role may not),
``404`` (outside scope, or not there), ``405`` (wrong method). Object URLs address objects of LPA-JT-01
(``tests/security/world.py``), so the JT-01 manager and officer, East Jakarta's Dinas Sosial and
auditor and Kemensos are in scope, and Jakarta Barat's Dinas Sosial, the JT-02 manager and the
outsider (a role without any scope) are not. ``GET`` rows are fetched with GET; ``POST`` rows (POST-only
endpoints) are sent a POST without data. Every request runs in a savepoint that is rolled back, so
no request changes what the next one sees.

A URL pattern without a row fails the test: decide who may use a new page when you add it.
Set ``ASKESOS_MATRIX_DUMP=1`` to print the observed table (to review, never to paste blindly).
"""

from __future__ import annotations

import logging
import os

import pytest
from django.db import transaction
from django.test import Client

from tests.security.matrix import LOGIN, PERSONAS, concrete_urls, url_names

# fmt: off
MATRIX: dict[str, str] = {
    # name                              method anon kem  djt  djb  lpa  olpa off  aud  mem  out
    "set_language":                       "POST  302  302  302  302  302  302  302  302  302  302",
    "accounts:login":                     "GET   200  200  200  200  200  200  200  200  200  200",
    "accounts:logout":                    "POST    L    L    L    L    L    L    L    L    L    L",
    "accounts:password_change":           "GET     L  200  200  200  200  200  200  200  200  200",
    "accounts:password_done":             "GET     L  200  200  200  200  200  200  200  200  200",
    "regions:browse":                     "GET     L  200  200  200  200  200  403  200  403  200",
    "regions:search":                     "GET     L  200  200  200  200  200  403  200  403  200",
    "regions:workforce_import":           "GET     L  200  200  200  403  403  403  403  403  200",
    "regions:workforce_template":         "GET     L  200  200  200  200  200  403  200  403  200",
    "regions:detail":                     "GET     L  200  200  200  200  200  403  200  403  200",
    "regions:workforce_edit":             "GET     L  200  200  404  403  403  403  403  403  404",
    "audit:list":                         "GET     L  200  200  200  403  403  403  200  403  200",
    "lpa:list":                           "GET     L  200  200  200  200  200  403  200  403  200",
    "lpa:create":                         "GET     L  200  200  200  403  403  403  403  403  200",
    "lpa:detail":                         "GET     L  200  200  404  200  404  403  200  403  404",
    "lpa:edit":                           "GET     L  200  200  404  200  404  403  403  403  404",
    "lpa:criteria":                       "GET     L  200  200  404  403  403  403  403  403  404",
    "lpa:transition":                     "POST    L  302  302  404  403  403  403  403  403  404",
    "lpa:seed_grant":                     "GET     L  200  200  404  403  403  403  403  403  404",
    "lpa:officer_create":                 "GET     L  403  403  403  200  404  403  403  403  403",
    "lpa:evidence":                       "GET     L  200  200  404  200  404  403  200  403  404",
    "lpa:officer_list":                   "GET     L  200  200  200  200  200  403  200  403  200",
    "lpa:officer_edit":                   "GET     L  403  403  403  200  404  403  403  403  403",
    "lpa:officer_deactivate":             "POST    L  403  403  403  302  404  403  403  403  403",
    "registry:search":                    "GET     L  200  200  200  200  200  200  200  403  200",
    "registry:register":                  "GET     L  403  403  403  200  200  200  403  403  403",
    "registry:detail":                    "GET     L  200  200  404  200  404  200  200  403  404",
    "registry:edit":                      "GET     L  403  403  403  200  404  200  403  403  403",
    "registry:heir_add":                  "GET     L  403  403  403  200  404  200  403  403  403",
    "registry:heir_edit":                 "GET     L  403  403  403  200  404  200  403  403  403",
    "registry:heir_remove":               "POST    L  403  403  403  302  404  302  403  403  403",
    "registry:duplicates":                "GET     L  200  200  200  200  200  403  403  403  200",
    "registry:duplicate_decide":          "POST    L  302  302  404  302  404  403  403  403  404",
    "registry:import":                    "GET     L  403  403  403  200  200  403  403  403  403",
    "registry:import_status":             "GET     L  403  403  403  200  404  403  403  403  403",
    "registry:import_errors":             "GET     L  403  403  403  404  404  403  403  403  403",
    "registry:import_template":           "GET     L  403  403  403  200  200  403  403  403  403",
    "schemes:list":                       "GET     L  200  200  200  200  200  200  200  403  200",
    "schemes:detail":                     "GET     L  200  200  200  200  200  200  200  403  200",
    "schemes:version_new":                "GET     L  200  403  403  403  403  403  403  403  403",
    "schemes:version":                    "GET     L  200  200  200  200  200  200  200  403  200",
    "schemes:version_edit":               "GET     L  302  403  403  403  403  403  403  403  403",
    "membership:list":                    "GET     L  200  200  200  200  200  200  200  403  200",
    "membership:enrol":                   "GET     L  403  403  403  200  200  200  403  403  403",
    "membership:person_results":          "GET     L  403  403  403  200  200  200  403  403  403",
    "membership:public_status":           "GET   200  200  200  200  200  200  200  200  200  200",
    "membership:detail":                  "GET     L  200  200  404  200  404  200  200  403  404",
    "membership:card":                    "GET     L  200  200  404  200  404  200  200  200  404",
    "fund:overview":                      "GET     L  200  200  200  200  200  403  200  403  200",
    "fund:lpa":                           "GET     L  200  200  404  200  404  403  200  403  404",
    "fund:journal":                       "GET     L  200  200  404  200  404  403  200  403  404",
    "fund:expense":                       "POST    L  403  403  403  302  404  403  403  403  403",
    "fund:reverse":                       "POST    L  403  403  403  302  404  403  403  403  403",
    "fund:report_pdf":                    "GET     L  200  200  404  200  404  403  200  403  404",
    "fund:report_xlsx":                   "GET     L  200  200  404  200  404  403  200  403  404",
    "notifications:outbox":               "GET     L  200  200  200  200  200  403  403  403  200",
    "notifications:retry":                "POST    L  302  302  404  302  404  403  403  403  404",
    "contributions:record":               "GET     L  403  403  403  200  200  200  403  403  403",
    "contributions:record_for":           "GET     L  403  403  403  200  404  200  403  403  403",
    "contributions:amount":               "GET     L  403  403  403  200  404  200  403  403  403",
    "contributions:receipt":              "GET     L  200  200  404  200  404  200  200  403  404",
    "contributions:receipt_pdf":          "GET     L  200  200  404  200  404  200  200  403  404",
    "contributions:member":               "GET     L  200  200  404  200  404  200  200  403  404",
    "contributions:arrears":              "GET     L  200  200  200  200  200  200  200  403  200",
    "contributions:followup":             "GET     L  200  200  200  200  200  200  200  403  200",
    "contributions:cashbook":             "GET     L  200  200  200  200  200  302  200  403  200",
    "contributions:cashbook_officer":     "GET     L  200  200  404  200  404  200  200  403  404",
    "contributions:deposit_new":          "GET     L  403  403  403  403  403  200  403  403  403",
    "contributions:deposits":             "GET     L  403  403  403  200  200  403  403  403  403",
    "contributions:deposit_decide":       "POST    L  403  403  403  302  404  403  403  403  403",
    "contributions:batch_upload":         "GET     L  200  200  200  200  200  403  403  403  200",
    "contributions:batch":                "GET     L  200  200  404  200  404  200  200  403  404",
    "outreach:event_list":                "GET     L  200  200  200  200  200  200  200  403  200",
    "outreach:event_create":              "GET     L  403  200  200  200  200  200  403  403  200",
    "outreach:event_detail":              "GET     L  200  200  404  200  404  200  200  403  404",
    "outreach:event_attendance":          "POST    L  403  200  404  200  404  200  403  403  404",
    "outreach:lead_capture":              "POST    L  403  200  404  200  404  200  403  403  404",
    "outreach:lead_list":                 "GET     L  200  200  200  200  200  200  200  403  200",
    "outreach:lead_detail":               "GET     L  200  200  404  200  404  200  200  403  404",
    "outreach:lead_transition":           "POST    L  403  302  404  302  404  302  403  403  404",
    "outreach:lead_link":                 "POST    L  403  200  404  200  404  200  403  403  404",
    "outreach:campaign_list":             "GET     L  200  200  200  200  200  200  200  403  200",
    "outreach:campaign_create":           "GET     L  403  200  200  200  200  200  403  403  200",
    "outreach:funnel":                    "GET     L  200  200  200  200  200  200  200  403  200",
    "outreach:coverage":                  "GET     L  200  200  200  200  200  200  200  403  200",
    "workforce:training_needs":           "GET     L  200  200  200  200  200  403  200  403  200",
    "workforce:training_create":          "GET     L  200  200  200  200  200  403  403  403  200",
    "workforce:training_detail":          "GET     L  200  200  404  200  404  403  200  403  404",
    "workforce:training_certificate":     "GET     L  404  404  404  404  404  403  404  403  404",
    "workforce:kpis":                     "GET     L  200  200  200  200  200  403  200  403  200",
    "workforce:honorarium_list":          "GET     L  200  200  200  200  200  403  200  403  200",
    "workforce:honorarium_compute":       "POST    L  403  403  403  302  302  403  403  403  403",
    "workforce:honorarium_approve":       "POST    L  403  403  403  302  404  403  403  403  403",
    "workforce:honorarium_pay":           "POST    L  403  403  403  302  404  403  403  403  403",
    "workforce:facilities":               "GET     L  200  200  200  200  200  403  200  403  200",
    "workforce:asset_create":             "GET     L  403  403  403  200  200  403  403  403  403",
    "workforce:asset_detail":             "GET     L  200  200  404  200  404  403  200  403  404",
    "api:tokens":                         "GET     L  200  200  200  200  200  200  200  403  200",
    "api:token_revoke":                   "POST    L  404  404  404  302  404  404  404  403  404",
    "api:docs":                           "GET     L  200  200  200  200  200  200  200  200  200",
    "api-v1:openapi-json":                "GET   200  200  200  200  200  200  200  200  200  200",
    "api-v1:region_list":                 "GET   401  200  200  200  200  200  403  200  403  200",
    "api-v1:region_get":                  "GET   401  200  200  200  200  200  403  200  403  200",
    "api-v1:lpa_list":                    "GET   401  200  200  200  200  200  403  200  403  200",
    "api-v1:lpa_get":                     "GET   401  200  200  404  200  404  403  200  403  404",
    "api-v1:officer_list":                "GET   401  200  200  200  200  200  403  200  403  200",
    "api-v1:officer_get":                 "GET   401  200  200  404  200  404  403  200  403  404",
    "api-v1:person_lookup":               "POST  401  400  400  400  400  400  400  400  400  400",
    "api-v1:person_get":                  "GET   401  200  200  404  200  404  200  200  403  404",
    "api-v1:person_create":               "POST  401  400  400  400  400  400  400  400  400  400",
    "api-v1:member_lookup":               "POST  401  400  400  400  400  400  400  400  400  400",
    "api-v1:member_get":                  "GET   401  200  200  404  200  404  200  200  403  404",
    "api-v1:enrolment_create":            "POST  401  400  400  400  400  400  400  400  400  400",
    "api-v1:payment_create":              "POST  401  400  400  400  400  400  400  400  400  400",
    "api-v1:lead_create":                 "POST  401  400  400  400  400  400  400  400  400  400",
    "api-v1:attendance_set":              "POST  401  400  400  400  400  400  400  400  400  400",
    "api-v1:sync_batch_post":             "POST  401  400  400  400  400  400  400  400  400  400",
    "api-v1:api-root":                    "GET   404  404  404  404  404  404  404  404  404  404",
    "api/v1/<path:rest>":                 "GET   404  404  404  404  404  404  404  404  404  404",
    "claims:queue":                       "GET     L  200  200  200  200  200  200  200  403  200",
    "claims:new":                         "GET     L  403  403  403  200  200  200  403  403  403",
    "claims:new_for":                     "GET     L  403  403  403  200  404  200  403  403  403",
    "claims:register":                    "GET     L  200  200  200  200  200  200  200  403  200",
    "claims:detail":                      "GET     L  200  200  404  200  404  200  200  403  404",
    "claims:upload":                      "POST    L  403  403  403  200  404  200  403  403  403",
    "claims:pay":                         "GET     L  403  403  403  302  404  403  403  403  403",
    "claims:act":                         "POST    L  403  403  404  200  404  403  403  403  404",
    "claims:document":                    "GET     L  200  200  404  200  404  200  200  403  404",
    "analytics:coverage":                 "GET     L  200  302  302  302  302  403  302  403  200",
    "analytics:coverage_area":            "GET     L  200  200  404  200  200  403  200  403  404",
    "analytics:target_set":               "POST    L  302  302  404  403  403  403  403  403  404",
    "analytics:scorecard_index":          "GET     L  200  200  200  200  200  403  200  403  200",
    "analytics:scorecard_city":           "GET     L  200  200  404  200  200  403  200  403  404",
    "analytics:scorecard_city_pdf":       "GET     L  200  200  404  200  200  403  200  403  404",
    "analytics:scorecard_lpa":            "GET     L  200  200  404  200  404  403  200  403  404",
    "analytics:scorecard_lpa_pdf":        "GET     L  200  200  404  200  404  403  200  403  404",
    "evaluation:rounds":                  "GET     L  200  200  200  200  200  403  200  403  200",
    "evaluation:round_new":               "GET     L  200  200  200  403  403  403  403  403  200",
    "evaluation:round":                   "GET     L  200  200  404  200  404  403  200  403  404",
    "evaluation:respond":                 "GET     L  200  200  404  403  403  403  403  403  404",
    "evaluation:import":                  "GET     L  200  200  404  403  403  403  403  403  404",
    "evaluation:template":                "GET     L  200  200  404  403  403  403  403  403  404",
    "reports:list":                       "GET     L  200  200  200  200  200  403  200  403  200",
    "reports:generate":                   "POST    L  302  302  302  302  302  403  403  403  302",
    "reports:download":                   "GET     L  200  200  404  200  404  403  200  403  404",
    "public_status":                      "GET   200  200  200  200  200  200  200  200  200  200",
    "core:home":                          "GET     L  200  200  200  200  200  200  200  200  200",
    "core:healthz":                       "GET   200  200  200  200  200  200  200  200  200  200",
}
# fmt: on


def outcome(response) -> str:  # type: ignore[no-untyped-def]
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return str(response.status_code)


def _request(client: Client, method: str, url: str):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        response = client.post(url) if method == "POST" else client.get(url)
        transaction.set_rollback(True)
    return response


def observe(personas: dict, world) -> dict[str, tuple[str, list[str]]]:  # type: ignore[no-untyped-def,type-arg]
    urls = concrete_urls(world)
    clients: dict[str, Client] = {}
    for name in PERSONAS:
        clients[name] = Client(raise_request_exception=False)
        if name != "anon":
            clients[name].force_login(personas[name])
    seen: dict[str, tuple[str, list[str]]] = {}
    for name, _route in url_names():
        if name not in urls:
            continue
        method = MATRIX[name].split()[0] if name in MATRIX else "GET"
        results = []
        for persona in PERSONAS:
            client = clients[persona]
            results.append(outcome(_request(client, method, urls[name])))
            if persona != "anon" and "_auth_user_id" not in client.session:
                client.force_login(personas[persona])  # the logout row signed this persona out
        seen[name] = (method, results)
    return seen


def test_it_has_a_matrix_row_and_a_concrete_url_for_every_url_pattern(db):
    from types import SimpleNamespace

    stub = SimpleNamespace(today=__import__("datetime").date(2026, 1, 1))
    for attr in (
        "lpa",
        "evidence",
        "field_officer",
        "person",
        "heir",
        "duplicate",
        "import_job",
        "scheme",
        "version",
        "membership",
        "journal_entry",
        "message",
        "payment",
        "deposit",
        "batch",
        "event",
        "lead",
        "training",
        "honorarium",
        "vehicle",
        "token",
        "claim",
        "attachment",
        "survey",
        "report",
    ):
        setattr(stub, attr, SimpleNamespace(pk=1, code="X", member_number="X", nik="X"))
    urls = concrete_urls(stub)
    problems = []
    for name, route in url_names():
        if name not in MATRIX:
            problems.append(f"new URL without an access-matrix entry: {name} ({route})")
        if name not in urls:
            problems.append(f"new URL without a concrete URL in tests/security/matrix.py: {name} ({route})")
    names = {name for name, _ in url_names()}
    problems += [
        f"access-matrix entry for a URL that no longer exists: {name}" for name in MATRIX if name not in names
    ]
    assert problems == []


def test_it_answers_every_url_for_every_persona_as_the_matrix_says(personas, world):
    logging.disable(logging.WARNING)  # 403/404/405 warnings with tracebacks, hundreds of them
    try:
        seen = observe(personas, world)
    finally:
        logging.disable(logging.NOTSET)
    if os.environ.get("ASKESOS_MATRIX_DUMP"):
        for name, (method, results) in seen.items():
            print(
                f'    {chr(34) + name + chr(34) + ":":38}"{method:4} '
                + " ".join(f"{r:>4}" for r in results)
                + '",'
            )
        pytest.skip("matrix dumped")
    mismatches = []
    for name, (method, results) in seen.items():
        if name not in MATRIX:
            continue  # reported by the test above
        expected = MATRIX[name].split()[1:]
        assert len(expected) == len(PERSONAS), name
        for persona, want, got in zip(PERSONAS, expected, results, strict=True):
            if want != got:
                mismatches.append(f"{method} {name} as {persona}: expected {want}, got {got}")
    assert mismatches == []
