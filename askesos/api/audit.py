"""Audit of personal data read through the API: who looked at whom (UU PDP 27/2022).

The API records the same events as the pages (``audit.services.audit_view``: ``person.view``,
``membership.view``, with the same column values) for every single-record answer carrying a
person's data (member and person reads and lookups); lists are not audited, as on the pages.

A read changes nothing, so there is no change for the event to share a transaction with: each
event is one plain INSERT (one statement, atomic by itself; no model instance, no transaction
around it), because a member lookup is the API's hottest path. Inside a caller's transaction it
commits or rolls back with it.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.utils import timezone

from askesos.audit.models import AuditEvent
from askesos.audit.services import AUDIT_COLUMNS, actor_label
from askesos.core.requestid import get_request_id

_sql: list[str] = []


def _insert_sql() -> str:
    if not _sql:
        meta = AuditEvent._meta
        q = connection.ops.quote_name
        columns = ", ".join(q(name) for name in AUDIT_COLUMNS)
        placeholders = ", ".join(["%s"] * len(AUDIT_COLUMNS))
        _sql.append(f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES ({placeholders})")
    return _sql[0]


def audit_api_view(
    user: Any,
    model: type[models.Model],
    object_id: int,
    label: str,
    *,
    region_id: int | None,
    lpa_id: int | None,
) -> None:
    """Record that ``user`` read the ``model`` row ``object_id`` (``<model_name>.view``)."""
    authenticated = getattr(user, "is_authenticated", False)
    values = (
        connection.ops.adapt_datetimefield_value(timezone.now()),
        user.pk if authenticated else None,
        actor_label(user),
        f"{model._meta.model_name}.view",
        model._meta.label_lower,
        str(object_id),
        str(label)[:200],
        None,  # old
        None,  # new
        "",  # reason
        get_request_id(),
        region_id,
        lpa_id,
    )
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), values)


def audit_api_view_of(user: Any, obj: models.Model) -> None:
    """``audit_api_view`` for a model instance (the region and LPA as ``audit_view`` takes them)."""
    region_id = getattr(obj, "region_id", None) or getattr(obj, "kelurahan_id", None)
    audit_api_view(
        user, type(obj), obj.pk, str(obj)[:200], region_id=region_id, lpa_id=getattr(obj, "lpa_id", None)
    )
