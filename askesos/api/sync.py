"""Field-device sync: a batch of items an officer's phone captured offline, each applied on its own.

Each item carries a device-generated ``client_id``. An item is done in its own transaction together
with its ``SyncItem`` row (unique per user and client_id), so a retried batch finds finished items
and answers ``duplicate`` with the original result: nothing is ever done twice, even when two
retries race (the loser's work rolls back and it reads the winner's row). Failed items are not
stored, so a retry tries them again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pydantic
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from askesos.api import actions
from askesos.api.errors import ApiError, ErrorCode, domain_body, error_body
from askesos.api.models import SyncItem
from askesos.api.schemas import AttendanceIn, EnrolmentIn, LeadIn, PaymentIn, SyncItemIn
from askesos.core.errors import DomainError


def _enrolment(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    return actions.enrol(user, EnrolmentIn.model_validate(data))


def _payment(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    return actions.pay(user, PaymentIn.model_validate(data))[1]


def _lead(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    return actions.lead_capture(user, LeadIn.model_validate(data))


def _attendance(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    return actions.attendance_set(user, AttendanceIn.model_validate(data))


HANDLERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    SyncItem.Kind.ENROLMENT: _enrolment,
    SyncItem.Kind.PAYMENT: _payment,
    SyncItem.Kind.LEAD: _lead,
    SyncItem.Kind.ATTENDANCE: _attendance,
}


class _Race(Exception):
    pass


def _outcome(
    item: SyncItemIn, status: str, result: dict[str, Any] | None = None, error: Any = None
) -> dict[str, Any]:
    server_id = result.get("id") if result is not None else None
    return {
        "client_id": str(item.client_id),
        "kind": item.kind,
        "status": status,
        "id": server_id,
        "result": result,
        "error": error,
    }


def _validation_body(exc: pydantic.ValidationError) -> dict[str, Any]:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ())) or None
    return error_body(ErrorCode.VALIDATION_ERROR, first.get("msg"), field)


def _error(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, DomainError):
        return domain_body(exc)
    if isinstance(exc, ApiError):
        return exc.body
    if isinstance(exc, pydantic.ValidationError):
        return _validation_body(exc)
    if isinstance(exc, PermissionDenied):
        return error_body(ErrorCode.PERMISSION_DENIED)
    return error_body(ErrorCode.NOT_FOUND)


def _stored(user: Any, client_id: uuid.UUID) -> SyncItem | None:
    return SyncItem.objects.filter(user_id=user.pk, client_id=client_id).first()


def _apply(user: Any, item: SyncItemIn) -> dict[str, Any]:
    handler = HANDLERS.get(item.kind)
    if handler is None:
        return _outcome(item, "error", error=error_body(ErrorCode.UNSUPPORTED_KIND, field="kind"))
    try:
        with transaction.atomic():
            result = handler(user, item.data)
            try:
                with transaction.atomic():
                    SyncItem.objects.create(
                        user_id=user.pk,
                        client_id=item.client_id,
                        kind=item.kind,
                        result=result,
                        created_at=timezone.now(),
                    )
            except IntegrityError:
                raise _Race from None
    except _Race:
        return _duplicate(item, _stored(user, item.client_id))
    except (DomainError, ApiError, pydantic.ValidationError, PermissionDenied, Http404) as exc:
        # The same client_id twice in one batch: the first one already did it.
        stored = _stored(user, item.client_id)
        return _duplicate(item, stored) if stored is not None else _outcome(item, "error", error=_error(exc))
    return _outcome(item, "ok", result)


def _duplicate(item: SyncItemIn, stored: SyncItem | None) -> dict[str, Any]:
    result = stored.result if stored is not None else None
    return _outcome(item, "duplicate", result)


def sync_batch(*, user: Any, items: list[SyncItemIn]) -> list[dict[str, Any]]:
    """Apply each item (in order, each in its own transaction); one result per item, same order."""
    done = {
        row.client_id: row
        for row in SyncItem.objects.filter(user_id=user.pk, client_id__in=[i.client_id for i in items])
    }
    results = []
    for item in items:
        stored = done.get(item.client_id)
        results.append(_duplicate(item, stored) if stored is not None else _apply(user, item))
    return results
