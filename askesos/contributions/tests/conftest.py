"""Fixtures for contributions tests: a scheme (Rp 5,000, grace 3), persons, memberships and the
field officers behind the ``officer`` persona. Memberships are created directly (not through the
enrolment service) so these tests depend only on the models."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

D = dt.date
TODAY = D(2027, 1, 10)
START = D(2026, 1, 1)
BORN = D(1980, 5, 17)
_seq = itertools.count(1)


@pytest.fixture
def scheme(db):
    from askesos.schemes.models import Scheme, SchemeVersion

    s = Scheme.objects.create(code="TEST-KLASIK", name="Test Klasik")
    SchemeVersion.objects.create(
        scheme=s,
        effective_from=D(2020, 1, 1),
        premium_monthly=5000,
        payers=["member"],
        grace_months=3,
        max_advance_months=12,
    )
    return s


@pytest.fixture
def make_membership(db, scheme, lpa_jt01, region):
    from askesos.membership.models import Membership
    from askesos.registry.models import Person

    def make(
        *,
        lpa=None,
        paid_through=None,
        status="active",
        coverage_start=START,
        phone="081234567890",
        birth_date=BORN,
        scheme_obj=None,
    ):
        n = next(_seq)
        lpa = lpa or lpa_jt01
        kel = lpa.kelurahan
        person = Person.objects.create(
            nik=f"317503{n:010d}",
            full_name=f"Peserta {n}",
            birth_date=birth_date,
            sex="L",
            marital_status="kawin",
            occupation="pedagang_kaki_lima",
            monthly_income=1_000_000,
            is_breadwinner=True,
            phone=phone,
            address="Jl. Contoh",
            kelurahan=kel,
            lpa=lpa,
        )
        return Membership.objects.create(
            person=person,
            scheme=scheme_obj or scheme,
            lpa=lpa,
            member_number=f"T{n:07d}",
            enrolled_on=coverage_start,
            coverage_start=coverage_start,
            paid_through=paid_through,
            status=status,
            status_since=coverage_start,
            region_id=kel.pk,
        )

    return make


@pytest.fixture
def field_officer(db, officer, lpa_jt01):
    from askesos.lpa.models import FieldOfficer

    return FieldOfficer.objects.create(
        lpa=lpa_jt01,
        full_name="Budi Petugas",
        nik="3175031705800001",
        active_from=D(2025, 1, 1),
        user=officer,
    )


@pytest.fixture
def other_officer(db, lpa_jt02):
    from askesos.lpa.models import FieldOfficer

    return FieldOfficer.objects.create(
        lpa=lpa_jt02, full_name="Sari Petugas", nik="3175061705800002", active_from=D(2025, 1, 1)
    )


@pytest.fixture
def pay(officer, field_officer):
    """Record a cash payment through the service with sensible defaults."""
    from askesos.contributions.services import payment_record

    counter = itertools.count(100)

    def do(membership, amount=5000, *, receipt=None, today=TODAY, paid_on=None, **kw):
        kw.setdefault("channel", "cash_officer")
        if kw["channel"] == "cash_officer":
            kw.setdefault("collector", field_officer)
        return payment_record(
            actor=officer,
            membership_id=membership.pk,
            amount=amount,
            paid_on=paid_on or today,
            receipt_number=receipt or str(next(counter)),
            today=today,
            **kw,
        )

    return do
