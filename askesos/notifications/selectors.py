"""Reading the outbox, always through the reader's scope (``lpa_id`` / ``region_id`` of the message)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from askesos.core.access import scoped
from askesos.notifications.models import Message, MessageStatus


def outbox_for(*, user: Any, status: str = "") -> QuerySet[Message]:
    qs = scoped(user, Message.objects.all())
    if status in MessageStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def outbox_counts(*, user: Any) -> dict[str, int]:
    rows = scoped(user, Message.objects.all()).values("status").annotate(n=Count("id")).order_by()
    counts = dict.fromkeys(MessageStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
