"""Writing to the LPA fund ledger. Every posting goes through ``post_journal`` (or its batch twin
``post_journal_bulk``): balanced, idempotent by key, audited once per entry, never edited afterwards."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.audit.models import AuditEvent
from askesos.audit.services import audit_bulk, audit_record, audit_row
from askesos.core.errors import DomainError
from askesos.fund import rules
from askesos.fund.models import Account, JournalEntry, JournalLine
from askesos.lpa.models import Lpa

SEED_GRANT_AMOUNT = 30_000_000  # PROGRAM.md §1 (H)


@dataclass(frozen=True)
class JournalDraft:
    """One entry for ``post_journal_bulk``; the same fields as ``post_journal``'s arguments."""

    lpa_id: int
    on: dt.date
    memo: str
    source_type: str
    source_id: str
    lines: list[tuple[str, int, int]]
    idempotency_key: str
    actor: Any = field(default=None, compare=False)


# The chart of accounts, cached per process: it is read on every posting and changes almost never.
# Saving or deleting an Account clears it; a code missing from the cache is looked up again before
# a posting is refused, so another process adding an account is never a false "unknown account".
_account_codes: frozenset[str] | None = None


def _known_codes(*, fresh: bool = False) -> frozenset[str]:
    global _account_codes
    if fresh or _account_codes is None:
        _account_codes = frozenset(Account.objects.values_list("code", flat=True))
    return _account_codes


def _forget_account_codes(**_kwargs: Any) -> None:
    global _account_codes
    _account_codes = None


post_save.connect(_forget_account_codes, sender=Account, dispatch_uid="fund.account_codes.save")
post_delete.connect(_forget_account_codes, sender=Account, dispatch_uid="fund.account_codes.delete")


def _validate(lines: Iterable[tuple[str, int, int]]) -> list[rules.Line]:
    given, cached = list(lines), _account_codes is not None
    try:
        return rules.validate_lines(given, known_codes=_known_codes())
    except DomainError as exc:
        if exc.code != "unknown_account" or not cached:
            raise
        return rules.validate_lines(given, known_codes=_known_codes(fresh=True))


def _conflict(key: str) -> DomainError:
    return DomainError(
        _("Idempotency key %(key)s was already used for a different posting.") % {"key": key},
        code="idempotency_conflict",
    )


def _existing(key: str, fp: str) -> JournalEntry | None:
    entry = JournalEntry.objects.filter(idempotency_key=key).first()
    if entry is not None and entry.fingerprint != fp:
        raise _conflict(key)
    return entry


def _audit_event(entry: JournalEntry, lines: list[rules.Line], actor: Any, action: str) -> AuditEvent:
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        at=entry.created_at,
        actor=actor_obj,
        actor_label=str(getattr(actor, "username", "system")) if actor is not None else "system",
        action=action,
        object_type="fund.journalentry",
        object_id=str(entry.pk),
        object_label=str(entry)[:200],
        new=_audit_new(entry, lines),
        region_id=entry.region_id,
        lpa_id=entry.lpa_id,
    )


def _audit_new(entry: JournalEntry, lines: list[rules.Line]) -> dict[str, Any]:
    return {
        "on": entry.on.isoformat(),
        "memo": entry.memo,
        "source": f"{entry.source_type}:{entry.source_id}",
        "key": entry.idempotency_key,
        "lines": [list(line) for line in lines],
    }


def _line_rows(entry: JournalEntry, lines: list[rules.Line]) -> list[JournalLine]:
    return [
        JournalLine(
            entry=entry,
            account_id=code,
            debit=debit,
            credit=credit,
            lpa_id=entry.lpa_id,
            on=entry.on,
            region_id=entry.region_id,
        )
        for code, debit, credit in lines
    ]


def post_journal(
    *,
    lpa_id: int,
    on: dt.date,
    memo: str,
    source_type: str,
    source_id: str,
    lines: list[tuple[str, int, int]],
    idempotency_key: str,
    actor: Any = None,
    reverses: JournalEntry | None = None,
    region_id: int | None = None,
    key_is_new: bool = False,
    savepoint: bool = True,
) -> JournalEntry:
    """Post one balanced entry to an LPA's books (double entry: debits = credits, else ``unbalanced``).

    Idempotent: the same ``idempotency_key`` with the same LPA and lines returns the entry already
    posted without posting again; with other lines it raises ``idempotency_conflict``. Safe under
    concurrency: a racing duplicate loses on the unique key and returns the winner's entry.

    For hot paths that already hold the facts (a payment posts one entry per receipt): ``region_id``
    is the LPA's kelurahan key when the caller has read it (skips reading the LPA); ``key_is_new``
    says the caller checked in this transaction that no entry has the key (skips the lookup); and
    ``savepoint=False`` inside the caller's transaction skips the savepoint when the key cannot race
    (it is derived from a row the caller inserted under a unique constraint), so a duplicate key
    then fails the caller's transaction instead of returning the winner's entry.
    """
    clean = _validate(lines)
    if not idempotency_key:
        raise DomainError(_("An idempotency key is required."), code="missing_key")
    fp = rules.fingerprint(lpa_id, clean)
    if not key_is_new:
        existing = _existing(idempotency_key, fp)
        if existing is not None:
            return existing
    if region_id is None:
        region_id = Lpa.objects.filter(pk=lpa_id).values_list("kelurahan_id", flat=True).first()
    if region_id is None:
        raise DomainError(_("Unknown LPA."), code="unknown_lpa")
    try:
        with transaction.atomic(savepoint=savepoint):
            entry = JournalEntry.objects.create(
                lpa_id=lpa_id,
                on=on,
                memo=memo[:300],
                source_type=source_type,
                source_id=str(source_id),
                idempotency_key=idempotency_key,
                fingerprint=fp,
                region_id=region_id,
                reverses=reverses,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                created_at=timezone.now(),
            )
            JournalLine.objects.bulk_create(_line_rows(entry, clean))
            audit_record(
                actor=actor,
                action="journal.reverse" if reverses else "journal.post",
                obj=entry,
                new=_audit_new(entry, clean),
                region_id=region_id,
                lpa_id=lpa_id,
            )
    except IntegrityError:
        if not savepoint and connection.in_atomic_block:
            raise  # no savepoint to roll back to: the caller's transaction is already broken
        # Another transaction posted the same key between our check and our insert.
        existing = _existing(idempotency_key, fp)
        if existing is None:
            raise
        return existing
    return entry


@dataclass(frozen=True)
class JournalRows:
    """One new entry as plain column values (attribute names of the models), for a hot path that
    inserts it in the same statements as the change it books (``payment_record``)."""

    entry: dict[str, Any]
    lines: list[dict[str, Any]]
    audit: dict[str, Any]


def journal_rows(
    *,
    entry_id: int | None,
    lpa_id: int,
    region_id: int,
    on: dt.date,
    memo: str,
    source_type: str,
    source_id: str,
    lines: list[tuple[str, int, int]],
    idempotency_key: str,
    actor: Any = None,
    at: dt.datetime | None = None,
    same_statement: bool = False,
) -> JournalRows:
    """The rows ``post_journal`` would write for a new entry: the entry, its lines and its audit
    event, under the same rules (known accounts, whole rupiah, one side per line, debits = credits,
    else ``DomainError``; on PostgreSQL the deferred trigger re-checks the balance at commit).

    For callers that have already made sure, in this transaction, that no entry has the key (the
    unique key still refuses a duplicate) and that know the LPA's kelurahan key. ``entry_id`` is the
    id the entry will get (preallocated, or ``None`` to fill in the lines' and event's ids later
    with ``with_entry_id``)."""
    clean = _validate(lines)
    if not idempotency_key:
        raise DomainError(_("An idempotency key is required."), code="missing_key")
    now = at or timezone.now()
    memo = memo[:300]
    entry = {
        "id": entry_id,
        "lpa_id": lpa_id,
        "on": on,
        "memo": memo,
        "source_type": source_type,
        "source_id": str(source_id),
        "idempotency_key": idempotency_key,
        "fingerprint": rules.fingerprint(lpa_id, clean),
        "reverses_id": None,
        "region_id": region_id,
        "created_by_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
        "created_at": now,
    }
    rows = [
        {
            "entry_id": entry_id,
            "account_id": code,
            "debit": debit,
            "credit": credit,
            "lpa_id": lpa_id,
            "on": on,
            "region_id": region_id,
        }
        for code, debit, credit in clean
    ]
    audit = audit_row(
        actor=actor,
        action="journal.post",
        object_type=JournalEntry._meta.label_lower,
        object_id="" if entry_id is None else entry_id,
        object_label=f"{on:%Y-%m-%d} {memo}",  # str(entry)
        new={
            "on": on.isoformat(),
            "memo": memo,
            "source": f"{source_type}:{source_id}",
            "key": idempotency_key,
            "lines": [list(line) for line in clean],
        },
        region_id=region_id,
        lpa_id=lpa_id,
        at=now,
        same_statement=same_statement,
    )
    return JournalRows(entry, rows, audit)


def with_entry_id(rows: JournalRows, entry_id: int) -> JournalRows:
    """``rows`` once the entry's id is known (databases that hand out the id on insert)."""
    return JournalRows(
        {**rows.entry, "id": entry_id},
        [{**line, "entry_id": entry_id} for line in rows.lines],
        {**rows.audit, "object_id": str(entry_id)},
    )


def _draft(item: JournalDraft | Mapping[str, Any]) -> JournalDraft:
    return item if isinstance(item, JournalDraft) else JournalDraft(**item)


def post_journal_bulk(entries: Iterable[JournalDraft | Mapping[str, Any]]) -> list[JournalEntry]:
    """Post many entries set-based (demo data, the monthly cycle): a few queries per batch, not per entry.

    Same rules as ``post_journal``: each entry balanced, keys already posted with the same lines are
    returned as they are, keys reused for other lines raise ``idempotency_conflict``, one audit event
    per new entry. Returns the entries in the order given. All or nothing (one transaction).
    """
    drafts = [_draft(item) for item in entries]
    if not drafts:
        return []
    prepared: dict[str, tuple[JournalDraft, list[rules.Line], str]] = {}
    for d in drafts:
        clean = _validate(d.lines)
        fp = rules.fingerprint(d.lpa_id, clean)
        if d.idempotency_key in prepared and prepared[d.idempotency_key][2] != fp:
            raise _conflict(d.idempotency_key)
        prepared[d.idempotency_key] = (d, clean, fp)
    with transaction.atomic():
        existing = {
            e.idempotency_key: e for e in JournalEntry.objects.filter(idempotency_key__in=list(prepared))
        }
        for key, entry in existing.items():
            if entry.fingerprint != prepared[key][2]:
                raise _conflict(key)
        lpa_ids = {d.lpa_id for d, _c, _f in prepared.values()}
        regions = dict(Lpa.objects.filter(pk__in=lpa_ids).values_list("id", "kelurahan_id"))
        missing = lpa_ids - set(regions)
        if missing:
            raise DomainError(_("Unknown LPA."), code="unknown_lpa")
        now = timezone.now()
        new = [
            JournalEntry(
                lpa_id=d.lpa_id,
                on=d.on,
                memo=d.memo[:300],
                source_type=d.source_type,
                source_id=str(d.source_id),
                idempotency_key=key,
                fingerprint=fp,
                region_id=regions[d.lpa_id],
                created_at=now,
                created_by=d.actor if getattr(d.actor, "is_authenticated", False) else None,
            )
            for key, (d, _clean, fp) in prepared.items()
            if key not in existing
        ]
        JournalEntry.objects.bulk_create(new, batch_size=1000)
        JournalLine.objects.bulk_create(
            [row for e in new for row in _line_rows(e, prepared[e.idempotency_key][1])], batch_size=2000
        )
        audit_bulk(
            _audit_event(
                e, prepared[e.idempotency_key][1], prepared[e.idempotency_key][0].actor, "journal.post"
            )
            for e in new
        )
    by_key = {**existing, **{e.idempotency_key: e for e in new}}
    return [by_key[d.idempotency_key] for d in drafts]


def journal_reverse(
    *, entry: JournalEntry, reason: str, on: dt.date | None = None, actor: Any = None
) -> JournalEntry:
    """Undo a posting with a mirror entry (debits and credits swapped); entries are never edited.

    An entry can be reversed once (idempotent by key ``reverse-<id>``); a reversal cannot itself be
    reversed (post the correct entry instead).
    """
    if not reason.strip():
        raise DomainError(_("Give a reason for the reversal."), code="reason_required", field="reason")
    if entry.reverses_id is not None:
        raise DomainError(_("A reversal cannot be reversed."), code="reversal_of_reversal")
    lines = [(line.account_id, line.debit, line.credit) for line in entry.lines.all()]
    return post_journal(
        lpa_id=entry.lpa_id,
        on=on or entry.on,
        memo=(_("Reversal: %(memo)s — %(reason)s") % {"memo": entry.memo, "reason": reason})[:300],
        source_type="reversal",
        source_id=str(entry.pk),
        lines=rules.reversed_lines(lines),
        idempotency_key=f"reverse-{entry.pk}",
        actor=actor,
        reverses=entry,
    )


def fund_record_seed_grant(
    *, lpa: Lpa, amount: int = SEED_GRANT_AMOUNT, on: dt.date, reference: str = "", actor: Any = None
) -> JournalEntry:
    """The one-off seed grant (PROGRAM.md §1, Rp 30,000,000): debit bank, credit seed capital.
    Once per LPA (key ``seed-grant-<lpa_id>``)."""
    memo = _("Seed grant") + (f" {reference}" if reference else "")
    return post_journal(
        lpa_id=lpa.pk,
        on=on,
        memo=memo,
        source_type="seed_grant",
        source_id=str(lpa.pk),
        lines=[(rules.BANK, amount, 0), (rules.SEED_CAPITAL, 0, amount)],
        idempotency_key=f"seed-grant-{lpa.pk}",
        actor=actor,
    )


def fund_post_seed_grants(*, actor: Any = None) -> int:
    """Post every ``lpa.SeedGrant`` not yet in the ledger (idempotent by ``seed-grant-<lpa_id>``).
    Returns how many entries were posted."""
    from askesos.lpa.models import SeedGrant

    posted = set(
        JournalEntry.objects.filter(source_type="seed_grant").values_list("idempotency_key", flat=True)
    )
    drafts = [
        JournalDraft(
            lpa_id=g.lpa_id,
            on=g.received_on,
            memo=(_("Seed grant") + f" {g.reference}").strip(),
            source_type="seed_grant",
            source_id=str(g.lpa_id),
            lines=[(rules.BANK, g.amount, 0), (rules.SEED_CAPITAL, 0, g.amount)],
            idempotency_key=f"seed-grant-{g.lpa_id}",
            actor=actor,
        )
        for g in SeedGrant.objects.all()
        if f"seed-grant-{g.lpa_id}" not in posted
    ]
    post_journal_bulk(drafts)
    return len(drafts)


EXPENSE_KINDS = {"honoraria": rules.HONORARIA, "admin": rules.ADMIN_COSTS}
PAY_FROM = {"cash": rules.CASH_LPA, "bank": rules.BANK}


def fund_record_expense(
    *,
    lpa: Lpa,
    kind: str,
    amount: int,
    on: dt.date,
    memo: str,
    actor: Any = None,
    paid_from: str = "cash",
    idempotency_key: str | None = None,
) -> JournalEntry:
    """An LPA running cost: officer honoraria (PROGRAM.md §4) or administration, paid from the
    LPA's cash box or the bank. Without a key each call is a new expense."""
    if kind not in EXPENSE_KINDS:
        raise DomainError(_("Unknown expense kind."), code="invalid_kind", field="kind")
    if paid_from not in PAY_FROM:
        raise DomainError(_("Pay from cash or bank."), code="invalid_source", field="paid_from")
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(
            _("The amount must be a positive number of rupiah."), code="invalid_amount", field="amount"
        )
    key = idempotency_key or f"expense-{uuid.uuid4().hex}"
    return post_journal(
        lpa_id=lpa.pk,
        on=on,
        memo=memo or kind,
        source_type=f"expense.{kind}",
        source_id="",
        lines=[(EXPENSE_KINDS[kind], amount, 0), (PAY_FROM[paid_from], 0, amount)],
        idempotency_key=key,
        actor=actor,
    )
