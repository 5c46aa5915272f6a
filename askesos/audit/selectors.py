"""Reading audit events, always within the reader's scope (``core.access``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from askesos.accounts.permissions import Capability, has_capability
from askesos.audit.models import AuditEvent
from askesos.core.access import scoped

PAGE_SIZE = 50
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    next_cursor: str | None  # pass back as ``cursor`` for the next (older) page


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered_events(user: Any, f: AuditFilter) -> QuerySet[AuditEvent]:
    """Events in the user's scope matching every given filter exactly (dates are local days, inclusive)."""
    qs = scoped(user, AuditEvent.objects.all())
    exact = {
        "actor_label": f.actor,
        "action": f.action,
        "object_type": f.object_type,
        "object_id": f.object_id,
    }
    qs = qs.filter(**{field: value for field, value in exact.items() if value})
    if f.date_from:
        qs = qs.filter(at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    if f.text:
        qs = qs.filter(reason__icontains=f.text)
    return qs.order_by("-at", "-id")


def encode_cursor(event: AuditEvent) -> str:
    micros = (event.at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
    return f"{micros}.{event.pk}"


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        micros, pk = (int(part) for part in cursor.split("."))
    except ValueError:
        return None
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros), pk


def events_page(user: Any, f: AuditFilter, *, cursor: str | None = "", size: int = PAGE_SIZE) -> Page:
    """One page of events, newest first, continuing after ``cursor`` (keyset paging: no COUNT, no
    OFFSET, so the 10-millionth page costs what the first one does)."""
    qs = filtered_events(user, f)
    position = decode_cursor(cursor) if cursor else None
    if position:
        at, pk = position
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    events = rows[:size]
    return Page(events, encode_cursor(events[-1]) if more else None)


def events_for_object(
    user: Any, object_type: str, object_id: object, *, limit: int = HISTORY_LIMIT
) -> list[AuditEvent]:
    """The history of one object, newest first, for ``audit/_object_history.html``.

    Empty for users without the audit capability, so any page may include the history safely.
    """
    if not has_capability(user, Capability.VIEW_AUDIT):
        return []
    qs = scoped(user, AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)))
    return list(qs.order_by("-at", "-id")[:limit])
