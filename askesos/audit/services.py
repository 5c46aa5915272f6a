"""Writing audit events. Every service that changes members, money, claims or configuration
calls ``audit_record`` inside its own ``transaction.atomic`` block, so the event and the change
commit or roll back together."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from askesos.audit.models import AuditEvent
from askesos.core.requestid import get_request_id

_PLAIN = frozenset({str, int, float, bool, type(None)})


class _NotPlain(Exception):
    pass


def _plain(value: Any) -> Any:
    """``value`` as JSON would read it back, for the types services put in audit values (text,
    numbers, dates, lists and dicts of them); raises ``_NotPlain`` for anything else."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dt.date:  # not datetime (a subclass): DjangoJSONEncoder cuts those to milliseconds
        return value.isoformat()
    if isinstance(value, str):  # text choices (``Channel.CASH_OFFICER``): JSON keeps the text
        return str.__str__(value)
    if kind is list or kind is tuple:
        return [_plain(v) for v in value]
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise _NotPlain
        return {k: _plain(v) for k, v in value.items()}
    raise _NotPlain


def jsonable(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``values`` exactly as a JSON column reads them back (``DjangoJSONEncoder`` for dates, times,
    decimals, UUIDs, lazy texts). Plain values (the common case) skip the encode/decode round trip."""
    if values is None:
        return None
    try:
        return _plain(dict(values))
    except _NotPlain:
        return json.loads(json.dumps(dict(values), cls=DjangoJSONEncoder))


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "username", actor))


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    reason: str = "",
    region_id: int | None = None,
    lpa_id: int | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the caller's transaction (enforced)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction of the change it records")
    row = audit_row(
        actor=actor,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id if object_id is not None else getattr(obj, "pk", ""),
        object_label=str(obj) if obj is not None else "",
        old=old,
        new=new,
        reason=reason,
        region_id=region_id,
        lpa_id=lpa_id,
        at=at,
    )
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(actor=actor_obj, **{k: v for k, v in row.items() if k != "actor_id"})


def audit_row(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str | int,
    object_label: str = "",
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    reason: str = "",
    region_id: int | None = None,
    lpa_id: int | None = None,
    at: dt.datetime | None = None,
    same_statement: bool = False,
) -> dict[str, Any]:
    """The column values (``AuditEvent`` attribute names) of the event ``audit_record`` would write,
    for hot paths that insert it themselves in one statement with the change (``payment_record``).
    The caller must insert it inside the transaction of the change (enforced here as well):
    ``same_statement`` says it is inserted by the very statement that makes the change, outside a
    transaction block, where that statement is its own transaction (PAYMENT_OPTIMISTIC_WRITE)."""
    if not (connection.in_atomic_block or same_statement):
        raise RuntimeError("audit events must be written inside the transaction of the change they record")
    return {
        "at": at or timezone.now(),
        "actor_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
        "actor_label": actor_label(actor),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "object_label": object_label[:200],
        "old": jsonable(old),
        "new": jsonable(new),
        "reason": reason,
        "request_id": get_request_id(),
        "region_id": region_id,
        "lpa_id": lpa_id,
    }


def audit_bulk(events: Iterable[AuditEvent]) -> int:
    """Append many prepared events in one statement (batch jobs: imports, the monthly cycle)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_bulk must be called inside the transaction of the change it records")
    rows = list(events)
    request_id = get_request_id()
    for row in rows:
        row.request_id = row.request_id or request_id
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# The audit table's columns, in the order hot paths insert them (``api.audit``).
AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "old",
    "new",
    "reason",
    "request_id",
    "region_id",
    "lpa_id",
)


def bulk_insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT plain rows (values already prepared for the database) as one set-based statement:
    ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL (values as Python objects, which
    COPY's text format turns into the column types). No per-row ORM work, no RETURNING."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
            cursor.executemany(sql, rows)


def changed_fields(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose value changed, as (old, new) dicts for an audit event."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def audit_view(request: Any, obj: models.Model) -> AuditEvent:
    """Record that a signed-in user opened a page of personal data (``person.view``,
    ``membership.view``): who looked at whom is part of the audit trail (UU PDP 27/2022)."""
    from django.db import transaction

    action = f"{obj._meta.model_name}.view"
    region_id = getattr(obj, "region_id", None) or getattr(obj, "kelurahan_id", None)
    lpa_id = getattr(obj, "lpa_id", None)
    with transaction.atomic():
        return audit_record(actor=request.user, action=action, obj=obj, region_id=region_id, lpa_id=lpa_id)
