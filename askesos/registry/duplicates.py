"""Likely duplicates: two persons with different NIKs who look like one human (typo in the NIK,
registered twice by two LPAs). Found by blocking, reviewed by people, then merged or dismissed.

Blocking (why it stays fast at national scale): two persons are compared only when they have the
same birth date and live in the same kecamatan (kelurahan key // 10,000). A full scan streams the
table ordered by ``(birth_date, kelurahan_id)`` (the ``person_dup_block_idx`` index), holds one block
at a time and compares the pairs inside it: O(N) rows read plus sum(b_i²) name comparisons for block
sizes b_i. At 1M persons in East Jakarta alone (10 kecamatan, ~15,000 birth dates) the mean block is
about 7 people (~3.5M comparisons, each ~1 µs in rapidfuzz); nationally blocks are almost all of
size 1. Per-person checks (on registration) read one block by the same index: one query.
Candidates are inserted with ``ignore_conflicts`` on the ordered pair, so rescans add nothing and a
dismissed pair stays dismissed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.audit.services import audit_record
from askesos.core.errors import DomainError, TransitionError
from askesos.registry import rules
from askesos.registry.models import DuplicateCandidate, Heir, KkMembership, Person

_FIELDS = ("id", "birth_date", "kelurahan_id", "full_name", "phone")
_DATES_PER_QUERY = 500
_INSERT_BATCH = 2000


@dataclass(frozen=True)
class _Row:
    id: int
    birth_date: dt.date
    kelurahan_id: int
    name: str
    phone: str


def _row(values: Sequence[Any]) -> _Row:
    pk, born, kelurahan, name, phone = values
    return _Row(pk, born, kelurahan, rules.normalize_name(name), phone or "")


def _active() -> Any:
    return Person.objects.filter(merged_into__isnull=True)


def _pairs_in_block(
    block: list[_Row], focus: set[int] | None, threshold: int
) -> Iterator[DuplicateCandidate]:
    for a, b in combinations(block, 2):
        if focus is not None and a.id not in focus and b.id not in focus:
            continue
        scored = rules.duplicate_score(
            name_a=a.name,
            name_b=b.name,
            kelurahan_a=a.kelurahan_id,
            kelurahan_b=b.kelurahan_id,
            phone_a=a.phone,
            phone_b=b.phone,
        )
        if scored.score >= threshold:
            low, high = sorted((a.id, b.id))
            yield DuplicateCandidate(
                person_a_id=low, person_b_id=high, score=scored.score, reasons=scored.reasons
            )


def _blocks(rows: Iterable[_Row]) -> Iterator[list[_Row]]:
    """Group rows that arrive ordered by (birth_date, kelurahan_id) into (birth date, kecamatan) blocks."""
    block: list[_Row] = []
    key: tuple[dt.date, int] | None = None
    for row in rows:
        row_key = (row.birth_date, rules.kecamatan_key(row.kelurahan_id))
        if row_key != key:
            if len(block) > 1:
                yield block
            block, key = [], row_key
        block.append(row)
    if len(block) > 1:
        yield block


def _save(candidates: Iterable[DuplicateCandidate]) -> int:
    batch: list[DuplicateCandidate] = []
    saved = 0
    for candidate in candidates:
        batch.append(candidate)
        if len(batch) >= _INSERT_BATCH:
            saved += len(DuplicateCandidate.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        saved += len(DuplicateCandidate.objects.bulk_create(batch, ignore_conflicts=True))
    return saved


def _stream_all() -> Iterator[_Row]:
    qs = _active().order_by("birth_date", "kelurahan_id", "id").values_list(*_FIELDS)
    return (_row(values) for values in qs.iterator(chunk_size=5000))


def _stream_dates(dates: Sequence[dt.date]) -> Iterator[_Row]:
    for start in range(0, len(dates), _DATES_PER_QUERY):
        chunk = dates[start : start + _DATES_PER_QUERY]
        qs = (
            _active()
            .filter(birth_date__in=chunk)
            .order_by("birth_date", "kelurahan_id", "id")
            .values_list(*_FIELDS)
        )
        yield from (_row(values) for values in qs.iterator(chunk_size=5000))


def duplicates_scan(
    *, person_ids: Iterable[int] | None = None, threshold: int = rules.DUPLICATE_THRESHOLD
) -> int:
    """Flag likely duplicates; returns the number of candidate rows attempted (new or existing pairs).

    With ``person_ids`` (after an import) only pairs involving those persons are flagged. A small batch
    reads only the blocks of its birth dates; a large one (or none) streams the whole table once.
    """
    focus = set(person_ids) if person_ids is not None else None
    if focus is not None and not focus:
        return 0
    if focus is not None and len(focus) <= 20_000:
        dates = sorted(set(Person.objects.filter(pk__in=focus).values_list("birth_date", flat=True)))
        rows = _stream_dates(dates)
    else:
        rows = _stream_all()
    candidates = (c for block in _blocks(rows) for c in _pairs_in_block(block, focus, threshold))
    return _save(candidates)


def duplicates_for_person(person: Person, *, threshold: int = rules.DUPLICATE_THRESHOLD) -> int:
    """The per-registration check: one query for the person's block, one insert if anything matched."""
    low = rules.kecamatan_key(person.kelurahan_id)
    values = (
        _active()
        .filter(birth_date=person.birth_date, kelurahan_id__gte=low, kelurahan_id__lt=low + 10_000)
        .order_by("id")
        .values_list(*_FIELDS)
    )
    block = [_row(v) for v in values]
    if len(block) < 2:
        return 0
    found = list(_pairs_in_block(block, {person.pk}, threshold))
    return len(DuplicateCandidate.objects.bulk_create(found, ignore_conflicts=True)) if found else 0


# --- review: merge or dismiss ----------------------------------------------------------------------


def _decide(candidate: DuplicateCandidate, *, actor: Any, status: str, note: str) -> None:
    """Compare-and-set open → merged/dismissed; losing a race is a TransitionError."""
    changed = DuplicateCandidate.objects.filter(
        pk=candidate.pk, status=DuplicateCandidate.Status.OPEN
    ).update(
        status=status,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=timezone.now(),
        note=note,
    )
    if changed != 1:
        raise TransitionError(_("This pair was already decided."), code="duplicate_decided")
    candidate.refresh_from_db()


def duplicate_dismiss(*, actor: Any, candidate: DuplicateCandidate, note: str, today: dt.date) -> None:
    """Two different humans after all: close the pair with the reviewer's note (kept, so rescans skip it)."""
    note = note.strip()
    if not note:
        raise DomainError(_("Say why these are different people."), code="note_missing", field="note")
    with transaction.atomic():
        _decide(candidate, actor=actor, status=DuplicateCandidate.Status.DISMISSED, note=note)
        person = candidate.person_a
        audit_record(
            actor=actor,
            action="duplicate.dismiss",
            obj=candidate,
            new={
                "person_a": candidate.person_a_id,
                "person_b": candidate.person_b_id,
                "score": candidate.score,
            },
            reason=note,
            region_id=person.kelurahan_id,
            lpa_id=person.lpa_id,
        )


def duplicate_merge(
    *, actor: Any, candidate: DuplicateCandidate, keep: Person, note: str, today: dt.date
) -> Person:
    """One human registered twice: keep ``keep``, fold the other record into it.

    Moves the other's KK history (its open row is closed today when ``keep`` has one), its heirs
    (only when ``keep`` has none, so shares never add up past 100 %) and its terminated memberships.
    Refused when the other person has an open membership: that has premiums and coverage of its own,
    so terminate it (or keep that person instead) first. The other record stays, marked ``merged_into``.
    """
    from askesos.membership.models import Membership, MembershipStatus

    if keep.pk not in (candidate.person_a_id, candidate.person_b_id):
        raise DomainError(
            _("Keep one of the two persons of the pair."), code="merge_keep_invalid", field="keep"
        )
    other_id = candidate.person_b_id if keep.pk == candidate.person_a_id else candidate.person_a_id
    with transaction.atomic():
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        other = Person.objects.select_for_update().get(pk=other_id)
        if keep.merged_into_id or other.merged_into_id:
            raise DomainError(_("One of these persons was already merged."), code="person_merged")
        open_memberships = Membership.objects.filter(person=other).exclude(status=MembershipStatus.TERMINATED)
        if open_memberships.exists():
            raise DomainError(
                _("%(name)s has an open membership; terminate it or keep that person instead, then merge.")
                % {"name": other.full_name},
                code="merge_open_membership",
            )
        _decide(candidate, actor=actor, status=DuplicateCandidate.Status.MERGED, note=note.strip())
        if KkMembership.objects.filter(person=keep, until__isnull=True).exists():
            KkMembership.objects.filter(person=other, until__isnull=True).update(until=today)
        kk_moved = KkMembership.objects.filter(person=other).update(person=keep)
        heirs_moved = 0
        if not Heir.objects.filter(person=keep).exists():
            heirs_moved = Heir.objects.filter(person=other).update(person=keep)
        memberships_moved = Membership.objects.filter(person=other).update(person=keep)
        Person.objects.filter(pk=other.pk).update(merged_into=keep, updated_at=timezone.now())
        DuplicateCandidate.objects.filter(
            Q(person_a=other) | Q(person_b=other), status=DuplicateCandidate.Status.OPEN
        ).exclude(pk=candidate.pk).update(
            status=DuplicateCandidate.Status.DISMISSED, note=_("Person merged into another record.")
        )
        audit_record(
            actor=actor,
            action="person.merge",
            obj=other,
            new={
                "merged_into": keep.pk,
                "kk_rows_moved": kk_moved,
                "heirs_moved": heirs_moved,
                "memberships_moved": memberships_moved,
                "candidate": candidate.pk,
            },
            reason=note,
            region_id=other.kelurahan_id,
            lpa_id=other.lpa_id,
        )
    return keep
