"""Small builders for outreach and workforce tests (plain ORM: test setup, not business writes)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from askesos.lpa.models import FieldOfficer, Lpa
from askesos.membership.models import Membership, MembershipStatus
from askesos.regions.models import Region
from askesos.registry.models import Person

_seq = itertools.count(1)


def officer(
    lpa: Lpa,
    name: str,
    *,
    kelurahan: list[Region] | None = None,
    user: Any = None,
    active_from: dt.date = dt.date(2024, 1, 1),
    active_to: dt.date | None = None,
) -> FieldOfficer:
    n = next(_seq)
    o = FieldOfficer.objects.create(
        lpa=lpa,
        full_name=name,
        nik=f"31750112038{n:05d}",
        active_from=active_from,
        active_to=active_to,
        user=user,
    )
    if kelurahan:
        o.kelurahan.set(kelurahan)
    return o


def scheme() -> Any:
    from askesos.schemes.models import Scheme

    return Scheme.objects.get_or_create(code="klasik", defaults={"name": "Askesos Klasik"})[0]


def person(lpa: Lpa, kelurahan: Region, *, name: str = "", nik: str = "", phone: str = "") -> Person:
    n = next(_seq)
    return Person.objects.create(
        nik=nik or f"3175015507{n:06d}",
        full_name=name or f"Pekerja {n}",
        birth_date=dt.date(1985, 7, 15),
        sex="P",
        marital_status="kawin",
        occupation="pedagang_kaki_lima",
        monthly_income=1_500_000,
        is_breadwinner=True,
        phone=phone,
        address="Jl. Contoh 1",
        kelurahan=kelurahan,
        lpa=lpa,
    )


def membership(
    p: Person,
    *,
    enrolled_on: dt.date,
    paid_through: dt.date | None = None,
    status: str = MembershipStatus.ACTIVE,
    enrolled_by: Any = None,
    lpa: Lpa | None = None,
    region_id: int | None = None,
) -> Membership:
    n = next(_seq)
    start = enrolled_on.replace(day=1)
    return Membership.objects.create(
        person=p,
        scheme=scheme(),
        lpa=lpa or p.lpa,
        member_number=f"T{n:08d}",
        enrolled_on=enrolled_on,
        coverage_start=start,
        paid_through=paid_through,
        status=status,
        status_since=enrolled_on,
        region_id=region_id or p.kelurahan_id,
        enrolled_by=enrolled_by,
    )


def payment(m: Membership, *, amount: int, paid_on: dt.date, collector: FieldOfficer | None = None) -> Any:
    from django.utils import timezone

    from askesos.contributions.models import Payment

    n = next(_seq)
    months = max(1, amount // 5000)
    return Payment.objects.create(
        membership=m,
        lpa_id=m.lpa_id,
        region_id=m.region_id,
        amount=amount,
        months_covered=months,
        period_from=m.coverage_start,
        period_to=m.coverage_start,
        channel="cash_officer",
        paid_on=paid_on,
        collector=collector,
        receipt_number=f"R{n:010d}",
        recorded_at=timezone.now(),
    )
