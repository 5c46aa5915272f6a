"""Reading memberships (always through the reader's scope) and the facts eligibility needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import lokal.nik
from django.db.models import Q, QuerySet

from askesos.audit.models import AuditEvent
from askesos.core.access import scoped
from askesos.membership.models import Membership, MembershipStatus
from askesos.membership.rules import PersonFacts, normalize_member_number
from askesos.registry.models import INFORMAL_OCCUPATIONS, MaritalStatus, Person

SEARCH_LIMIT = 20


def open_membership_numbers(person_ids: Sequence[int]) -> dict[int, str]:
    """person id → number of their membership that is not terminated (at most one, DB constraint)."""
    rows = (
        Membership.objects.filter(person_id__in=list(person_ids))
        .exclude(status=MembershipStatus.TERMINATED)
        .values_list("person_id", "member_number")
    )
    return dict(rows)


def nik_errors(nik: str, today: dt.date | None = None) -> tuple[str, ...]:
    """Structural NIK errors (PROGRAM.md §8) as codes; warnings are not errors and don't block."""
    return tuple(issue.code for issue in lokal.nik.parse_nik(nik, reference_date=today).errors)


def person_facts(person: Person, open_number: str | None) -> PersonFacts:
    """The plain facts of a registry person for ``membership.rules.check_eligibility``."""
    return PersonFacts(
        birth_date=person.birth_date,
        is_married=person.marital_status == MaritalStatus.MARRIED,
        monthly_income=person.monthly_income,
        is_breadwinner=person.is_breadwinner,
        is_informal=person.occupation in INFORMAL_OCCUPATIONS,
        occupation_label=str(person.get_occupation_display()),
        nik_errors=nik_errors(person.nik),
        open_membership_number=open_number,
    )


def membership_list(
    *, user: Any, status: str = "", lpa_id: int | None = None, region_range: tuple[int, int] | None = None
) -> QuerySet[Membership]:
    """Memberships in the user's scope, newest first, with what a list row shows (one query)."""
    qs = scoped(user, Membership.objects.all())
    if status:
        qs = qs.filter(status=status)
    if lpa_id:
        qs = qs.filter(lpa_id=lpa_id)
    if region_range:
        qs = qs.filter(region_id__gte=region_range[0], region_id__lt=region_range[1])
    return (
        qs.select_related("person", "lpa", "scheme")
        .only(
            "id",
            "member_number",
            "status",
            "paid_through",
            "enrolled_on",
            "region_id",
            "person__full_name",
            "lpa__name",
            "lpa__code",
            "scheme__name",
        )
        .order_by("-enrolled_on", "-id")
    )


def person_search(*, user: Any, query: str) -> list[Person]:
    """Persons in the user's scope whose NIK starts with, or name contains, ``query``."""
    text = query.strip()
    if len(text) < 3:
        return []
    digits = text.replace(" ", "")
    condition = Q(nik__startswith=digits) if digits.isdigit() else Q(full_name__icontains=text)
    qs = scoped(user, Person.objects.filter(condition, merged_into__isnull=True))
    return list(qs.select_related("kelurahan").order_by("full_name")[:SEARCH_LIMIT])


def membership_audit(membership: Membership, limit: int = 50) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=Membership._meta.label_lower, object_id=str(membership.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


@dataclass(frozen=True)
class PublicStatus:
    """All the public status page may tell: the status and the last month paid. Nothing else."""

    status: str
    status_label: str
    paid_through: dt.date | None


def public_status(raw_number: str, birth_date: dt.date) -> PublicStatus | None:
    """The status of the membership with this number *and* this birth date, else None.

    A wrong number and a wrong birth date look the same, so the page cannot be used to find out
    which numbers exist.
    """
    number = normalize_member_number(raw_number)
    if number is None:
        return None
    row = (
        Membership.objects.filter(member_number=number, person__birth_date=birth_date)
        .values_list("status", "paid_through")
        .first()
    )
    if row is None:
        return None
    status, paid_through = row
    return PublicStatus(status, str(MembershipStatus(status).label), paid_through)
