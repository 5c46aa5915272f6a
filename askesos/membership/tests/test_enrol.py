from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError
from askesos.membership.models import Membership, MembershipStatus
from askesos.membership.rules import normalize_member_number
from askesos.membership.services import NotEligible, membership_enrol, membership_enrol_bulk
from askesos.membership.tests.helpers import TODAY, make_person
from askesos.registry.models import MaritalStatus, Occupation


def test_it_enrols_an_eligible_person(officer, lpa_jt01, klasik):
    person = make_person(lpa_jt01)
    membership = membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    membership.refresh_from_db()
    assert membership.member_number == "3175-0000001-" + membership.member_number[-1]
    assert normalize_member_number(membership.member_number) == membership.member_number
    assert (membership.status, membership.status_since) == (MembershipStatus.PENDING, TODAY)
    assert (membership.enrolled_on, membership.coverage_start) == (TODAY, dt.date(2026, 3, 1))
    assert membership.paid_through is None
    assert membership.region_id == 3175031001
    assert membership.enrolled_by == officer
    event = AuditEvent.objects.get(action="membership.enrol")
    assert (event.actor, event.region_id, event.lpa_id) == (officer, 3175031001, lpa_jt01.pk)
    assert event.object_id == str(membership.pk)
    assert event.new is not None
    assert event.new["member_number"] == membership.member_number
    assert event.new["scheme_version"] == "2003-01-01"


def test_it_lets_the_lpa_manager_enrol(lpa_manager, lpa_jt01, klasik):
    person = make_person(lpa_jt01)
    assert membership_enrol(actor=lpa_manager, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY).pk


def test_it_refuses_roles_without_the_enrol_capability(
    dinsos_jaktim, kemensos_admin, auditor, lpa_jt01, klasik
):
    person = make_person(lpa_jt01)
    for actor in (dinsos_jaktim, kemensos_admin, auditor):
        with pytest.raises(DomainError) as exc:
            membership_enrol(actor=actor, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
        assert exc.value.code == "forbidden"
    assert Membership.objects.count() == 0


def test_it_answers_404_for_another_lpa(officer, lpa_jt01, lpa_jt02, klasik):
    mine = make_person(lpa_jt01)
    theirs = make_person(lpa_jt02, kelurahan="31.75.06.1001")
    with pytest.raises(Http404):
        membership_enrol(actor=officer, person=mine, scheme=klasik, lpa=lpa_jt02, today=TODAY)
    with pytest.raises(Http404):
        membership_enrol(actor=officer, person=theirs, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    assert Membership.objects.count() == 0
    assert AuditEvent.objects.filter(action="membership.enrol").count() == 0


def test_it_refuses_with_every_failing_finding(officer, lpa_jt01, klasik):
    person = make_person(
        lpa_jt01,
        birth_date=dt.date(2007, 1, 10),
        marital_status=MaritalStatus.SINGLE,
        monthly_income=250_000,
        is_breadwinner=False,
        occupation=Occupation.OTHER_FORMAL,
    )
    with pytest.raises(NotEligible) as exc:
        membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    assert [f.message for f in exc.value.findings] == [
        "Age 19 is below the minimum of 21, and the person is not married.",
        "Monthly income Rp 250.000 is below the minimum of Rp 300.000.",
        "Must be the main breadwinner.",
        "Occupation 'formal-sector employee' is not informal work.",
    ]
    assert exc.value.code == "not_eligible"
    assert Membership.objects.count() == 0


def test_it_refuses_a_nik_with_errors(officer, lpa_jt01, klasik):
    person = make_person(lpa_jt01, nik="3175030000000000")
    with pytest.raises(NotEligible) as exc:
        membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    assert [f.code for f in exc.value.findings] == ["nik_invalid"]


def test_it_refuses_a_second_open_membership_naming_the_number(officer, lpa_jt01, klasik):
    person = make_person(lpa_jt01)
    first = membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    with pytest.raises(NotEligible) as exc:
        membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    assert exc.value.message == f"Already a member (number {first.member_number})."


def test_it_allows_re_enrolment_after_termination(officer, lpa_jt01, klasik):
    person = make_person(lpa_jt01)
    first = membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    Membership.objects.filter(pk=first.pk).update(status=MembershipStatus.TERMINATED, terminated_on=TODAY)
    second = membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    assert second.member_number != first.member_number


def test_it_refuses_a_benchmark_scheme(officer, lpa_jt01, benchmark):
    person = make_person(lpa_jt01)
    with pytest.raises(DomainError) as exc:
        membership_enrol(actor=officer, person=person, scheme=benchmark, lpa=lpa_jt01, today=TODAY)
    assert exc.value.code == "benchmark_scheme"
    assert (
        exc.value.message
        == "BPJS-TK BPU benchmark is a benchmark for comparison; nobody can be enrolled in it."
    )


def test_it_refuses_an_inactive_lpa(officer, lpa_jt01, klasik):
    person = make_person(lpa_jt01)
    lpa_jt01.status = lpa_jt01.Status.SUSPENDED
    lpa_jt01.save()
    with pytest.raises(DomainError) as exc:
        membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    assert exc.value.code == "lpa_not_active"


def test_it_judges_by_the_version_in_force_on_the_day(officer, kemensos_admin, lpa_jt01, klasik):
    from askesos.schemes.services import scheme_version_create

    scheme_version_create(
        actor=kemensos_admin,
        scheme=klasik,
        effective_from=dt.date(2026, 4, 1),
        changes={"income_floor": 2_000_000},
        today=TODAY,
    )
    person = make_person(lpa_jt01, monthly_income=1_500_000)
    with pytest.raises(NotEligible):
        membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=dt.date(2026, 4, 1))
    assert membership_enrol(actor=officer, person=person, scheme=klasik, lpa=lpa_jt01, today=TODAY).pk


def test_it_enrols_in_bulk_set_based(lpa_manager, lpa_jt01, klasik, django_assert_max_num_queries):
    people = [make_person(lpa_jt01) for _ in range(30)]
    people.append(make_person(lpa_jt01, kelurahan="31.75.06.1001"))
    too_poor = make_person(lpa_jt01, monthly_income=100_000)
    already = make_person(lpa_jt01)
    existing = membership_enrol(actor=lpa_manager, person=already, scheme=klasik, lpa=lpa_jt01, today=TODAY)
    with django_assert_max_num_queries(16):
        result = membership_enrol_bulk(
            actor=lpa_manager, persons=[*people, too_poor, already], scheme=klasik, lpa=lpa_jt01, today=TODAY
        )
    assert len(result.enrolled) == 31
    assert [f.code for f in result.refused[too_poor.pk]] == ["income_below_min"]
    assert [f.message for f in result.refused[already.pk]] == [
        f"Already a member (number {existing.member_number})."
    ]
    numbers = list(Membership.objects.values_list("member_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 32
    assert all(normalize_member_number(n) == n for n in numbers)
    assert AuditEvent.objects.filter(action="membership.enrol", reason="bulk").count() == 31
    assert Membership.objects.filter(region_id=3175061001).count() == 1


def test_it_refuses_bulk_enrolment_of_persons_outside_scope(officer, lpa_jt01, lpa_jt02, klasik):
    theirs = make_person(lpa_jt02, kelurahan="31.75.06.1001")
    with pytest.raises(DomainError) as exc:
        membership_enrol_bulk(actor=officer, persons=[theirs], scheme=klasik, lpa=lpa_jt01, today=TODAY)
    assert exc.value.code == "out_of_scope"


def test_it_enrols_a_demo_share_idempotently(lpa_jt01, klasik):
    from askesos.membership.demo import demo_enrol
    from askesos.registry.models import Person

    for _ in range(40):
        make_person(lpa_jt01)
    created = demo_enrol(persons_qs=Person.objects.all(), lpa=lpa_jt01, scheme=klasik, today=TODAY, share=0.8)
    assert 20 < created < 40
    assert Membership.objects.count() == created
    assert (
        demo_enrol(persons_qs=Person.objects.all(), lpa=lpa_jt01, scheme=klasik, today=TODAY, share=0.8) == 0
    )
