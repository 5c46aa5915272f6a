"""Personal API tokens: create (shown once), revoke, and authenticate a presented token.

A token is ``ask_<prefix>_<secret>``. The prefix (10 hex digits) is stored in clear and indexed,
so authentication is one indexed lookup; the whole token is stored only as its SHA-256 and
compared in constant time. A revoked token, or one of a deactivated user, authenticates nobody.

Authentication is on the path of every API request, so its result (the user and their scope) is
kept per process, keyed by the token's hash, and **re-validated on every request** by one raw SQL
statement (no ORM work) that reads everything it depends on: the token row (hash, revoked), the
user's active flag, role, national scope and username, and the ids of the user's scope regions and
LPAs. When any of these differs from what the cached entry was built from, the entry is rebuilt
through the ORM; a revoked token, a deactivated user or a changed scope therefore takes effect on
the very next request in every server process, whoever changed it and however (page, admin,
shell, raw SQL). Other user fields (names, e-mail) are re-read at least every
``CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.accounts.models import User
from askesos.api.models import ApiToken
from askesos.audit.services import audit_record
from askesos.core.errors import DomainError, TransitionError

_SHAPE = re.compile(r"^ask_([0-9a-f]{10})_[A-Za-z0-9_-]{20,100}$")
LAST_USED_RESOLUTION = timedelta(minutes=1)  # write last_used_at at most once a minute per token


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``actor``; returns the row and the full token (the only time it exists in clear)."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name."), code="required", field="name")
    prefix = secrets.token_hex(5)
    raw = f"ask_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name[:100], prefix=prefix, token_hash=token_hash(raw), created_at=timezone.now()
        )
        audit_record(
            actor=actor, action="api_token.create", obj=token, new={"name": token.name, "prefix": prefix}
        )
    return token, raw


def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke (compare-and-set: only a token not yet revoked); the token stops working at once."""
    now = timezone.now()
    with transaction.atomic():
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now) != 1:
            raise TransitionError(_("This token is already revoked."))
        token.revoked_at = now
        audit_record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            old={"revoked_at": None},
            new={"revoked_at": now},
        )
    return token


def _slow_authenticate(raw: str, prefix: str) -> tuple[User, ApiToken] | None:
    """The ORM path: the token row with its user, checked; touches ``last_used_at``."""
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if not hmac.compare_digest(token.token_hash, token_hash(raw)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


# --- the per-process cache of authenticated tokens --------------------------------------------------

CACHE_SECONDS = 60.0  # rebuild an entry at least this often (fields outside the fingerprint)
CACHE_SIZE = 2048  # entries per process (one per token in use); the oldest go first


@dataclass
class _Entry:
    fingerprint: tuple[Any, ...]
    user: User  # a template: every request gets its own shallow copy
    token_id: int
    built: float  # time.monotonic() when built
    touched: float  # time.monotonic() when last_used_at was last written by this process


_cache: dict[str, _Entry] = {}
_cache_lock = threading.Lock()
_fingerprint_sql: dict[str, str] = {}


def token_cache_clear() -> None:
    """Forget every cached token of this process (tests; never needed for correctness)."""
    with _cache_lock:
        _cache.clear()


def _sql() -> str:
    """One statement: the token, its user's security fields and the ids of the user's scope."""
    vendor = connection.vendor
    if vendor not in _fingerprint_sql:
        q = connection.ops.quote_name
        regions = User.scope_regions.through._meta
        lpas = User.scope_lpas.through._meta
        agg = "string_agg(CAST({} AS text), ',')" if vendor == "postgresql" else "group_concat({})"

        def ids(meta: Any, column: str) -> str:
            where = f"s.{q('user_id')} = u.{q('id')}"
            return f"(SELECT {agg.format(q(column))} FROM {q(meta.db_table)} s WHERE {where})"

        _fingerprint_sql[vendor] = (
            f"SELECT t.{q('id')}, t.{q('token_hash')}, t.{q('revoked_at')} IS NULL, u.{q('id')}, "
            f"u.{q('is_active')}, u.{q('role')}, u.{q('national_scope')}, u.{q('username')}, "
            f"{ids(regions, 'region_id')}, {ids(lpas, 'lpa_id')} "
            f"FROM {q(ApiToken._meta.db_table)} t "
            f"JOIN {q(User._meta.db_table)} u ON u.{q('id')} = t.{q('user_id')} "
            f"WHERE t.{q('prefix')} = %s"
        )
    return _fingerprint_sql[vendor]


def _id_set(text: str | None) -> frozenset[int]:
    return frozenset(int(x) for x in text.split(",")) if text else frozenset()


def _fingerprint(prefix: str) -> tuple[str, bool, tuple[Any, ...]] | None:
    """(stored hash, usable?, fingerprint) of the token with this prefix, or None."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, stored_hash, not_revoked, user_id, is_active, role, national, username, regions, lpas = row
    usable = bool(not_revoked) and bool(is_active)
    fingerprint = (
        token_id, user_id, bool(is_active), role, bool(national), username, _id_set(regions), _id_set(lpas)
    )  # fmt: skip
    return stored_hash, usable, fingerprint


def _copy(user: User) -> User:
    """A request's own shallow copy of the cached user (its own ``_state``; same field values)."""
    clone = User.__new__(User)
    clone.__dict__.update(user.__getstate__())
    return clone


def _store(key: str, entry: _Entry) -> None:
    with _cache_lock:
        _cache.pop(key, None)
        while len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = entry


def _forget(key: str) -> None:
    with _cache_lock:
        _cache.pop(key, None)


def token_authenticate(raw: str) -> User | None:
    """The active user owning this token, or None. Touches ``last_used_at`` (at most once a minute).

    The user comes with their scope already read (``core.access.user_scope``); see the module
    docstring for the cache and why it is never stale in what matters for security.
    """
    from askesos.core.access import user_scope

    raw = raw.strip()
    match = _SHAPE.match(raw)
    if match is None:
        return None
    prefix = match.group(1)
    digest = token_hash(raw)
    found = _fingerprint(prefix)
    if found is None:
        _forget(digest)
        return None
    stored_hash, usable, fingerprint = found
    if not usable or not hmac.compare_digest(stored_hash, digest):
        _forget(digest)
        return None
    now = time.monotonic()
    entry = _cache.get(digest)
    if entry is not None and entry.fingerprint == fingerprint and now - entry.built < CACHE_SECONDS:
        if now - entry.touched >= LAST_USED_RESOLUTION.total_seconds():
            entry.touched = now
            ApiToken.objects.filter(pk=entry.token_id).update(last_used_at=timezone.now())
        return _copy(entry.user)
    # Build (or rebuild) the entry through the ORM. The fingerprint was read *before* the rows it
    # describes, so a change racing with this rebuild leaves a stale fingerprint, never stale data.
    result = _slow_authenticate(raw, prefix)
    if result is None:
        _forget(digest)
        return None
    user, token = result
    user_scope(user)  # read once, kept on the template (``_askesos_scope``) and so on every copy
    _store(digest, _Entry(fingerprint, user, token.pk, built=now, touched=now))
    return _copy(user)
