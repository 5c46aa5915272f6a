"""``Idempotency-Key`` for unsafe requests: the same key and body replay the first answer.

The record (user, key, request hash, status, body) is written in the same transaction as the
change, so either both exist or neither does. Same key with another body → 422
``idempotency_key_reused``. A refused business rule (DomainError) is an answer too and is replayed;
a 401/403/404 is not stored (nothing was attempted). Two concurrent requests with one key: the
second waits on the unique index, then replays the first one's answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from askesos.api.errors import ApiError, ErrorCode, domain_body, domain_status
from askesos.api.models import IdempotencyRecord
from askesos.core.errors import DomainError

HEADER = "Idempotency-Key"
Answer = tuple[int, dict[str, Any]]


class _KeyRace(Exception):
    pass


def request_hash(request: HttpRequest, payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= 255 and key.isprintable()


def _answer(run: Callable[[], Answer]) -> Answer:
    """Run the operation in a savepoint; a refused business rule becomes its error answer."""
    try:
        with transaction.atomic():
            return run()
    except DomainError as exc:
        return domain_status(exc), domain_body(exc)


def _replay(record: IdempotencyRecord, digest: str) -> Answer:
    if record.request_hash != digest:
        raise ApiError(422, ErrorCode.IDEMPOTENCY_KEY_REUSED, field=HEADER)
    return record.status_code, record.response


def idempotent(request: HttpRequest, payload: Any, run: Callable[[], Answer]) -> Answer:
    """Answer ``run()`` once per (user, Idempotency-Key); without the header just run it."""
    key = request.headers.get(HEADER)
    if key is None:
        return _answer(run)
    if not _valid_key(key):
        raise ApiError(422, ErrorCode.IDEMPOTENCY_KEY_INVALID, field=HEADER)
    user_id = int(request.user.pk or 0)  # authenticated: the API's auth ran first
    digest = request_hash(request, payload)
    existing = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
    if existing is not None:
        return _replay(existing, digest)
    try:
        with transaction.atomic():
            status, body = _answer(run)
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        user_id=user_id,
                        key=key,
                        method=request.method or "",
                        path=request.path[:300],
                        request_hash=digest,
                        status_code=status,
                        response=body,
                        created_at=timezone.now(),
                    )
            except IntegrityError:
                raise _KeyRace from None
    except _KeyRace:
        return _replay(IdempotencyRecord.objects.get(user_id=user_id, key=key), digest)
    return status, body
