"""Fixtures: memberships and payments created directly (bulk) so the coverage scenarios depend only
on the other apps' models, plus workforce estimates for East Jakarta areas."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

D = dt.date
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def scheme(db):
    from askesos.schemes.models import Scheme, SchemeVersion

    s = Scheme.objects.create(code="TEST-AN", name="Test")
    SchemeVersion.objects.create(
        scheme=s, effective_from=D(2020, 1, 1), premium_monthly=5000, payers=["member"], grace_months=3
    )
    return s


@pytest.fixture
def make_members(db, scheme):
    """``make_members(n, lpa=..., region_code=..., status=..., enrolled_on=...)`` → memberships."""
    from askesos.membership.models import Membership
    from askesos.regions.models import Region
    from askesos.registry.models import Person

    def make(
        n: int,
        *,
        lpa: Any,
        region_code: str | None = None,
        status: str = "active",
        enrolled_on: dt.date | None = None,
        terminated_on: dt.date | None = None,
    ) -> list[Membership]:
        enrolled_on = enrolled_on or D(2024, 1, 10)
        region = Region.objects.get(code=region_code) if region_code else lpa.kelurahan
        persons, members = [], []
        for _ in range(n):
            k = next(_seq)
            persons.append(
                Person(
                    nik=f"3175{k:012d}",
                    full_name=f"Pekerja {k}",
                    birth_date=D(1980, 1, 1),
                    sex="L",
                    marital_status="kawin",
                    occupation="pedagang_kaki_lima",
                    monthly_income=1_000_000,
                    is_breadwinner=True,
                    address="Jl. Contoh",
                    kelurahan=region,
                    lpa=lpa,
                )
            )
        persons = Person.objects.bulk_create(persons)
        for p in persons:
            members.append(
                Membership(
                    person=p,
                    scheme=scheme,
                    lpa=lpa,
                    member_number=f"A{p.pk:09d}",
                    enrolled_on=enrolled_on,
                    coverage_start=enrolled_on.replace(day=1),
                    paid_through=D(2024, 6, 1),
                    status=status,
                    status_since=enrolled_on,
                    region_id=region.id,
                    terminated_on=terminated_on,
                    termination_reason="exit" if terminated_on else "",
                )
            )
        return Membership.objects.bulk_create(members)

    return make


@pytest.fixture
def pay(db):
    from askesos.contributions.models import Payment

    def make(
        membership: Any, *, paid_on: dt.date, amount: int = 5000, recorded_at: dt.datetime | None = None
    ) -> Payment:
        k = next(_seq)
        return Payment.objects.create(
            membership=membership,
            lpa_id=membership.lpa_id,
            region_id=membership.region_id,
            amount=amount,
            months_covered=1,
            period_from=paid_on.replace(day=1),
            period_to=paid_on.replace(day=1),
            channel="cash_officer",
            paid_on=paid_on,
            receipt_number=f"R{k:010d}",
            recorded_at=recorded_at or timezone.make_aware(dt.datetime.combine(paid_on, dt.time(10))),
        )

    return make


@pytest.fixture
def estimate(db):
    from askesos.regions.models import Region, WorkforceEstimate

    def make(code: str, workers: int, year: int = 2024) -> WorkforceEstimate:
        return WorkforceEstimate.objects.create(
            region=Region.objects.get(code=code), year=year, informal_workers=workers, source="test"
        )

    return make
