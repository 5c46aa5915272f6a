"""Enqueuing and sending messages (the outbox pattern).

``notify`` only writes a row inside the caller's transaction; the text goes out after commit (if
``ASKESOS_NOTIFY_EAGER``, default on) or from the worker ``askesos send-notifications``. Every send
starts with a compare-and-set claim, so a message is sent at most once per claim however many
workers run; failures are retried with exponential backoff (``rules.backoff_delay``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from askesos.audit.services import audit_record, jsonable
from askesos.core.errors import DomainError, TransitionError
from askesos.lpa.models import Lpa
from askesos.notifications import rules
from askesos.notifications.backends import Backend, SendError, get_backend
from askesos.notifications.models import Channel, Message, MessageStatus

logger = logging.getLogger("askesos.notifications")

_CHANNELS = frozenset(Channel.values)  # ``Channel.values`` builds a new list on every access

# A worker that died mid-send leaves a row in ``sending``; after this long another worker may retry it.
STALE_SENDING = dt.timedelta(minutes=10)


def _jsonable(context: dict[str, Any]) -> dict[str, Any]:
    return jsonable(context) or {}


def _recipient(channel: str, to: str) -> str:
    if channel == Channel.EMAIL:
        if "@" not in to:
            raise DomainError(f"{to!r} is not an e-mail address", code="invalid_email", field="to")
        return to.strip()
    return rules.normalize_phone(to)


def notify(
    *,
    to_phone: str,
    template: str,
    context: dict[str, Any],
    channel: str = "sms",
    related_type: str = "",
    related_id: str = "",
    lpa_id: int | None = None,
    region_id: int | None = None,
) -> Message:
    """Put one message in the outbox, rendered in Indonesian from a named template (``rules.TEMPLATES``).

    Call it inside the transaction of the change it reports (a payment, a claim decision): if that
    rolls back, nothing is sent. Unknown templates, missing context and bad numbers raise DomainError.
    ``region_id`` is the LPA's kelurahan key (the scope column); callers that have already read it
    pass it to save a query, otherwise it is looked up from ``lpa_id``.
    """
    row = message_row(
        to_phone=to_phone,
        template=template,
        context=context,
        channel=channel,
        related_type=related_type,
        related_id=related_id,
        lpa_id=lpa_id,
        region_id=region_id,
    )
    del row["id"]
    if region_id is None and lpa_id:
        row["region_id"] = Lpa.objects.filter(pk=lpa_id).values_list("kelurahan_id", flat=True).first()
    message = Message.objects.create(**row)
    message_queued(message)
    return message


def message_row(
    *,
    to_phone: str,
    template: str,
    context: dict[str, Any],
    channel: str = "sms",
    related_type: str = "",
    related_id: str = "",
    lpa_id: int | None = None,
    region_id: int | None,
    message_id: int | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The column values (``Message`` attribute names) of the queued message ``notify`` would write,
    for hot paths that insert it themselves in one statement with the change (``payment_record``);
    same rules and errors as ``notify``. Once inserted, hand the row to ``message_queued``."""
    if channel not in _CHANNELS:
        raise DomainError(f"unknown channel {channel!r}", code="invalid_channel", field="channel")
    body = rules.render(template, context)
    to = _recipient(channel, to_phone)
    now = at or timezone.now()
    return {
        "id": message_id,
        "channel": channel,
        "to": to,
        "body": body,
        "template": template,
        "context": _jsonable(context),
        "status": MessageStatus.QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "claimed_at": None,
        "last_error": "",
        "provider_message_id": "",
        "related_type": related_type,
        "related_id": str(related_id),
        "lpa_id": lpa_id,
        "region_id": region_id,
        "created_at": now,
        "sent_at": None,
    }


def message_queued(message: Message | dict[str, Any]) -> None:
    """A message was just written to the outbox in the current transaction: with
    ``ASKESOS_NOTIFY_EAGER`` send it right after commit (the worker sends it otherwise)."""
    if not getattr(settings, "ASKESOS_NOTIFY_EAGER", True):
        return
    if isinstance(message, dict):
        message = Message(**message)
    transaction.on_commit(lambda: _send_new_quietly(message))


def _send_new_quietly(message: Message) -> None:
    try:
        _send_new(message)
    except Exception:  # after commit nobody can handle it; the worker retries from the outbox
        logger.exception("sending message %s after commit failed", message.pk)


def _send_new(message: Message, backend: Backend | None = None) -> str:
    """Send a message this process has just queued (and committed): the same claim, send and record
    as ``message_send``, without reading the row back (its text is in hand; the claim is a
    compare-and-set on ``queued`` with no attempts, so a worker that got there first wins)."""
    now = timezone.now()
    claimed = Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED, attempts=0).update(
        status=MessageStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now
    )
    if claimed != 1:
        return ""
    return _deliver(message, 1, backend=backend, now=now)


def message_claim(*, message: Message, now: dt.datetime) -> bool:
    """Compare-and-set ``queued``/``failed`` (or stale ``sending``) → ``sending``; True if we won."""
    return (
        Message.objects.filter(pk=message.pk, status=message.status, attempts=message.attempts).update(
            status=MessageStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now
        )
        == 1
    )


def _due_q(now: dt.datetime) -> Q:
    waiting = Q(status__in=[MessageStatus.QUEUED, MessageStatus.FAILED], next_attempt_at__lte=now)
    stale = Q(status=MessageStatus.SENDING, claimed_at__lt=now - STALE_SENDING)
    return waiting | stale


def message_send(*, message_id: int, backend: Backend | None = None, now: dt.datetime | None = None) -> str:
    """Claim and send one message if it is due. Returns its status afterwards, or "" if another
    worker had it (or it was not due)."""
    now = now or timezone.now()
    message = Message.objects.filter(_due_q(now), pk=message_id).first()
    if message is None or not message_claim(message=message, now=now):
        return ""
    return _deliver(message, message.attempts + 1, backend=backend, now=now)


def _deliver(message: Message, attempts: int, *, backend: Backend | None, now: dt.datetime) -> str:
    """Send a claimed message and record the outcome."""
    try:
        provider_id = (backend or get_backend()).send(message)
    except SendError as exc:
        return _record_failure(message.pk, attempts, str(exc), permanent=exc.permanent, now=now)
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
        provider_message_id=provider_id[:100],
        last_error="",
    )
    return MessageStatus.SENT


def _record_failure(pk: int, attempts: int, error: str, *, permanent: bool, now: dt.datetime) -> str:
    delay = None if permanent else rules.backoff_delay(attempts)
    if delay is None:
        status, next_at = MessageStatus.DEAD, now
    else:
        status, next_at = MessageStatus.FAILED, now + delay
    Message.objects.filter(pk=pk, status=MessageStatus.SENDING).update(
        status=status, next_attempt_at=next_at, last_error=error[:1000]
    )
    logger.warning("message %s attempt %s failed (%s): %s", pk, attempts, status, error)
    return status


def outbox_send_due(
    *, limit: int = 100, backend: Backend | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Send up to ``limit`` due messages, oldest first; returns counts by resulting status."""
    now = now or timezone.now()
    ids = list(
        Message.objects.filter(_due_q(now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    chosen = backend or get_backend()
    for pk in ids:
        status = message_send(message_id=pk, backend=chosen, now=now) or "skipped"
        counts[status] = counts.get(status, 0) + 1
    return counts


def message_retry_now(*, message: Message, actor: Any, now: dt.datetime | None = None) -> None:
    """Staff action "retry now": a failed or dead message goes back to the queue, due at once
    (compare-and-set; the attempt counter restarts so a dead message gets a full new schedule)."""
    now = now or timezone.now()
    if message.status not in (MessageStatus.FAILED, MessageStatus.DEAD):
        raise TransitionError(f"a {message.status} message cannot be retried", code="invalid_transition")
    with transaction.atomic():
        changed = Message.objects.filter(pk=message.pk, status=message.status).update(
            status=MessageStatus.QUEUED, next_attempt_at=now, attempts=0
        )
        if changed != 1:
            raise TransitionError("the message changed meanwhile; reload", code="conflict")
        audit_record(
            actor=actor,
            action="message.retry",
            obj=message,
            old={"status": message.status},
            new={"status": MessageStatus.QUEUED},
            region_id=message.region_id,
            lpa_id=message.lpa_id,
        )
