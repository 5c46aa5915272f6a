"""Writes for premiums: recording payments (one or a third-party batch), terminating memberships,
and officer cash deposits. The monthly cycle is in ``contributions.cycle``.

Every service is keyword-only, runs in one transaction, writes one audit event per change, posts the
fund journal through ``fund.services.post_journal`` and tells the member through
``notifications.services.notify`` (queued in the same transaction, sent after commit). The payment
itself, the hot path, writes the same rows from ``fund.services.journal_rows`` and
``notifications.services.message_row`` in a few plain statements (see ``payment_record``).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.audit.models import AuditEvent
from askesos.audit.services import audit_record
from askesos.contributions import rules
from askesos.contributions.models import (
    Channel,
    DepositReceipt,
    MemberCredit,
    MembershipStatusChange,
    OfficerDeposit,
    Payment,
    StatusChangeReason,
    ThirdPartyBatch,
)
from askesos.core.db import prepared_cursor
from askesos.core.errors import DomainError, TransitionError
from askesos.core.money import format_rupiah
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.membership.models import Membership, MembershipStatus, TerminationReason
from askesos.schemes.models import Payer, SchemeVersion
from askesos.schemes.selectors import version_in_force

# Fund accounts (askesos.fund chart of accounts).
CASH_OFFICERS, CASH_LPA, BANK = "1100", "1110", "1200"
PREMIUM_INCOME, THIRD_PARTY_INCOME = "4100", "4200"

_DEBIT_ACCOUNT = {
    Channel.CASH_OFFICER: CASH_OFFICERS,
    Channel.BANK_TRANSFER: BANK,
    Channel.EWALLET_QRIS: BANK,
}
_CHANNELS, _PAYERS = frozenset(Channel.values), frozenset(Payer.values)  # ``.values`` rebuilds a list


def _post_journal(**kwargs: Any) -> Any:
    from askesos.fund.services import post_journal

    return post_journal(**kwargs)


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    created: bool
    message: str


def _payment_message(payment: Payment) -> str:
    return _("%(amount)s received for %(period)s, receipt %(receipt)s") % {
        "amount": format_rupiah(payment.amount),
        "period": rules.format_period(payment.period_from, payment.period_to),
        "receipt": payment.receipt_number,
    }


def _shown(name: str, value: Any) -> str:
    """A recorded value as a person reads it in a conflict message."""
    if value is None:
        return "-"
    if name == "amount":
        return format_rupiah(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _replay(existing: Payment, wanted: dict[str, Any]) -> PaymentResult:
    """The same receipt again: a no-op if the data match, an error naming the differences if not."""
    differences = [
        _("%(field)s %(recorded)s recorded, %(now)s now")
        % {
            "field": _field(Payment, name).verbose_name,
            "recorded": _shown(name, have),
            "now": _shown(name, value),
        }
        for name, value in wanted.items()
        if (have := getattr(existing, name)) != value
    ]
    if differences:
        raise DomainError(
            _("Receipt %(receipt)s was already recorded with different data: %(diff)s.")
            % {"receipt": existing.receipt_number, "diff": "; ".join(differences)},
            code="receipt_conflict",
            field="receipt_number",
        )
    recorded = timezone.localtime(existing.recorded_at).date()
    message = _("Receipt %(receipt)s was already recorded on %(date)s.") % {
        "receipt": existing.receipt_number,
        "date": recorded.isoformat(),
    }
    return PaymentResult(existing, False, message)


def _channel_problem(
    *, channel: str, payer: str, collector: FieldOfficer | None, batch: ThirdPartyBatch | None
) -> DomainError | None:
    if channel not in _CHANNELS:
        return DomainError(_("Unknown payment channel."), code="invalid_channel", field="channel")
    if payer not in _PAYERS:
        return DomainError(_("Unknown payer."), code="invalid_payer", field="payer")
    if channel == Channel.CASH_OFFICER and collector is None:
        return DomainError(
            _("A cash payment needs the officer who collected it."),
            code="collector_required",
            field="collector",
        )
    if (channel == Channel.THIRD_PARTY) != (batch is not None) or (batch is None) != (payer == Payer.MEMBER):
        return DomainError(
            _("Third-party payers (APBN, APBD, CSR) pay through a third-party batch; members pay directly."),
            code="invalid_payer",
            field="payer",
        )
    return None


# PAYMENT_OPTIMISTIC_WRITE: how many times a payment outside a transaction (PostgreSQL) reads and
# writes without locking before it takes the member's lock (see ``payment_record``).
OPTIMISTIC_ATTEMPTS = 3


def payment_record(
    *,
    actor: Any,
    membership_id: int,
    amount: int,
    channel: str,
    paid_on: dt.date,
    receipt_number: str,
    today: dt.date,
    collector: FieldOfficer | None = None,
    payer: str = Payer.MEMBER,
    carry_forward: bool = False,
    batch: ThirdPartyBatch | None = None,
) -> PaymentResult:
    """Record one premium payment: whole months at the premium in force on ``paid_on`` (PROGRAM.md §2),
    applied by ``rules.apply_payment`` (arrears first; reinstatement by the scheme's rule).

    Idempotent by ``receipt_number``: the same receipt with the same data returns ``created=False``;
    with other data it is a ``receipt_conflict`` error. A remainder that is not a whole month is refused
    unless ``carry_forward`` keeps it as member credit. Posts the fund journal (cash: 1100/4100,
    transfer or e-wallet: 1200/4100; third-party batches post once per batch) and queues the SMS.

    A known receipt is answered before any other check (a retry is never refused for a rule that
    changed since). The receipt check rides on the read of the membership, and the writes (payment,
    membership, status event and credit when they change, the two audit events, the journal entry
    and its lines, the SMS) are plain statements built once per process (see "the payment hot path"
    below): a new payment costs the read plus 6 statements on SQLite (8 with a status event and new
    credit), the read plus 1 on PostgreSQL.

    PAYMENT_OPTIMISTIC_WRITE. On PostgreSQL, called outside a transaction (a request, the API), the
    read takes no lock and the one write statement is its own transaction, guarded by the membership
    row's version: it writes everything or, if another payment or the cycle changed the member
    since the read, nothing; then the payment is read and computed again (``OPTIMISTIC_ATTEMPTS``
    times, then under the member's lock). Two round trips and no BEGIN/COMMIT instead of four. Inside
    a caller's transaction (a third-party batch), and on SQLite, the read locks the member (``FOR
    UPDATE``; SQLite's ``BEGIN IMMEDIATE``) and the writes follow in the same transaction.
    """
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise DomainError(_("Give the receipt number."), code="receipt_required", field="receipt_number")
    wanted = {
        "membership_id": membership_id,
        "amount": amount,
        "channel": channel,
        "payer": payer,
        "paid_on": paid_on,
        "collector_id": collector.pk if collector else None,
        "batch_id": batch.pk if batch else None,
    }
    problem = _channel_problem(channel=channel, payer=payer, collector=collector, batch=batch)
    if problem is None and paid_on > today:
        problem = DomainError(_("The payment date is in the future."), code="future_date", field="paid_on")
    record = functools.partial(
        _record,
        actor=actor,
        membership_id=membership_id,
        amount=amount,
        channel=channel,
        payer=payer,
        paid_on=paid_on,
        receipt_number=receipt_number,
        today=today,
        collector=collector,
        carry_forward=carry_forward,
        batch=batch,
        problem=problem,
    )
    try:
        outcome: tuple[Payment, bool] | _Retry = _Retry.NEEDS_LOCK
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            for _attempt in range(OPTIMISTIC_ATTEMPTS):
                outcome = record(optimistic=True)
                if outcome is not _Retry.CONFLICT:
                    break
        if isinstance(outcome, _Retry):
            with transaction.atomic():
                outcome = record(optimistic=False)
        assert not isinstance(outcome, _Retry)  # the locking path always writes
        payment, created = outcome
    except IntegrityError:
        # A concurrent post of the same receipt won the unique key between our check and our insert.
        existing = Payment.objects.filter(receipt_number=receipt_number).first()
        if existing is None:
            raise
        return _replay(existing, wanted)
    if not created:
        return _replay(payment, wanted)
    return PaymentResult(payment, True, _payment_message(payment))


# --- the payment hot path ---------------------------------------------------------------------------
#
# A payment is the busiest write of the system (PROGRAM.md: ≥ 1,000 per second through the services),
# so ``_record`` does not build querysets or model instances: one read with everything the rules
# need, then plain INSERT/UPDATE statements whose SQL is built once per process from the models'
# metadata. Each app still owns its rows: ``audit.services.audit_row``, ``fund.services.journal_rows``
# (balance and account checks) and ``notifications.services.message_row`` (rendering, phone).
# SQLite runs the writes one by one (in-process, cheap; ids from ``lastrowid``); PostgreSQL sends them
# as one statement of data-modifying CTEs, one round trip, with ids preallocated by the read, and
# both statements are prepared once per connection (``core.db.prepared_cursor``).


def _quote(name: str) -> str:
    return f'"{name}"'


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def _column(model: type[models.Model], name: str) -> str:
    return _quote(str(_field(model, name).column))


def _pk_column(model: type[models.Model]) -> str:
    return _quote(str(cast("models.Field[Any, Any]", model._meta.pk).column))


@functools.cache
def _insert_sql(model: type[models.Model], names: tuple[str, ...], rows: int) -> str:
    columns = ", ".join(_column(model, n) for n in names)
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    return f"INSERT INTO {_quote(model._meta.db_table)} ({columns}) VALUES " + ", ".join([one] * rows)


@functools.cache
def _update_sql(model: type[models.Model], names: tuple[str, ...], guard: str = "") -> str:
    """``guard``: only if the guard CTE of the same statement updated its row (see ``_Writes``)."""
    sets = ", ".join(f"{_column(model, n)} = %s" for n in names)
    where = f" AND EXISTS (SELECT 1 FROM {guard})" if guard else ""
    return f"UPDATE {_quote(model._meta.db_table)} SET {sets} WHERE {_pk_column(model)} = %s{where}"


@functools.cache
def _guard_sql(model: type[models.Model], names: tuple[str, ...]) -> str:
    """PostgreSQL: update the row only if it is still the version that was read (its ``xmin``, the
    transaction that wrote that version: any later update, even one that sets the same values, makes
    a new version). Returns a row when it did."""
    return _update_sql(model, names) + " AND xmin = %s::xid RETURNING 1"


@functools.cache
def _adapters(model: type[models.Model], names: tuple[str, ...]) -> tuple[tuple[str, Any] | None, ...]:
    """How each value is adapted for the database, by the field's type, as the ORM does it: the
    ``connection.ops`` method (and a JSON field's encoder), or ``None`` for values the driver takes
    as they are (text, numbers, ``None``)."""
    methods = {
        "DateTimeField": "adapt_datetimefield_value",
        "DateField": "adapt_datefield_value",
        "JSONField": "adapt_json_value",
    }
    fields = [_field(model, n) for n in names]
    return tuple(
        (methods[f.get_internal_type()], getattr(f, "encoder", None))
        if f.get_internal_type() in methods
        else None
        for f in fields
    )


@functools.cache
def _insert_json_sql(model: type[models.Model], names: tuple[str, ...], guard: str = "") -> str:
    """PostgreSQL: insert the rows of one JSON array parameter (objects keyed by column), so the
    statement has one parameter per table, whatever the rows (psycopg converts the placeholders of a
    statement with more than 50 parameters anew on every call; measured slower). ``guard``: only if
    the guard CTE of the same statement updated its row."""
    table = _quote(model._meta.db_table)
    columns = ", ".join(_column(model, n) for n in names)
    rows = f"jsonb_populate_recordset(NULL::{table}, %s::jsonb)"
    where = f" WHERE EXISTS (SELECT 1 FROM {guard})" if guard else ""
    return f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {rows}{where}"


@functools.cache
def _columns(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(_field(model, n).column) for n in names)


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):  # dates and (aware) datetimes: PostgreSQL reads ISO 8601
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class _Writes:
    """The writes of one payment. SQLite: each statement runs at once (in-process, cheap; ids from
    ``lastrowid``). PostgreSQL: queued and sent at ``flush`` as one statement of data-modifying CTEs
    (one round trip), the rows of each table as one JSON parameter, ids preallocated by the caller.

    Guarded (PostgreSQL, ``guard=True``): the first write must be ``update(..., version=...)``, a
    compare-and-set on the row version read; every later write of the statement happens only if it
    matched, and ``flush`` tells whether it did."""

    GUARD = "w0"  # the first CTE

    def __init__(self, cursor: Any, *, one_statement: bool, guard: bool = False) -> None:
        self.cursor, self.one_statement = cursor, one_statement
        self.guard = self.GUARD if guard else ""
        self.ops = cursor.db.ops
        self.parts: list[str] = []
        self.params: list[Any] = []
        self.adapted: dict[tuple[str, Any], Any] = {}  # the same time and dates recur in every row

    def _values(self, model: type[models.Model], names: tuple[str, ...], values: Iterable[Any]) -> list[Any]:
        out = []
        for adapter, value in zip(_adapters(model, names), values, strict=True):
            if adapter is None or value is None:  # JSONField too: None is SQL NULL, as the ORM saves it
                out.append(value)
            elif adapter[0] == "adapt_json_value":
                out.append(self.ops.adapt_json_value(value, adapter[1]))
            else:
                key = (adapter[0], value)
                if key not in self.adapted:
                    self.adapted[key] = getattr(self.ops, adapter[0])(value)
                out.append(self.adapted[key])
        return out

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]]) -> int | None:
        """Insert rows (attribute names → values, the same keys in every row); returns the last
        row's id: the one it carries (preallocated), else the one the database gave it."""
        names = tuple(rows[0])
        if self.one_statement:
            columns = _columns(model, names)
            self.parts.append(_insert_json_sql(model, names, self.guard))
            self.params.append(
                json.dumps([dict(zip(columns, row.values(), strict=True)) for row in rows], default=_iso)
            )
            return rows[-1].get("id")
        params = [p for row in rows for p in self._values(model, names, row.values())]
        self.cursor.execute(_insert_sql(model, names, len(rows)), params)
        return rows[-1].get("id") or int(self.cursor.lastrowid)

    def update(
        self, model: type[models.Model], pk: int, values: dict[str, Any], *, version: str | None = None
    ) -> None:
        """Update one row by primary key; ``version``: the guard's compare-and-set (first write)."""
        names = tuple(values)
        params = [*self._values(model, names, values.values()), pk]
        if version is not None:
            if not self.guard or self.parts:
                raise RuntimeError("a version guard is the first write of a guarded statement")
            self.parts.append(_guard_sql(model, names))
            self.params.extend([*params, version])
        elif self.one_statement:
            self.parts.append(_update_sql(model, names, self.guard))
            self.params.extend(params)
        else:
            self.cursor.execute(_update_sql(model, names), params)

    def flush(self) -> bool:
        """Send the queued statement; False when its guard found the row changed (nothing written)."""
        if not self.parts:
            return True
        ctes = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(self.parts))
        tail = f"SELECT count(*) FROM {self.guard}" if self.guard else "SELECT 1"
        self.cursor.execute(f"WITH {ctes} {tail}", self.params)
        self.parts, self.params = [], []
        return not self.guard or self.cursor.fetchone()[0] == 1


class _Retry(enum.Enum):
    """Why an optimistic payment wrote nothing (``payment_record`` then tries again, or locks)."""

    CONFLICT = "the membership changed between the read and the write"
    NEEDS_LOCK = "an entry already has the payment's journal key: post it in one transaction"


class _Read(NamedTuple):
    """The read of a payment: the membership and everything the rules and writes need."""

    id: int
    scheme_id: int
    lpa_id: int
    region_id: int
    member_number: str
    coverage_start: dt.date
    paid_through: dt.date | None
    status: str
    credit: int | None  # None: no MemberCredit row yet
    phone: str
    lpa_region: int
    premium: int | None  # None: no scheme version in force on paid_on
    grace_months: int
    reinstatement_rule: str
    max_advance_months: int
    receipt_taken: bool
    journal_taken: bool
    payment_id: int | None = None  # PostgreSQL: ids preallocated from the sequences
    entry_id: int | None = None
    message_id: int | None = None
    version: str | None = None  # PostgreSQL: the membership row's version (xmin), for the guard


@functools.cache
def _id_sequences() -> tuple[str, ...]:
    """PostgreSQL: the id sequences of the payment, journal entry and message tables, looked up once
    (``pg_get_serial_sequence`` in the locking read would search the catalogue on every payment)."""
    from askesos.fund.models import JournalEntry
    from askesos.notifications.models import Message

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["pg_get_serial_sequence(%s, %s)"] * 3),
            [p for m in (Payment, JournalEntry, Message) for p in (m._meta.db_table, m._meta.pk.column)],
        )
        return tuple(cursor.fetchone())


@functools.cache
def _read_sql(vendor: str, sequences: tuple[str, ...] = (), lock: bool = True) -> str:
    """The membership, with its credit, phone, LPA region key, the scheme version in force on
    ``paid_on`` and whether the receipt (or its journal key) is taken: one statement. ``lock``:
    ``FOR UPDATE`` on PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` already holds the write lock); without
    it, the row version (``xmin``) for the guarded write."""
    from askesos.fund.models import JournalEntry
    from askesos.lpa.models import Lpa
    from askesos.registry.models import Person

    t = {m: _quote(m._meta.db_table) for m in (Membership, Person, Lpa, MemberCredit, SchemeVersion)}
    version = _quote(SchemeVersion._meta.db_table)
    extra, for_update = "", ""
    if vendor == "postgresql":
        extra = "".join(f", nextval('{name}'::regclass)" for name in sequences) + ", m.xmin::text"
        for_update = " FOR UPDATE OF m" if lock else ""
    return (
        "SELECT m.id, m.scheme_id, m.lpa_id, m.region_id, m.member_number, m.coverage_start, "
        "m.paid_through, m.status, c.balance, p.phone, l.kelurahan_id, "
        "v.premium_monthly, v.grace_months, v.reinstatement_rule, v.max_advance_months, "
        f"EXISTS (SELECT 1 FROM {_quote(Payment._meta.db_table)} WHERE receipt_number = %s), "
        f"EXISTS (SELECT 1 FROM {_quote(JournalEntry._meta.db_table)} WHERE idempotency_key = %s)"
        f"{extra} "
        f"FROM {t[Membership]} m "
        f"JOIN {t[Person]} p ON p.id = m.person_id "
        f"JOIN {t[Lpa]} l ON l.id = m.lpa_id "
        f"LEFT JOIN {t[MemberCredit]} c ON c.membership_id = m.id "
        f"LEFT JOIN {version} v ON v.id = (SELECT sv.id FROM {version} sv WHERE sv.scheme_id = m.scheme_id "
        "AND sv.effective_from <= %s ORDER BY sv.effective_from DESC LIMIT 1) "
        f"WHERE m.id = %s{for_update}"
    )


def _membership_read(
    cursor: Any, *, membership_id: int, receipt_number: str, paid_on: dt.date, lock: bool
) -> _Read | None:
    db = cursor.db
    on = db.ops.adapt_datefield_value(paid_on)
    cursor.execute(
        _read_sql(db.vendor, _id_sequences() if db.vendor == "postgresql" else (), lock),
        [receipt_number, f"payment:{receipt_number}", on, membership_id],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    read = _Read(*row)
    return read._replace(receipt_taken=bool(read.receipt_taken), journal_taken=bool(read.journal_taken))


def _record(
    *,
    actor: Any,
    membership_id: int,
    amount: int,
    channel: str,
    payer: str,
    paid_on: dt.date,
    receipt_number: str,
    today: dt.date,
    collector: FieldOfficer | None,
    carry_forward: bool,
    batch: ThirdPartyBatch | None,
    problem: DomainError | None,
    optimistic: bool,
) -> tuple[Payment, bool] | _Retry:
    """Returns (payment, True) for a new payment, (the payment already recorded, False) for a known
    receipt; raises ``problem`` (a refused channel or date) only when the receipt is new.

    ``optimistic`` (PostgreSQL, outside a transaction): read without locking, write in one guarded
    statement, and return a ``_Retry`` when that is not possible (see ``payment_record``)."""
    with prepared_cursor() as cursor:
        membership = _membership_read(
            cursor,
            membership_id=membership_id,
            receipt_number=receipt_number,
            paid_on=paid_on,
            lock=not optimistic,
        )
        if membership is None or membership.receipt_taken:
            existing = Payment.objects.filter(receipt_number=receipt_number).first()
            if existing is not None:
                return existing, False
        if problem is not None:
            raise problem
        if membership is None:
            raise Membership.DoesNotExist("Membership matching query does not exist.")
        if collector is not None and collector.lpa_id != membership.lpa_id:
            raise DomainError(
                _("The officer does not work for this member's LPA."),
                code="collector_other_lpa",
                field="collector",
            )
        premium = membership.premium
        if premium is None:
            raise DomainError(
                f"scheme {membership.scheme_id} has no rules in force on {paid_on:%Y-%m-%d}",
                code="no_scheme_version",
            )
        if optimistic and membership.journal_taken:
            return _Retry.NEEDS_LOCK  # the general journal path below runs in the payment's transaction
        if not optimistic and cursor.db.vendor == "postgresql" and (membership.credit or carry_forward):
            membership = membership._replace(credit=_fresh_credit(cursor, membership.id))
        credit = membership.credit or 0
        split = rules.split_amount(amount=amount, credit=credit, premium=premium, carry_forward=carry_forward)
        change = rules.apply_payment(
            paid_through=membership.paid_through,
            coverage_start=membership.coverage_start,
            status=membership.status,
            months=split.months,
            today=today,
            grace_months=membership.grace_months,
            reinstatement_rule=membership.reinstatement_rule,
            max_advance_months=membership.max_advance_months,
        )
        written = _write_payment(
            cursor,
            actor=actor,
            membership=membership,
            amount=amount,
            channel=channel,
            payer=payer,
            paid_on=paid_on,
            receipt_number=receipt_number,
            today=today,
            collector=collector,
            batch=batch,
            split=split,
            change=change,
            guarded=optimistic,
        )
        if written is None:
            return _Retry.CONFLICT
        payment, journal_taken = written
    if journal_taken:
        # An entry already has this payment's key (posted by hand?): the general path returns it if
        # it books the same, and refuses it as an idempotency conflict if not.
        _post_journal(
            lpa_id=membership.lpa_id,
            on=paid_on,
            memo=_journal_memo(membership.member_number, receipt_number),
            source_type=SOURCE_PAYMENT,
            source_id=str(payment.pk),
            lines=_journal_lines(channel, amount),
            idempotency_key=f"payment:{receipt_number}",
            actor=actor,
            region_id=membership.lpa_region,
        )
    return payment, True


def _fresh_credit(cursor: Any, membership_id: int) -> int | None:
    """PostgreSQL: the credit balance as committed now. The locking read returns the membership row
    as it is once locked, but the joined credit row as of the statement's start: if another payment
    of this member committed meanwhile (we waited for its lock), that balance is stale. Only payments
    write credit, and only under the membership's lock, which we now hold; so read it again whenever
    this payment may use or write credit (the member had some, or a remainder may be carried)."""
    cursor.execute(_fresh_credit_sql(), [membership_id])
    row = cursor.fetchone()
    return None if row is None else int(row[0])


@functools.cache
def _fresh_credit_sql() -> str:
    table, pk = _quote(MemberCredit._meta.db_table), _pk_column(MemberCredit)
    return f"SELECT {_column(MemberCredit, 'balance')} FROM {table} WHERE {pk} = %s"


SOURCE_PAYMENT = "contributions.payment"


def _journal_memo(member_number: str, receipt_number: str) -> str:
    return f"Iuran {member_number} kuitansi {receipt_number}"


def _journal_lines(channel: str, amount: int) -> list[tuple[str, int, int]]:
    return [(_DEBIT_ACCOUNT[channel], amount, 0), (PREMIUM_INCOME, 0, amount)]  # type: ignore[index]


def _write_payment(
    cursor: Any,
    *,
    actor: Any,
    membership: _Read,
    amount: int,
    channel: str,
    payer: str,
    paid_on: dt.date,
    receipt_number: str,
    today: dt.date,
    collector: FieldOfficer | None,
    batch: ThirdPartyBatch | None,
    split: rules.AmountSplit,
    change: rules.CoverageChange,
    guarded: bool = False,
) -> tuple[Payment, bool] | None:
    """Every row of a new payment: the coverage (membership, status event), the payment, the
    credit, the audit events, the fund journal entry and its lines (unless a third-party batch
    books it, or an entry with the key exists: then the caller posts it), and the receipt SMS.
    Returns the payment and whether the journal is left to the caller; ``None`` when ``guarded``
    and the membership is no longer the version read (nothing written)."""
    from askesos.audit.services import audit_row
    from askesos.fund.models import JournalEntry, JournalLine
    from askesos.fund.services import journal_rows, with_entry_id
    from askesos.notifications.models import Message
    from askesos.notifications.services import message_queued, message_row

    writes = _Writes(cursor, one_statement=cursor.db.vendor == "postgresql", guard=guarded)
    now = timezone.now()
    # The coverage first: when guarded, its compare-and-set decides whether anything is written.
    coverage: dict[str, Any] = {"paid_through": change.new_paid_through}
    if change.new_status != membership.status:
        coverage.update(status=change.new_status, status_since=today)
    if change.reinstated:
        coverage["reinstated_on"] = today
    writes.update(Membership, membership.id, coverage, version=membership.version if guarded else None)
    fields = {
        "id": membership.payment_id,
        "membership_id": membership.id,
        "lpa_id": membership.lpa_id,
        "region_id": membership.region_id,
        "amount": amount,
        "months_covered": split.months,
        "period_from": change.period_from,
        "period_to": change.period_to,
        "channel": channel,
        "payer": payer,
        "paid_on": paid_on,
        "collector_id": collector.pk if collector else None,
        "batch_id": batch.pk if batch else None,
        "receipt_number": receipt_number,
        "credit_applied": split.credit_applied,
        "credit_created": split.credit_created,
        "recorded_by_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
        "recorded_at": now,
    }
    payment_id = writes.insert(Payment, [fields])
    audits = [
        audit_row(
            actor=actor,
            action="payment.record",
            object_type=SOURCE_PAYMENT,
            object_id=payment_id,  # type: ignore[arg-type]
            object_label=receipt_number,  # str(payment)
            new={
                "membership": membership.member_number,
                "amount": amount,
                "months": split.months,
                "period_from": change.period_from,
                "period_to": change.period_to,
                "channel": channel,
                "credit_applied": split.credit_applied,
                "credit_created": split.credit_created,
            },
            region_id=membership.region_id,
            lpa_id=membership.lpa_id,
            at=now,
            same_statement=guarded,
        )
    ]
    # The key names a receipt this transaction inserts under its unique constraint, and the read
    # found no entry with it: no lookup, no savepoint (a duplicate fails the whole payment).
    journal = batch is None and not membership.journal_taken
    if journal:
        rows = journal_rows(
            entry_id=membership.entry_id,
            lpa_id=membership.lpa_id,
            region_id=membership.lpa_region,
            on=paid_on,
            memo=_journal_memo(membership.member_number, receipt_number),
            source_type=SOURCE_PAYMENT,
            source_id=str(payment_id),
            lines=_journal_lines(channel, amount),
            idempotency_key=f"payment:{receipt_number}",
            actor=actor,
            at=now,
            same_statement=guarded,
        )
        entry_id = writes.insert(JournalEntry, [rows.entry])
        if membership.entry_id is None:
            rows = with_entry_id(rows, entry_id)  # type: ignore[arg-type]
        writes.insert(JournalLine, rows.lines)
        audits.append(rows.audit)
    writes.insert(AuditEvent, audits)
    if change.new_status != membership.status:
        writes.insert(
            MembershipStatusChange,
            [
                {
                    "membership_id": membership.id,
                    "from_status": membership.status,
                    "to_status": change.new_status,
                    "on": today,
                    "reason": (
                        StatusChangeReason.REINSTATED if change.reinstated else StatusChangeReason.PAYMENT
                    ),
                    "cycle_month": None,
                }
            ],
        )
    if split.credit_applied or split.credit_created:
        balance = (membership.credit or 0) - split.credit_applied + split.credit_created
        if membership.credit is None:
            row = {"membership_id": membership.id, "balance": balance, "updated_at": now}
            writes.insert(MemberCredit, [row])
        else:
            writes.update(MemberCredit, membership.id, {"balance": balance, "updated_at": now})
    message = None
    if membership.phone:
        message = message_row(
            to_phone=membership.phone,
            template="payment_received",
            context={
                "amount": amount,
                "period_from": change.period_from,
                "period_to": change.period_to,
                "receipt": receipt_number,
            },
            related_type=SOURCE_PAYMENT,
            related_id=str(payment_id),
            lpa_id=membership.lpa_id,
            region_id=membership.lpa_region,
            message_id=membership.message_id,
            at=now,
        )
        message["id"] = writes.insert(Message, [message])
    if not writes.flush():
        return None
    if message is not None:
        message_queued(message)
    fields["id"] = payment_id
    names = [f.attname for f in Payment._meta.concrete_fields]
    payment = Payment.from_db(cursor.db.alias, names, [fields[n] for n in names])
    for name, related in (("collector", collector), ("batch", batch)):
        if related is not None:
            cast("models.ForeignKey[Any, Any]", _field(Payment, name)).set_cached_value(payment, related)
    return payment, not journal and batch is None


def membership_terminate(
    *, actor: Any, membership: Membership, reason: str, on: dt.date, note: str = ""
) -> None:
    """End a membership for good (death, exit, age limit...): TERMINATED is final; later payments are
    refused and coverage ends after ``on``. Compare-and-set on the status read."""
    if reason not in TerminationReason.values:
        raise DomainError(_("Unknown termination reason."), code="invalid_reason", field="reason")
    old = membership.status
    if old == MembershipStatus.TERMINATED:
        raise TransitionError(_("The membership is already terminated."))
    with transaction.atomic():
        changed = Membership.objects.filter(pk=membership.pk, status=old).update(
            status=MembershipStatus.TERMINATED, status_since=on, terminated_on=on, termination_reason=reason
        )
        if changed != 1:
            raise TransitionError(
                _("The membership changed meanwhile; reload and try again."), code="conflict"
            )
        MembershipStatusChange.objects.create(
            membership_id=membership.pk,
            from_status=old,
            to_status=MembershipStatus.TERMINATED,
            on=on,
            reason=StatusChangeReason.AGE_LIMIT
            if reason == TerminationReason.AGE_LIMIT
            else StatusChangeReason.TERMINATED,
        )
        audit_record(
            actor=actor,
            action="membership.terminate",
            obj=membership,
            old={"status": old},
            new={"status": MembershipStatus.TERMINATED, "terminated_on": on, "reason": reason},
            reason=note,
            region_id=membership.region_id,
            lpa_id=membership.lpa_id,
        )
    membership.status, membership.terminated_on, membership.termination_reason = (
        MembershipStatus.TERMINATED,
        on,
        reason,
    )


# --- third-party batches -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    line: int
    member_number: str
    months: int


class BatchRejected(DomainError):
    """All-or-nothing: at least one row is wrong; ``errors`` lists (line, message) for every wrong row."""

    code = "batch_rejected"

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__(_("The batch was not recorded: %(n)d rows have errors.") % {"n": len(errors)})
        self.errors = errors


def third_party_batch_record(
    *,
    actor: Any,
    lpa: Lpa,
    payer: str,
    payer_name: str,
    reference: str,
    paid_on: dt.date,
    total: int,
    rows: list[BatchRow],
    today: dt.date,
) -> ThirdPartyBatch:
    """A third party (APBN, APBD, CSR) pays for many members of one LPA in one transfer (PROGRAM.md §2).

    All or nothing: every row must name a member of this LPA once, with whole months the scheme allows,
    and the rows must add up to ``total``; otherwise ``BatchRejected`` lists every wrong row. One payment
    per member, one fund journal 1200/4200 for the whole transfer.
    """
    if payer == Payer.MEMBER or payer not in Payer.values:
        raise DomainError(_("Choose APBN, APBD or CSR as the payer."), code="invalid_payer", field="payer")
    if not rows:
        raise DomainError(_("The file has no rows."), code="empty_batch")
    if ThirdPartyBatch.objects.filter(lpa=lpa, payer=payer, reference=reference.strip()).exists():
        raise DomainError(
            _("Transfer %(ref)s was already recorded.") % {"ref": reference},
            code="duplicate_batch",
            field="reference",
        )
    members = dict(
        Membership.objects.filter(lpa=lpa, member_number__in=[r.member_number for r in rows]).values_list(
            "member_number", "id"
        )
    )
    errors: list[tuple[int, str]] = []
    seen: set[str] = set()
    for row in rows:
        if row.member_number not in members:
            errors.append((row.line, _("No member %(n)s in this LPA.") % {"n": row.member_number}))
        elif row.member_number in seen:
            errors.append((row.line, _("Member %(n)s appears twice.") % {"n": row.member_number}))
        seen.add(row.member_number)
    if errors:
        raise BatchRejected(errors)
    with transaction.atomic():
        batch = ThirdPartyBatch.objects.create(
            lpa=lpa,
            region_id=lpa.kelurahan_id,
            payer=payer,
            payer_name=payer_name.strip(),
            reference=reference.strip(),
            total=total,
            member_count=len(rows),
            paid_on=paid_on,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            recorded_at=timezone.now(),
        )
        paid = 0
        for row in rows:
            try:
                result = payment_record(
                    actor=actor,
                    membership_id=members[row.member_number],
                    amount=_premium_for(members[row.member_number], paid_on) * row.months,
                    channel=Channel.THIRD_PARTY,
                    payer=payer,
                    paid_on=paid_on,
                    receipt_number=f"TP{batch.pk}-{row.line}",
                    today=today,
                    batch=batch,
                )
                paid += result.payment.amount
            except DomainError as exc:
                errors.append((row.line, f"{row.member_number}: {exc.message}"))
        if not errors and paid != total:
            errors.append(
                (
                    0,
                    _("The rows add up to %(paid)s, not the transfer total %(total)s.")
                    % {"paid": format_rupiah(paid), "total": format_rupiah(total)},
                )
            )
        if errors:
            raise BatchRejected(errors)
        audit_record(
            actor=actor,
            action="third_party_batch.record",
            obj=batch,
            new={
                "payer": payer,
                "payer_name": batch.payer_name,
                "reference": batch.reference,
                "total": total,
                "members": len(rows),
            },
            region_id=batch.region_id,
            lpa_id=lpa.pk,
        )
        _post_journal(
            lpa_id=lpa.pk,
            on=paid_on,
            memo=f"{batch.get_payer_display()} {batch.payer_name} {batch.reference}",
            source_type="contributions.thirdpartybatch",
            source_id=str(batch.pk),
            lines=[(BANK, total, 0), (THIRD_PARTY_INCOME, 0, total)],
            idempotency_key=f"tp-batch:{batch.pk}",
            actor=actor,
        )
    return batch


def _premium_for(membership_id: int, on: dt.date) -> int:
    scheme_id = Membership.objects.filter(pk=membership_id).values_list("scheme_id", flat=True).get()
    return version_in_force(scheme_id, on).premium_monthly


# --- officer cash ------------------------------------------------------------------------------------


def deposit_submit(
    *,
    actor: Any,
    officer: FieldOfficer,
    amount: int,
    deposited_on: dt.date,
    today: dt.date,
    payment_ids: list[int] | None = None,
    note: str = "",
) -> OfficerDeposit:
    """An officer hands cash to the LPA: an amount, optionally naming the receipts it covers (then the
    receipts' total is kept, and a difference is flagged as variance when confirmed)."""
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), code="amount_not_positive", field="amount")
    if deposited_on > today:
        raise DomainError(_("The deposit date is in the future."), code="future_date", field="deposited_on")
    with transaction.atomic():
        receipts_total = None
        if payment_ids:
            payments = list(
                Payment.objects.select_for_update(of=("self",))
                .filter(
                    pk__in=payment_ids,
                    collector=officer,
                    channel=Channel.CASH_OFFICER,
                    deposit_link__isnull=True,
                )
                .values_list("pk", "amount")
            )
            if len(payments) != len(set(payment_ids)):
                raise DomainError(
                    _("Some receipts are not this officer's undeposited cash receipts."),
                    code="invalid_receipts",
                    field="payment_ids",
                )
            receipts_total = sum(a for _pk, a in payments)
        deposit = OfficerDeposit.objects.create(
            officer=officer,
            lpa_id=officer.lpa_id,
            amount=amount,
            deposited_on=deposited_on,
            receipts_total=receipts_total,
            note=note,
            submitted_at=timezone.now(),
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if payment_ids:
            DepositReceipt.objects.bulk_create(
                [DepositReceipt(deposit=deposit, payment_id=p) for p in set(payment_ids)]
            )
        audit_record(
            actor=actor,
            action="deposit.submit",
            obj=deposit,
            new={
                "officer": officer.pk,
                "amount": amount,
                "receipts_total": receipts_total,
                "on": deposited_on,
            },
            lpa_id=officer.lpa_id,
        )
    return deposit


def _deposit_transition(*, actor: Any, deposit: OfficerDeposit, new: str, reason: str = "") -> None:
    old = deposit.status
    if new not in OfficerDeposit.TRANSITIONS[OfficerDeposit.Status(old)]:
        raise TransitionError(_("A %(old)s deposit cannot become %(new)s.") % {"old": old, "new": new})
    now = timezone.now()
    changed = OfficerDeposit.objects.filter(pk=deposit.pk, status=old).update(
        status=new,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=now,
        note=reason or deposit.note,
    )
    if changed != 1:
        raise TransitionError(_("The deposit changed meanwhile; reload and try again."), code="conflict")
    deposit.status, deposit.decided_at = new, now
    audit_record(
        actor=actor,
        action=f"deposit.{'confirm' if new == OfficerDeposit.Status.CONFIRMED else 'dispute'}",
        obj=deposit,
        old={"status": old},
        new={"status": new, "variance": deposit.variance},
        reason=reason,
        lpa_id=deposit.lpa_id,
    )


def deposit_confirm(*, actor: Any, deposit: OfficerDeposit, today: dt.date) -> None:
    """The LPA manager confirms the cash arrived: submitted → confirmed (compare-and-set), and the
    fund journal moves it from cash held by officers to cash at the LPA (1110/1100)."""
    with transaction.atomic():
        _deposit_transition(actor=actor, deposit=deposit, new=OfficerDeposit.Status.CONFIRMED)
        _post_journal(
            lpa_id=deposit.lpa_id,
            on=deposit.deposited_on,
            memo=f"Setoran petugas {deposit.officer_id}",
            source_type="contributions.officerdeposit",
            source_id=str(deposit.pk),
            lines=[(CASH_LPA, deposit.amount, 0), (CASH_OFFICERS, 0, deposit.amount)],
            idempotency_key=f"deposit:{deposit.pk}",
            actor=actor,
        )


def deposit_dispute(*, actor: Any, deposit: OfficerDeposit, reason: str) -> None:
    """The LPA manager disputes a deposit (cash short, wrong receipts): submitted → disputed; its
    receipts count as undeposited again."""
    if not reason.strip():
        raise DomainError(_("Say what is wrong with the deposit."), code="reason_required", field="reason")
    with transaction.atomic():
        _deposit_transition(actor=actor, deposit=deposit, new=OfficerDeposit.Status.DISPUTED, reason=reason)
        DepositReceipt.objects.filter(deposit=deposit).delete()
