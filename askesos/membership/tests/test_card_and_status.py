from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from askesos.membership.card import public_status_url, render_card_html, render_card_pdf
from askesos.membership.models import Membership, MembershipStatus
from askesos.membership.services import membership_enrol
from askesos.membership.tests.helpers import TODAY, make_person
from askesos.membership.throttle import STATUS_ATTEMPTS


@pytest.fixture
def membership(officer, lpa_jt01, klasik):
    person = make_person(lpa_jt01, full_name="Siti Aminah")
    m = membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    Membership.objects.filter(pk=m.pk).update(
        status=MembershipStatus.ACTIVE, paid_through=dt.date(2026, 5, 1)
    )
    m.refresh_from_db()
    return m


def test_it_renders_the_card_with_number_name_and_qr(membership):
    url = public_status_url(membership.member_number)
    html = render_card_html(membership, url)
    assert membership.member_number in html
    assert "Siti Aminah" in html
    assert "Yayasan Sejahtera Jatinegara" in html
    assert "Askesos Klasik" in html
    assert "15-03-2026" in html
    assert 'src="data:image/svg+xml' in html
    assert url == f"http://127.0.0.1:8000/status/?n={membership.member_number}"


def test_it_builds_the_qr_url_from_the_setting(settings, membership):
    settings.ASKESOS_PUBLIC_BASE_URL = "https://askesos.kemensos.go.id/"
    assert public_status_url("3175-0000001-5") == "https://askesos.kemensos.go.id/status/?n=3175-0000001-5"


def test_it_renders_a_pdf_without_fetching_anything(membership):
    pdf = render_card_pdf(render_card_html(membership, public_status_url(membership.member_number)))
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000


def test_it_serves_the_card_to_staff_in_scope(client, lpa_manager, membership):
    client.force_login(lpa_manager)
    response = client.get(reverse("membership:card", args=[membership.member_number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_it_hides_the_card_outside_scope(client, other_lpa_manager, dinsos_jakbar, membership):
    for user in (other_lpa_manager, dinsos_jakbar):
        client.force_login(user)
        assert client.get(reverse("membership:card", args=[membership.member_number])).status_code == 404


def test_it_serves_the_card_to_the_member_themself(client, member_user, membership):
    url = reverse("membership:card", args=[membership.member_number])
    client.force_login(member_user)
    assert client.get(url).status_code == 404  # not their card yet
    membership.person.account = member_user
    membership.person.save()
    assert client.get(url).status_code == 200


def _ask(client, number, birth_date, ip="10.0.0.1"):
    return client.post(
        reverse("membership:public_status"), {"number": number, "birth_date": birth_date}, REMOTE_ADDR=ip
    )


def test_it_answers_status_and_paid_through_only(client, membership):
    response = _ask(client, membership.member_number, "1990-01-10")
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["result"].status == "active"
    assert response.context["result"].paid_through == dt.date(2026, 5, 1)
    assert "Siti Aminah" not in body
    assert "Jatinegara" not in body


def test_it_accepts_the_number_without_dashes(client, membership):
    response = _ask(client, membership.member_number.replace("-", ""), "1990-01-10")
    assert response.context["result"].status == "active"


def test_it_says_not_found_the_same_way_for_every_miss(client, membership):
    wrong_birth = _ask(client, membership.member_number, "1990-01-11")
    unknown = _ask(client, "3175-0009999-" + "0", "1990-01-10")
    typo = _ask(
        client,
        membership.member_number[:-1] + str((int(membership.member_number[-1]) + 1) % 10),
        "1990-01-10",
    )
    for response in (wrong_birth, unknown, typo):
        assert response.status_code == 200
        assert response.context["not_found"] is True
        assert "No membership matches this number and birth date." in response.content.decode()


def test_it_prefills_the_number_from_the_qr_link(client, membership):
    response = client.get(reverse("membership:public_status"), {"n": membership.member_number})
    assert f'value="{membership.member_number}"' in response.content.decode()


def test_it_rate_limits_per_ip_exactly(client, membership):
    for _ in range(STATUS_ATTEMPTS):
        assert _ask(client, membership.member_number, "1990-01-11").status_code == 200
    blocked = _ask(client, membership.member_number, "1990-01-10")
    assert blocked.status_code == 429
    assert "Too many attempts from your connection." in blocked.content.decode()
    assert "result" not in blocked.context
    assert _ask(client, membership.member_number, "1990-01-10", ip="10.0.0.2").status_code == 200


def test_it_opens_a_new_window_after_ten_minutes(client, membership, monkeypatch):
    from django.core.cache import cache

    for _ in range(STATUS_ATTEMPTS + 1):
        _ask(client, membership.member_number, "1990-01-11")
    assert _ask(client, membership.member_number, "1990-01-10").status_code == 429
    cache.delete("throttle:public-status:10.0.0.1")  # what expiry of the 10-minute window does
    assert _ask(client, membership.member_number, "1990-01-10").status_code == 200
