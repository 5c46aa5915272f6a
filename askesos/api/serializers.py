"""Model rows → JSON-ready dicts in the shapes of ``schemas`` (dates as ISO strings).

The dicts are what the API answers and what idempotency records and synced items store, so a
replay answers byte-for-byte what the first request answered.
"""

from __future__ import annotations

from typing import Any

from askesos.api import schemas
from askesos.contributions.models import Payment
from askesos.core.masking import mask_nik
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.membership.models import Membership
from askesos.regions.models import Region, WorkforceEstimate
from askesos.registry.models import Person


def _nik(nik: str, show: bool) -> str:
    return nik if show else mask_nik(nik)


def region(row: Region, latest: WorkforceEstimate | None) -> dict[str, Any]:
    workforce = None
    if latest is not None:
        workforce = schemas.WorkforceOut(
            year=latest.year,
            informal_workers=latest.informal_workers,
            source=latest.source,
            is_estimate=latest.is_estimate,
        )
    parent = row.code.rsplit(".", 1)[0] if "." in row.code else None
    return schemas.RegionOut(
        code=row.code,
        name=row.name,
        level=row.level,
        kind=row.kind,
        parent_code=parent,
        postal_code=row.postal_code,
        workforce=workforce,
    ).model_dump(mode="json")


def _lpa_fields(lpa: Lpa) -> dict[str, Any]:
    return {
        "code": lpa.code,
        "name": lpa.name,
        "status": lpa.status,
        "kelurahan_code": lpa.kelurahan.code,
        "kelurahan_name": lpa.kelurahan.name,
        "legal_form": lpa.legal_form,
        "head_name": lpa.head_name,
        "phone": lpa.phone,
    }


def lpa(row: Lpa) -> dict[str, Any]:
    return schemas.LpaOut(**_lpa_fields(row)).model_dump(mode="json")


def lpa_list_row(row: Lpa) -> dict[str, Any]:
    return schemas.LpaListOut(
        **_lpa_fields(row),
        officer_count=getattr(row, "officer_count", 0),
        active_officer_count=getattr(row, "active_officer_count", 0),
    ).model_dump(mode="json")


def officer(row: FieldOfficer, *, show_nik: bool) -> dict[str, Any]:
    return schemas.OfficerOut(
        id=row.pk,
        lpa_code=row.lpa.code,
        full_name=row.full_name,
        nik=_nik(row.nik, show_nik),
        phone=row.phone,
        active_from=row.active_from,
        active_to=row.active_to,
        kelurahan_codes=[k.code for k in row.kelurahan.all()],
        username=row.user.username if row.user is not None else None,
    ).model_dump(mode="json")


def person(row: Person, *, show_nik: bool, member_number: str | None) -> dict[str, Any]:
    return schemas.PersonOut(
        id=row.pk,
        nik=_nik(row.nik, show_nik),
        nik_masked=not show_nik,
        full_name=row.full_name,
        birth_date=row.birth_date,
        sex=row.sex,
        marital_status=row.marital_status,
        occupation=row.occupation,
        monthly_income=row.monthly_income,
        is_breadwinner=row.is_breadwinner,
        phone=row.phone,
        address=row.address,
        kelurahan_code=row.kelurahan.code,
        lpa_code=row.lpa.code,
        member_number=member_number,
    ).model_dump(mode="json")


def member(row: Membership, *, show_nik: bool) -> dict[str, Any]:
    return schemas.MemberOut(
        id=row.pk,
        member_number=row.member_number,
        status=row.status,
        status_since=row.status_since,
        paid_through=row.paid_through,
        coverage_start=row.coverage_start,
        enrolled_on=row.enrolled_on,
        scheme_code=row.scheme.code,
        lpa_code=row.lpa.code,
        person_id=row.person_id,
        full_name=row.person.full_name,
        nik=_nik(row.person.nik, show_nik),
    ).model_dump(mode="json")


# The columns ``member_values`` needs, for ``QuerySet.values`` (one query, no model instances).
MEMBER_VALUES = (
    "id",
    "member_number",
    "status",
    "status_since",
    "paid_through",
    "coverage_start",
    "enrolled_on",
    "scheme__code",
    "lpa__code",
    "person_id",
    "person__full_name",
    "person__nik",
)


def member_values(row: dict[str, Any], *, show_nik: bool) -> dict[str, Any]:
    """``member`` from a ``values(*MEMBER_VALUES)`` row: the same dict, without pydantic (hot path)."""
    paid = row["paid_through"]
    return {
        "id": row["id"],
        "member_number": row["member_number"],
        "status": row["status"],
        "status_since": row["status_since"].isoformat(),
        "paid_through": None if paid is None else paid.isoformat(),
        "coverage_start": row["coverage_start"].isoformat(),
        "enrolled_on": row["enrolled_on"].isoformat(),
        "scheme_code": row["scheme__code"],
        "lpa_code": row["lpa__code"],
        "person_id": row["person_id"],
        "full_name": row["person__full_name"],
        "nik": _nik(row["person__nik"], show_nik),
    }


def payment(row: Payment, *, created: bool, message: str, membership: Membership) -> dict[str, Any]:
    return schemas.PaymentOut(
        id=row.pk,
        receipt_number=row.receipt_number,
        member_number=membership.member_number,
        amount=row.amount,
        months_covered=row.months_covered,
        period_from=row.period_from,
        period_to=row.period_to,
        channel=row.channel,
        paid_on=row.paid_on,
        created=created,
        message=str(message),
        paid_through=membership.paid_through,
        status=membership.status,
    ).model_dump(mode="json")


def lead(row: Any) -> dict[str, Any]:
    return schemas.LeadOut(
        id=row.pk, event_id=row.event_id, full_name=row.full_name, status=row.status, consent=row.consent
    ).model_dump(mode="json")
