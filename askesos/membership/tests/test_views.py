from __future__ import annotations

import pytest
from django.urls import reverse

from askesos.membership.models import Membership
from askesos.membership.services import membership_enrol, membership_enrol_bulk
from askesos.membership.tests.helpers import TODAY, make_person


def test_it_walks_through_search_check_and_confirm(client, officer, lpa_jt01, klasik):
    person = make_person(lpa_jt01, full_name="Rahmat Hidayat")
    client.force_login(officer)
    results = client.get(reverse("membership:person_results"), {"q": "Rahmat"})
    assert "Rahmat Hidayat" in results.content.decode()
    check = client.get(reverse("membership:enrol"), {"person": person.pk})
    body = check.content.decode()
    assert check.status_code == 200
    assert "All eligibility rules are met." in body
    confirm = client.post(
        reverse("membership:enrol"), {"person": person.pk, "scheme": klasik.pk, "lpa": lpa_jt01.pk}
    )
    membership = Membership.objects.get(person=person)
    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("membership:detail", args=[membership.member_number])


def test_it_shows_each_failing_finding_before_confirming(client, officer, lpa_jt01, klasik):
    person = make_person(lpa_jt01, monthly_income=250_000, is_breadwinner=False)
    client.force_login(officer)
    body = client.get(reverse("membership:enrol"), {"person": person.pk}).content.decode()
    assert "Monthly income Rp 250.000 is below the minimum of Rp 300.000." in body
    assert "Must be the main breadwinner." in body
    assert "Confirm enrolment" not in body


def test_it_only_finds_persons_in_scope(client, officer, lpa_jt01, lpa_jt02, klasik):
    make_person(lpa_jt02, kelurahan="31.75.06.1001", full_name="Orang Cakung")
    client.force_login(officer)
    assert (
        "Orang Cakung"
        not in client.get(reverse("membership:person_results"), {"q": "Cakung"}).content.decode()
    )


def test_it_refuses_a_person_outside_scope_in_the_form(client, officer, lpa_jt01, lpa_jt02, klasik):
    theirs = make_person(lpa_jt02, kelurahan="31.75.06.1001")
    client.force_login(officer)
    response = client.post(
        reverse("membership:enrol"), {"person": theirs.pk, "scheme": klasik.pk, "lpa": lpa_jt01.pk}
    )
    assert response.status_code == 200
    assert Membership.objects.count() == 0


def test_it_forbids_enrolment_pages_to_dinsos(client, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    assert client.get(reverse("membership:enrol")).status_code == 403


def test_it_lists_members_in_scope_with_flat_queries(
    client, lpa_manager, other_lpa_manager, lpa_jt01, klasik, django_assert_max_num_queries
):
    membership_enrol_bulk(
        actor=lpa_manager,
        persons=[make_person(lpa_jt01) for _ in range(60)],
        scheme=klasik,
        lpa=lpa_jt01,
        today=TODAY,
    )
    client.force_login(lpa_manager)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("membership:list"))
    assert first.context["page"].paginator.count == 60
    assert len(first.context["page"].object_list) == 50
    with django_assert_max_num_queries(12):
        client.get(reverse("membership:list"), {"page": 2})
    client.force_login(other_lpa_manager)
    assert client.get(reverse("membership:list")).context["page"].paginator.count == 0


def test_it_filters_members(client, dinsos_jaktim, lpa_manager, lpa_jt01, lpa_jt02, klasik):
    membership_enrol(
        actor=lpa_manager, person=make_person(lpa_jt01), scheme=klasik, lpa=lpa_jt01, today=TODAY
    )
    membership_enrol_bulk(
        actor=None,
        persons=[make_person(lpa_jt02, kelurahan="31.75.06.1001")],
        scheme=klasik,
        lpa=lpa_jt02,
        today=TODAY,
    )
    client.force_login(dinsos_jaktim)
    url = reverse("membership:list")
    assert client.get(url).context["page"].paginator.count == 2
    assert client.get(url, {"lpa": lpa_jt02.pk}).context["page"].paginator.count == 1
    assert client.get(url, {"kelurahan": "31.75.03.1001"}).context["page"].paginator.count == 1
    assert client.get(url, {"kelurahan": "31.75.06"}).context["page"].paginator.count == 1
    assert client.get(url, {"kelurahan": "31.75"}).context["page"].paginator.count == 2
    assert client.get(url, {"status": "active"}).context["page"].paginator.count == 0
    assert client.get(url, {"status": "pending"}).context["page"].paginator.count == 2


@pytest.mark.parametrize("persona", ["lpa_manager", "officer", "dinsos_jaktim", "auditor", "kemensos_admin"])
def test_it_shows_the_membership_detail_to_readers_in_scope(
    client, request, persona, lpa_manager, lpa_jt01, klasik
):
    m = membership_enrol(
        actor=lpa_manager, person=make_person(lpa_jt01), scheme=klasik, lpa=lpa_jt01, today=TODAY
    )
    client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse("membership:detail", args=[m.member_number])).content.decode()
    assert m.member_number in body
    assert "membership.enrol" in body
    assert reverse("membership:card", args=[m.member_number]) in body


def test_it_hides_the_membership_detail_outside_scope(
    client, lpa_manager, dinsos_jakbar, other_lpa_manager, lpa_jt01, klasik
):
    m = membership_enrol(
        actor=lpa_manager, person=make_person(lpa_jt01), scheme=klasik, lpa=lpa_jt01, today=TODAY
    )
    for user in (dinsos_jakbar, other_lpa_manager):
        client.force_login(user)
        assert client.get(reverse("membership:detail", args=[m.member_number])).status_code == 404
