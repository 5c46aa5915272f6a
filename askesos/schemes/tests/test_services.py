from __future__ import annotations

import datetime as dt

import pytest

from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError
from askesos.schemes.models import Benefit, ClaimType, Scheme, SchemeVersion
from askesos.schemes.seed import BPJSTK_BPU, KLASIK, seed_schemes
from askesos.schemes.selectors import benefit_in_force, version_in_force
from askesos.schemes.services import scheme_version_create, scheme_version_update

TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def klasik(db):
    seed_schemes(today=TODAY)
    return Scheme.objects.get(code=KLASIK)


def _benefits(version):
    return {b.claim_type: b for b in version.benefits.all()}


def test_it_seeds_klasik_with_exact_values(klasik):
    version = klasik.versions.get()
    assert (klasik.name, klasik.is_benchmark) == ("Askesos Klasik", False)
    assert version.effective_from == dt.date(2003, 1, 1)
    assert version.premium_monthly == 5_000
    assert version.payers == ["member", "apbn", "apbd", "csr"]
    assert (version.max_advance_months, version.min_age, version.max_age) == (12, 21, 60)
    assert version.married_below_min_age is True
    assert (version.income_floor, version.income_ceiling) == (300_000, None)
    assert (version.breadwinner_required, version.informal_required) == (True, True)
    assert (version.grace_months, version.reinstatement_rule) == (3, "reenrol_new_waiting")
    assert version.approval_threshold == 1_000_000
    benefits = _benefits(version)
    assert sorted(benefits) == sorted(ClaimType.values)
    death, sickness = benefits["death"], benefits["sickness"]
    assert (death.amount, death.waiting_months, death.deadline_days, death.is_placeholder) == (
        2_000_000,
        3,
        None,
        True,
    )
    assert (sickness.amount, sickness.max_per_year, sickness.min_days_unable) == (300_000, 1, 10)
    assert (sickness.waiting_months, sickness.deadline_days) == (3, 90)
    assert benefits["accident_death"].waiting_months == 0
    assert benefits["accident_death"].documents[-1] == "incident_report"
    assert death.documents == [
        "member_card",
        "ktp_member",
        "ktp_heir",
        "death_certificate",
        "family_card",
        "heirship_letter",
        "marriage_book",
        "heir_account",
    ]
    assert sickness.documents == ["ktp_member", "medical_letter"]
    assert "benefits.death.amount" in version.placeholders
    assert "benefits.sickness.min_days_unable" in version.placeholders
    assert "benefits.sickness.amount" not in version.placeholders
    assert "PROGRAM.md" in version.note


def test_it_seeds_the_bpjs_benchmark(klasik):
    scheme = Scheme.objects.get(code=BPJSTK_BPU)
    version = scheme.versions.get()
    benefits = _benefits(version)
    assert scheme.is_benchmark is True
    assert version.premium_monthly == 16_800
    assert benefits["death"].amount + benefits["funeral"].amount == 42_000_000
    assert benefits["accident_death"].income_multiple == 48
    assert benefits["death"].deadline_days is None


def test_it_seeds_idempotently(klasik):
    before = (
        Scheme.objects.count(),
        SchemeVersion.objects.count(),
        Benefit.objects.count(),
        AuditEvent.objects.count(),
    )
    assert seed_schemes(today=TODAY) == 0
    after = (
        Scheme.objects.count(),
        SchemeVersion.objects.count(),
        Benefit.objects.count(),
        AuditEvent.objects.count(),
    )
    assert before == after == (2, 2, 9, 2)


def test_it_applies_a_new_version_from_its_month(klasik, kemensos_admin):
    new = scheme_version_create(
        actor=kemensos_admin,
        scheme=klasik,
        effective_from=dt.date(2026, 4, 1),
        changes={"premium_monthly": 7_500},
        benefits={"death": {"amount": 5_000_000}},
        today=TODAY,
    )
    assert version_in_force(klasik.pk, dt.date(2026, 3, 31)).premium_monthly == 5_000
    assert version_in_force(klasik.pk, dt.date(2026, 4, 1)).pk == new.pk
    assert version_in_force(klasik.pk, dt.date(2030, 1, 1)).premium_monthly == 7_500
    assert benefit_in_force(klasik.pk, "death", dt.date(2026, 3, 31)).amount == 2_000_000  # type: ignore[union-attr]
    assert benefit_in_force(klasik.pk, "death", dt.date(2026, 4, 1)).amount == 5_000_000  # type: ignore[union-attr]
    with pytest.raises(DomainError) as exc:
        version_in_force(klasik.pk, dt.date(2002, 12, 31))
    assert exc.value.code == "no_scheme_version"


def test_it_copies_the_current_version_and_its_benefits(klasik, kemensos_admin):
    old = klasik.versions.get()
    new = scheme_version_create(
        actor=kemensos_admin,
        scheme=klasik,
        effective_from=dt.date(2026, 5, 1),
        changes={"approval_threshold": 2_000_000},
        benefits={"death": {"amount": 5_000_000}, "hospital": None},
        today=TODAY,
    )
    assert new.income_floor == old.income_floor
    assert new.payers == old.payers
    assert new.note == old.note
    benefits = _benefits(new)
    assert "hospital" not in benefits
    assert benefits["sickness"].amount == 300_000
    assert benefits["sickness"].documents == [
        "ktp_member",
        "medical_letter",
    ]
    assert benefits["death"].amount == 5_000_000
    assert benefits["death"].is_placeholder is False
    assert "approval_threshold" not in new.placeholders
    assert "benefits.death.amount" not in new.placeholders
    assert "benefits.funeral.amount" in new.placeholders
    assert not any(p.startswith("benefits.hospital.") for p in new.placeholders)
    assert old.benefits.count() == 6  # history kept
    event = AuditEvent.objects.get(action="scheme_version.create", object_id=str(new.pk))
    assert event.actor == kemensos_admin
    assert event.new is not None
    assert event.new["changes"] == {"approval_threshold": 2_000_000}


def test_it_refuses_a_version_in_the_current_month(klasik, kemensos_admin):
    with pytest.raises(DomainError) as exc:
        scheme_version_create(
            actor=kemensos_admin, scheme=klasik, effective_from=dt.date(2026, 3, 1), changes={}, today=TODAY
        )
    assert exc.value.code == "invalid_effective_from"


def test_it_refuses_a_second_version_for_the_same_month(klasik, kemensos_admin):
    scheme_version_create(
        actor=kemensos_admin, scheme=klasik, effective_from=dt.date(2026, 4, 1), today=TODAY
    )
    with pytest.raises(DomainError) as exc:
        scheme_version_create(
            actor=kemensos_admin, scheme=klasik, effective_from=dt.date(2026, 4, 1), today=TODAY
        )
    assert exc.value.code == "version_exists"


def test_it_refuses_inconsistent_rules(klasik, kemensos_admin):
    with pytest.raises(DomainError) as exc:
        scheme_version_create(
            actor=kemensos_admin,
            scheme=klasik,
            effective_from=dt.date(2026, 4, 1),
            changes={"min_age": 61, "premium_monthly": 0},
            today=TODAY,
        )
    assert exc.value.message == (
        "The monthly premium must be more than Rp 0. The minimum age must not be above the maximum age."
    )
    assert klasik.versions.count() == 1


def test_it_refuses_editing_a_version_in_force(klasik, kemensos_admin):
    version = klasik.versions.get()
    with pytest.raises(DomainError) as exc:
        scheme_version_update(
            actor=kemensos_admin, version=version, changes={"premium_monthly": 1}, today=TODAY
        )
    assert exc.value.code == "version_in_force"
    assert exc.value.message == (
        "This version has been in force since 2003-01-01 and cannot be edited; "
        "create a new version from a future month instead."
    )
    version.refresh_from_db()
    assert version.premium_monthly == 5_000


def test_it_edits_a_future_version_until_it_starts(klasik, kemensos_admin):
    future = scheme_version_create(
        actor=kemensos_admin, scheme=klasik, effective_from=dt.date(2026, 4, 1), today=TODAY
    )
    scheme_version_update(
        actor=kemensos_admin, version=future, changes={"premium_monthly": 6_000}, benefits={}, today=TODAY
    )
    future.refresh_from_db()
    assert future.premium_monthly == 6_000
    assert AuditEvent.objects.filter(action="scheme_version.update", object_id=str(future.pk)).count() == 1
    with pytest.raises(DomainError):
        scheme_version_update(
            actor=kemensos_admin,
            version=future,
            changes={"premium_monthly": 7_000},
            today=dt.date(2026, 4, 1),
        )


def test_it_refuses_roles_that_do_not_set_schemes(klasik, dinsos_jaktim, lpa_manager):
    for actor in (dinsos_jaktim, lpa_manager):
        with pytest.raises(DomainError) as exc:
            scheme_version_create(actor=actor, scheme=klasik, effective_from=dt.date(2026, 4, 1), today=TODAY)
        assert exc.value.code == "forbidden"
