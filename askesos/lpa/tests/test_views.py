from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from askesos.lpa import selectors, services
from askesos.lpa.models import Lpa
from askesos.regions.models import Region


@pytest.fixture
def three(lpa_jt01, lpa_jt02, lpa_jb01):
    return lpa_jt01, lpa_jt02, lpa_jb01


def _codes(response):
    return [lpa.code for lpa in response.context["lpas"]]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("kemensos_admin", ["LPA-JB-01", "LPA-JT-01", "LPA-JT-02"]),
        ("dinsos_jaktim", ["LPA-JT-01", "LPA-JT-02"]),
        ("dinsos_jakbar", ["LPA-JB-01"]),
        ("lpa_manager", ["LPA-JT-01"]),
        ("auditor", ["LPA-JT-01", "LPA-JT-02"]),
        ("outsider", []),
    ],
)
def test_it_lists_lpas_in_scope(client, request, three, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    assert _codes(client.get(reverse("lpa:list"))) == expected


@pytest.mark.parametrize(("persona", "status"), [("member_user", 403), ("officer", 403)])
def test_it_refuses_the_list_without_the_capability(client, request, three, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("lpa:list")).status_code == status


def test_it_filters_by_status_and_kecamatan(client, dinsos_jaktim, three, region, today):
    _, lpa_jt02, _ = three
    services.lpa_suspend(actor=dinsos_jaktim, lpa=lpa_jt02, today=today, reason="audit")
    client.force_login(dinsos_jaktim)
    assert _codes(client.get(reverse("lpa:list"), {"status": "suspended"})) == ["LPA-JT-02"]
    cakung = region("31.75.06")
    response = client.get(reverse("lpa:list"), {"kecamatan": cakung.pk})
    assert _codes(response) == ["LPA-JT-02"]
    assert [k.name for k in response.context["kecamatan_options"]] == ["Cakung", "Jatinegara"]


def test_it_keeps_the_list_query_flat(client, dinsos_jaktim, three, lpa_manager, region, today):
    client.force_login(dinsos_jaktim)
    url = reverse("lpa:list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        lpa = services.lpa_propose(
            actor=dinsos_jaktim,
            code=f"LPA-X-{n}",
            kelurahan=region("31.75.09.1001"),
            profile={"name": f"X {n}"},
            today=today,
        )
        services.officer_create(
            actor=lpa_manager,
            lpa=lpa,
            kelurahan=[region("31.75.09.1001")],
            data={"full_name": "A", "nik": "3175064101900001"},
            today=today,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(_codes(response)) == 6
    assert len(many) == len(few)


def test_it_reads_the_list_in_three_queries(dinsos_jaktim, three, today, django_assert_num_queries):
    with django_assert_num_queries(3):  # scope regions, scope LPAs, the list with counts
        rows: list[Any] = list(selectors.lpa_list(user=dinsos_jaktim, today=today))
    assert [(r.code, r.officer_count, r.kelurahan.parent.name) for r in rows] == [
        ("LPA-JT-01", 0, "Jatinegara"),
        ("LPA-JT-02", 0, "Cakung"),
    ]


def test_it_reads_officers_in_three_queries(lpa_jt01, lpa_manager, region, today, django_assert_num_queries):
    for n in range(3):
        services.officer_create(
            actor=lpa_manager,
            lpa=lpa_jt01,
            kelurahan=[region("31.75.03.1001")],
            data={"full_name": f"Petugas {n}", "nik": f"317506410190000{n + 1}"},
            today=today,
        )
    fresh = type(lpa_manager).objects.get(pk=lpa_manager.pk)
    with django_assert_num_queries(4):  # scope regions, scope LPAs, officers, kelurahan
        rows = list(selectors.officer_list(user=fresh, today=today))
        assert [[k.name for k in o.kelurahan.all()] for o in rows] == [["Kampung Melayu"]] * 3


@pytest.mark.parametrize(
    ("persona", "lpa", "status"),
    [
        ("dinsos_jaktim", "lpa_jt01", 200),
        ("dinsos_jaktim", "lpa_jb01", 404),
        ("lpa_manager", "lpa_jt01", 200),
        ("lpa_manager", "lpa_jt02", 404),
        ("outsider", "lpa_jt01", 404),
        ("member_user", "lpa_jt01", 403),
    ],
)
def test_it_answers_404_outside_scope_on_detail(client, request, three, persona, lpa, status):
    client.force_login(request.getfixturevalue(persona))
    target = request.getfixturevalue(lpa)
    assert client.get(reverse("lpa:detail", args=[target.pk])).status_code == status


def test_it_shows_transition_buttons_only_to_verifiers(client, lpa_jt01, dinsos_jaktim, lpa_manager):
    url = reverse("lpa:detail", args=[lpa_jt01.pk])
    client.force_login(dinsos_jaktim)
    assert [a for a, _ in client.get(url).context["actions"]] == ["suspend", "close"]
    client.force_login(lpa_manager)
    response = client.get(url)
    assert response.context["actions"] == []
    assert response.context["history"] is None


def test_it_shows_history_to_readers_of_the_audit(client, lpa_jt01, dinsos_jaktim, today):
    services.lpa_suspend(actor=dinsos_jaktim, lpa=lpa_jt01, today=today, reason="late reports")
    client.force_login(dinsos_jaktim)
    response = client.get(reverse("lpa:detail", args=[lpa_jt01.pk]))
    assert [e.action for e in response.context["history"]] == ["lpa.suspend"]
    assert b"late reports" in response.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [("auditor", 403), ("lpa_manager", 403), ("dinsos_jakbar", 404), ("dinsos_jaktim", 302)],
)
def test_it_guards_transitions(client, request, lpa_jt01, persona, status):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("lpa:transition", args=[lpa_jt01.pk, "suspend"])
    assert client.post(url, {"reason": "complaints"}).status_code == status
    expected = Lpa.Status.SUSPENDED if status == 302 else Lpa.Status.ACTIVE
    assert Lpa.objects.get(pk=lpa_jt01.pk).status == expected


def test_it_reports_a_refused_transition_as_a_message(client, proposed, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    response = client.post(reverse("lpa:transition", args=[proposed.pk, "verify"]), follow=True)
    assert Lpa.objects.get(pk=proposed.pk).status == Lpa.Status.PROPOSED
    assert "Criterion not met: Legal status" in next(str(m) for m in response.context["messages"])


def test_it_creates_an_lpa_through_the_form(client, dinsos_jaktim, region):
    client.force_login(dinsos_jaktim)
    response = client.post(
        reverse("lpa:create"),
        {
            "code": "lpa-jt-20",
            "kelurahan": region("31.75.10.1001").pk,
            "name": "Yayasan Cipayung",
            "legal_form": "yayasan",
            "founded_on": "2010-01-05",
            "phone": "62812 3456 7890",
        },
    )
    lpa = Lpa.objects.get(code="LPA-JT-20")
    assert response.status_code == 302
    assert (lpa.status, lpa.phone, lpa.proposed_by) == ("proposed", "+6281234567890", dinsos_jaktim)


def test_it_offers_only_kelurahan_in_the_users_region(client, dinsos_jakbar, region):
    client.force_login(dinsos_jakbar)
    response = client.post(
        reverse("lpa:create"),
        {
            "code": "X",
            "kelurahan": region("31.75.10.1001").pk,
            "name": "X",
            "legal_form": "lsm",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kelurahan"] == ["Cipayung (31.75.10.1001) is outside your area."]
    assert not Lpa.objects.filter(code="X").exists()


def test_a_national_user_enters_the_kelurahan_by_code_not_from_every_village(client, kemensos_admin):
    from askesos.regions.models import Region

    client.force_login(kemensos_admin)
    html = str(client.get(reverse("lpa:create")).context["form"]["kelurahan"])
    assert "<option" not in html
    assert 'inputmode="numeric"' in html
    desa = Region.objects.filter(code__startswith="32.", level=4).order_by("id")[0]
    data = {"code": "lpa-jb-30", "name": "Yayasan Desa", "legal_form": "yayasan"}
    response = client.post(reverse("lpa:create"), {**data, "kelurahan": desa.code.replace(".", "")})
    assert response.status_code == 302
    assert Lpa.objects.get(code="LPA-JB-30").kelurahan == desa
    response = client.post(reverse("lpa:create"), {**data, "code": "lpa-jt-31", "kelurahan": "31.75.10"})
    assert response.context["form"].errors == {
        "kelurahan": [
            "31.75.10 is a kecamatan code, not a kelurahan: enter all 10 digits, e.g. 31.75.03.1001."
        ]
    }


def test_the_edit_form_shows_the_current_kelurahan(client, dinsos_jaktim, lpa_jt01):
    client.force_login(dinsos_jaktim)
    html = str(client.get(reverse("lpa:edit", args=[lpa_jt01.pk])).context["form"]["kelurahan"])
    assert f'<option value="{lpa_jt01.kelurahan_id}" selected>' in html
    assert html.count("<option") == 1 + Region.objects.filter(code__startswith="31.75.", level=4).count()


@pytest.mark.parametrize(("persona", "status"), [("lpa_manager", 403), ("auditor", 403), ("outsider", 200)])
def test_it_guards_the_create_page(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("lpa:create")).status_code == status


def test_it_lets_an_lpa_manager_edit_only_their_own_profile(client, lpa_manager, lpa_jt01, lpa_jt02):
    client.force_login(lpa_manager)
    response = client.get(reverse("lpa:edit", args=[lpa_jt01.pk]))
    assert response.status_code == 200
    assert "code" not in response.context["form"].fields
    assert "status" not in response.context["form"].fields
    response = client.post(
        reverse("lpa:edit", args=[lpa_jt01.pk]),
        {
            "name": "Yayasan Sejahtera Jatinegara",
            "legal_form": "yayasan",
            "head_name": "Pak Budi",
            "code": "HACKED",
            "status": "closed",
        },
    )
    lpa = Lpa.objects.get(pk=lpa_jt01.pk)
    assert response.status_code == 302
    assert (lpa.code, lpa.status, lpa.head_name) == ("LPA-JT-01", "active", "Pak Budi")
    assert client.get(reverse("lpa:edit", args=[lpa_jt02.pk])).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("auditor", 403), ("officer", 403), ("dinsos_jakbar", 404)])
def test_it_guards_the_edit_page(client, request, lpa_jt01, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("lpa:edit", args=[lpa_jt01.pk])).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("lpa_manager", 403), ("dinsos_jakbar", 404)])
def test_it_guards_the_checklist_and_seed_grant(client, request, lpa_jt01, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("lpa:criteria", args=[lpa_jt01.pk])).status_code == status
    assert client.get(reverse("lpa:seed_grant", args=[lpa_jt01.pk])).status_code == status


def test_it_records_the_seed_grant_through_the_form(client, kemensos_admin, lpa_jt01):
    client.force_login(kemensos_admin)
    response = client.post(
        reverse("lpa:seed_grant", args=[lpa_jt01.pk]),
        {"amount": "30000000", "received_on": "2026-01-10", "reference": "SP2D-1"},
    )
    assert response.status_code == 302
    response = client.get(reverse("lpa:detail", args=[lpa_jt01.pk]))
    assert b"Rp 30.000.000" in response.content


def test_it_creates_an_officer_through_the_form_and_masks_the_nik(
    client, lpa_manager, lpa_jt01, region, auditor
):
    client.force_login(lpa_manager)
    response = client.post(
        reverse("lpa:officer_create", args=[lpa_jt01.pk]),
        {
            "full_name": "Siti Aminah",
            "nik": "3175 0641 0190 0001",
            "phone": "0812-3456-7890",
            "kelurahan": [region("31.75.03.1001").pk],
            "active_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    client.force_login(auditor)
    response = client.get(reverse("lpa:officer_list"))
    html = response.content.decode()
    assert "3175••••••••0001" in html
    assert "3175064101900001" not in html


@pytest.mark.parametrize(("persona", "status"), [("dinsos_jaktim", 403), ("other_lpa_manager", 404)])
def test_it_guards_officer_forms(client, request, lpa_jt01, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("lpa:officer_create", args=[lpa_jt01.pk])).status_code == status


def test_it_scopes_the_officer_list(
    client, lpa_jt01, lpa_jt02, lpa_manager, other_lpa_manager, region, today
):
    for lpa, actor in ((lpa_jt01, lpa_manager), (lpa_jt02, other_lpa_manager)):
        services.officer_create(
            actor=actor,
            lpa=lpa,
            kelurahan=[region("31.75.03.1001")],
            data={"full_name": f"Petugas {lpa.code}", "nik": "3175064101900001"},
            today=today,
        )
    client.force_login(lpa_manager)
    response = client.get(reverse("lpa:officer_list"))
    assert [o.full_name for o in response.context["officers"]] == ["Petugas LPA-JT-01"]
    assert client.get(reverse("lpa:officer_list"), {"lpa": lpa_jt02.pk}).status_code == 404


def test_it_has_no_inline_scripts_or_styles(client, lpa_jt01, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    for url in (
        reverse("lpa:list"),
        reverse("lpa:detail", args=[lpa_jt01.pk]),
        reverse("lpa:criteria", args=[lpa_jt01.pk]),
        reverse("lpa:create"),
        reverse("lpa:officer_list"),
    ):
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html, url
