from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from askesos.core.months import add_months, month_start
from askesos.schemes.models import Scheme, SchemeVersion
from askesos.schemes.seed import KLASIK, seed_schemes


@pytest.fixture
def klasik(db):
    seed_schemes()
    return Scheme.objects.get(code=KLASIK)


def test_it_lists_schemes_for_readers(client, auditor, klasik):
    client.force_login(auditor)
    response = client.get(reverse("schemes:list"))
    assert response.status_code == 200
    assert "Askesos Klasik" in response.content.decode()
    assert "BPJS-TK BPU benchmark" in response.content.decode()


def test_it_forbids_members_and_anonymous(client, member_user, klasik):
    assert client.get(reverse("schemes:list")).status_code == 302
    client.force_login(member_user)
    assert client.get(reverse("schemes:list")).status_code == 403


def test_it_shows_the_timeline_with_in_force_and_future(client, kemensos_admin, klasik):
    from askesos.schemes.services import scheme_version_create

    today = timezone.localdate()
    scheme_version_create(
        actor=kemensos_admin, scheme=klasik, effective_from=add_months(month_start(today), 2), today=today
    )
    client.force_login(kemensos_admin)
    body = client.get(reverse("schemes:detail", args=[KLASIK])).content.decode()
    assert body.count("in force today") == 1
    assert body.count(">future<") == 1


def test_it_badges_placeholders_on_the_version_page(client, officer, klasik):
    version = klasik.versions.get()
    client.force_login(officer)
    body = client.get(reverse("schemes:version", args=[KLASIK, version.pk])).content.decode()
    assert body.count("placeholder — to be set") >= len(version.placeholders)
    assert "Rp 2.000.000" in body
    assert "death certificate (akta kematian)" in body


def test_it_creates_a_version_from_the_form(client, kemensos_admin, klasik):
    client.force_login(kemensos_admin)
    url = reverse("schemes:version_new", args=[KLASIK])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    post: dict[str, object] = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list):
            post[name] = value
        elif value is None:
            post[name] = ""
        elif isinstance(value, bool):
            if value:
                post[name] = "on"
        elif isinstance(value, dt.date):
            post[name] = value.strftime("%Y-%m")
        else:
            post[name] = str(value)
    post["premium_monthly"] = "6000"
    post["b__death__amount"] = "3000000"
    response = client.post(url, post)
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    new = klasik.versions.order_by("-effective_from").first()
    assert new.premium_monthly == 6_000
    assert new.benefits.get(claim_type="death").amount == 3_000_000
    assert new.benefits.get(claim_type="sickness").amount == 300_000
    assert "benefits.death.amount" not in new.placeholders
    assert "benefits.funeral.amount" in new.placeholders


def test_it_refuses_the_form_to_non_admins(client, dinsos_jaktim, klasik):
    client.force_login(dinsos_jaktim)
    assert client.get(reverse("schemes:version_new", args=[KLASIK])).status_code == 403


def test_it_refuses_editing_an_in_force_version_with_a_message(client, kemensos_admin, klasik):
    version = klasik.versions.get()
    client.force_login(kemensos_admin)
    response = client.get(reverse("schemes:version_edit", args=[KLASIK, version.pk]), follow=True)
    assert "cannot be edited" in response.content.decode()
    assert SchemeVersion.objects.get(pk=version.pk).premium_monthly == 5_000
