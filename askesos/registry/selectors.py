"""Registry reads, always through ``core.access.scoped`` (outside the user's scope = not found)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from askesos.core.access import get_in_scope_or_404, scoped
from askesos.registry.models import DuplicateCandidate, Heir, ImportJob, KkMembership, Person

FULL_SHARE_BP = 10_000
SEARCH_LIMIT = 50
_DIGITS = re.compile(r"[\s.\-]")


def person_search(user: Any, query: str, *, limit: int = SEARCH_LIMIT) -> list[Person]:
    """Persons in scope by NIK (exact, 16 digits), member number (exact) or name (prefix, then contains).

    Each branch is one indexed lookup (NIK unique, member number unique, name prefix); the contains
    match on names only runs when the prefix found fewer than ``limit``.
    """
    text = " ".join(query.split())
    if not text:
        return []
    base = scoped(user, Person.objects.select_related("kelurahan", "lpa")).order_by("full_name", "id")
    digits = _DIGITS.sub("", text)
    if digits.isdigit() and len(digits) == 16:
        return list(base.filter(nik=digits)[:1])
    from askesos.membership.models import Membership

    if any(ch.isdigit() for ch in text):
        member = Membership.objects.filter(person=OuterRef("pk"), member_number=text.upper())
        found = list(base.filter(Exists(member))[:limit])
        if found:
            return found
    results = list(base.filter(full_name__istartswith=text)[:limit])
    if len(results) < limit:
        seen = {p.pk for p in results}
        more = base.filter(full_name__icontains=text).exclude(pk__in=seen)[: limit - len(results)]
        results += list(more)
    return results


@dataclass(frozen=True)
class HeirsStatus:
    """Whether the heirs can be paid: shares add up to 100 % and each has a NIK and a payout account."""

    total_bp: int
    count: int
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.count > 0 and not self.problems

    @property
    def total_percent(self) -> float:
        return self.total_bp / 100


def heirs_status(heirs: list[Heir]) -> HeirsStatus:
    """Rules for paying death benefits to heirs (PROGRAM.md §3): shares sum to 10000 bp; every heir
    has a NIK and, unless paid in cash through the LPA, a provider and an account number."""
    from django.utils.translation import gettext as _

    total = sum(h.share_bp for h in heirs)
    problems: list[str] = []
    if not heirs:
        problems.append(_("No heirs recorded."))
    elif total != FULL_SHARE_BP:
        problems.append(_("The shares add up to %(total)s %%, not 100 %%.") % {"total": total / 100})
    for heir in heirs:
        if len(heir.nik) != 16:
            problems.append(_("%(name)s has no valid NIK.") % {"name": heir.full_name})
        if heir.payout_channel != Heir.PayoutChannel.CASH and not (heir.provider and heir.account_number):
            problems.append(_("%(name)s has no payout account.") % {"name": heir.full_name})
    return HeirsStatus(total_bp=total, count=len(heirs), problems=problems)


def heirs_valid(person: Person) -> bool:
    return heirs_status(list(person.heirs.all())).valid


def person_detail(user: Any, pk: int) -> Person:
    """One person in scope with KK history and heirs prefetched (404 outside scope)."""
    queryset = Person.objects.select_related("kelurahan__parent", "lpa", "merged_into").prefetch_related(
        Prefetch(
            "kk_history", queryset=KkMembership.objects.select_related("household").order_by("-since", "-id")
        ),
        Prefetch("heirs", queryset=Heir.objects.order_by("id")),
    )
    return get_in_scope_or_404(user, queryset, pk=pk)


def person_memberships(person: Person) -> list[Any]:
    from askesos.membership.models import Membership

    return list(
        Membership.objects.filter(person=person).select_related("scheme", "lpa").order_by("-enrolled_on")
    )


def person_audit(user: Any, person: Person, *, limit: int = 50) -> list[Any]:
    """The audit trail of the person and their heirs, in the reader's audit scope."""
    from askesos.audit.models import AuditEvent
    from askesos.registry.importer import IMPORT_CHUNK_ACTION

    heir_ids = [str(h.pk) for h in person.heirs.all()]
    events = AuditEvent.objects.filter(object_type="registry.person", object_id=str(person.pk))
    if heir_ids:
        events = events | AuditEvent.objects.filter(object_type="registry.heir", object_id__in=heir_ids)
    if person.import_job_id is not None and person.import_line is not None:
        # Created by an import: the event of the chunk holding the person's row, on the job.
        events = events | AuditEvent.objects.filter(
            object_type="registry.importjob",
            object_id=str(person.import_job_id),
            action=IMPORT_CHUNK_ACTION,
            new__first_line__lte=person.import_line,
            new__last_line__gte=person.import_line,
        )
    return list(scoped(user, events).order_by("-at", "-id")[:limit])


def _duplicates_in_scope(user: Any) -> QuerySet[DuplicateCandidate]:
    """Pairs where at least one person is in the user's scope (each LPA sees pairs touching its people)."""
    persons = scoped(user, Person.objects.all()).values("pk")
    return DuplicateCandidate.objects.filter(Q(person_a__in=persons) | Q(person_b__in=persons))


def duplicate_queue(
    user: Any, *, status: str = DuplicateCandidate.Status.OPEN
) -> QuerySet[DuplicateCandidate]:
    return (
        _duplicates_in_scope(user)
        .filter(status=status)
        .select_related("person_a__kelurahan", "person_a__lpa", "person_b__kelurahan", "person_b__lpa")
        .order_by("-score", "id")
    )


def duplicate_in_scope_or_404(user: Any, pk: int) -> DuplicateCandidate:
    try:
        return _duplicates_in_scope(user).select_related("person_a", "person_b").get(pk=pk)
    except DuplicateCandidate.DoesNotExist:
        raise Http404 from None


def persons_in_scope(user: Any, ids: list[int]) -> set[int]:
    return set(scoped(user, Person.objects.filter(pk__in=ids)).values_list("pk", flat=True))


def import_jobs(user: Any) -> QuerySet[ImportJob]:
    return scoped(user, ImportJob.objects.select_related("lpa", "created_by")).order_by("-created_at", "-id")
