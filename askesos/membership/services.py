"""Writing memberships: member-number allocation and enrolment (one by one, and in bulk)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.accounts.permissions import Capability, has_capability
from askesos.audit.models import AuditEvent
from askesos.audit.services import audit_bulk, audit_record
from askesos.core.access import get_in_scope_or_404, scoped
from askesos.core.errors import DomainError
from askesos.core.months import month_start
from askesos.lpa.models import Lpa
from askesos.membership.models import MemberNumberCounter, Membership, MembershipStatus
from askesos.membership.rules import (
    MAX_SEQUENCE,
    EligibilityRules,
    Finding,
    check_eligibility,
    city_key_of,
    format_member_number,
)
from askesos.membership.selectors import open_membership_numbers, person_facts
from askesos.registry.models import Person
from askesos.schemes.models import Scheme, SchemeVersion
from askesos.schemes.selectors import version_in_force


class NotEligible(DomainError):
    """Enrolment refused: ``findings`` lists every rule the person fails."""

    code = "not_eligible"

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        super().__init__(" ".join(f.message for f in self.findings))


def allocate_member_numbers(city_key: str, n: int) -> list[str]:
    """Hand out ``n`` consecutive member numbers for a city in one statement.

    ``UPDATE ... SET last_value = last_value + n WHERE ... RETURNING last_value`` is a
    compare-and-set: on PostgreSQL the row lock makes concurrent callers queue (each sees the value
    the previous one committed), SQLite has one writer at a time. Call it inside the transaction of
    the enrolment so a rollback gives the numbers back (no gaps, no reuse).
    """
    if n <= 0:
        return []
    table = MemberNumberCounter._meta.db_table
    with transaction.atomic():
        MemberNumberCounter.objects.bulk_create(
            [MemberNumberCounter(city_key=city_key)], ignore_conflicts=True
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_value = last_value + %s "
                "WHERE city_key = %s AND last_value <= %s RETURNING last_value",
                [n, city_key, MAX_SEQUENCE - n],
            )
            row = cursor.fetchone()
    if row is None:
        raise DomainError(
            _("Member numbers for city %(city)s are used up.") % {"city": city_key}, code="numbers_exhausted"
        )
    last = int(row[0])
    return [format_member_number(city_key, seq) for seq in range(last - n + 1, last + 1)]


def _require_enrol(actor: Any) -> None:
    if actor is not None and not has_capability(actor, Capability.ENROL):
        raise DomainError(_("You may not enrol members."), code="forbidden")


def _check_target(scheme: Scheme, lpa: Lpa) -> None:
    if scheme.is_benchmark:
        raise DomainError(
            _("%(scheme)s is a benchmark for comparison; nobody can be enrolled in it.")
            % {"scheme": scheme.name},
            code="benchmark_scheme",
            field="scheme",
        )
    if lpa.status != Lpa.Status.ACTIVE:
        raise DomainError(
            _("%(lpa)s is not active and cannot enrol members.") % {"lpa": lpa.name}, code="lpa_not_active"
        )


def eligibility_for(person: Person, scheme: Scheme, today: dt.date) -> tuple[SchemeVersion, list[Finding]]:
    """The version in force today and every rule ``person`` fails under it (for the form preview)."""
    version = version_in_force(scheme.pk, today)
    facts = person_facts(person, open_membership_numbers([person.pk]).get(person.pk))
    return version, check_eligibility(facts, EligibilityRules.from_version(version), today)


def _new_membership(
    person: Person, scheme: Scheme, lpa: Lpa, number: str, actor: Any, today: dt.date
) -> Membership:
    return Membership(
        person=person,
        scheme=scheme,
        lpa=lpa,
        member_number=number,
        enrolled_on=today,
        coverage_start=month_start(today),
        status=MembershipStatus.PENDING,
        status_since=today,
        region_id=person.kelurahan_id,
        enrolled_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _audit_values(membership: Membership, version: SchemeVersion) -> dict[str, Any]:
    return {
        "member_number": membership.member_number,
        "person_id": membership.person_id,
        "scheme": membership.scheme.code,
        "scheme_version": version.effective_from,
        "lpa_id": membership.lpa_id,
        "coverage_start": membership.coverage_start,
        "status": membership.status,
    }


def membership_enrol(*, actor: Any, person: Person, scheme: Scheme, lpa: Lpa, today: dt.date) -> Membership:
    """Enrol ``person`` in ``scheme`` through ``lpa``.

    Who: a field officer or LPA manager (``Capability.ENROL``) with the LPA and the person in scope
    (else 404, as if they did not exist). Rules: every eligibility rule of the version in force today
    (PROGRAM.md §2), refused with all failing findings at once; benchmark schemes take no members;
    one open membership per person (also a database constraint). The membership starts PENDING,
    covered from the enrolment month once the first premium is paid (the premiums engine activates
    it); ``region_id`` is the domicile kelurahan, the scope and distribution key.
    """
    _require_enrol(actor)
    if actor is not None:
        lpa = get_in_scope_or_404(actor, Lpa, pk=lpa.pk)
        person = get_in_scope_or_404(actor, Person, pk=person.pk)
    _check_target(scheme, lpa)
    with transaction.atomic():
        version, findings = eligibility_for(person, scheme, today)
        if findings:
            raise NotEligible(findings)
        number = allocate_member_numbers(city_key_of(person.kelurahan_id), 1)[0]
        membership = _new_membership(person, scheme, lpa, number, actor, today)
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError:
            existing = open_membership_numbers([person.pk]).get(person.pk)
            raise NotEligible(
                [Finding("already_member", _("Already a member (number %(number)s).") % {"number": existing})]
            ) from None
        audit_record(
            actor=actor,
            action="membership.enrol",
            obj=membership,
            new=_audit_values(membership, version),
            region_id=membership.region_id,
            lpa_id=lpa.pk,
        )
    return membership


@dataclass
class BulkEnrolment:
    enrolled: list[Membership] = field(default_factory=list)
    refused: dict[int, list[Finding]] = field(default_factory=dict)


def membership_enrol_bulk(
    *, actor: Any, persons: Iterable[Person], scheme: Scheme, lpa: Lpa, today: dt.date
) -> BulkEnrolment:
    """Enrol many persons at once (imports, demo), set-based: one eligibility pass in Python over
    plain facts, one block of member numbers per city, one ``bulk_create``, one ``audit_bulk``.

    Same rules as ``membership_enrol``; ineligible persons are skipped and reported with their
    findings instead of failing the batch. ``actor=None`` is the system (demo data).
    """
    _require_enrol(actor)
    people = list(persons)
    if actor is not None:
        lpa = get_in_scope_or_404(actor, Lpa, pk=lpa.pk)
        visible = set(
            scoped(actor, Person.objects.filter(pk__in=[p.pk for p in people])).values_list("pk", flat=True)
        )
        if len(visible) != len({p.pk for p in people}):
            raise DomainError(_("Some of these persons are outside your area."), code="out_of_scope")
    _check_target(scheme, lpa)
    result = BulkEnrolment()
    with transaction.atomic():
        version = version_in_force(scheme.pk, today)
        rules = EligibilityRules.from_version(version)
        open_numbers = open_membership_numbers([p.pk for p in people])
        by_city: dict[str, list[Person]] = defaultdict(list)
        for person in people:
            findings = check_eligibility(person_facts(person, open_numbers.get(person.pk)), rules, today)
            if findings:
                result.refused[person.pk] = findings
            else:
                by_city[city_key_of(person.kelurahan_id)].append(person)
        rows: list[Membership] = []
        for city_key, city_people in sorted(by_city.items()):
            numbers = allocate_member_numbers(city_key, len(city_people))
            rows += [
                _new_membership(p, scheme, lpa, n, actor, today)
                for p, n in zip(city_people, numbers, strict=True)
            ]
        try:
            with transaction.atomic():
                result.enrolled = Membership.objects.bulk_create(rows, batch_size=1000)
        except IntegrityError:
            raise DomainError(
                _("Someone enrolled one of these persons at the same time; run the batch again."),
                code="concurrent_enrolment",
            ) from None
        audit_bulk(_bulk_events(actor, result.enrolled, version))
    return result


def _bulk_events(actor: Any, memberships: Sequence[Membership], version: SchemeVersion) -> list[AuditEvent]:
    at = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = str(getattr(actor, "username", None) or "system")
    return [
        AuditEvent(
            at=at,
            actor=user,
            actor_label=label,
            action="membership.enrol",
            object_type=Membership._meta.label_lower,
            object_id=str(m.pk),
            object_label=m.member_number,
            new=_jsonable(_audit_values(m, version)),
            reason="bulk",
            region_id=m.region_id,
            lpa_id=m.lpa_id,
        )
        for m in memberships
    ]


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}
