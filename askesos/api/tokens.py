"""Personal API tokens: create (shown once), revoke, and authenticate a presented token.

A token is ``ask_<prefix>_<secret>``. The prefix (10 hex digits) is stored in clear and indexed,
so authentication is one indexed lookup; the whole token is stored only as its SHA-256 and
compared in constant time. A revoked token, or one of a deactivated user, authenticates nobody.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
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


def token_authenticate(raw: str) -> User | None:
    """The active user owning this token, or None. Touches ``last_used_at`` (at most once a minute)."""
    match = _SHAPE.match(raw.strip())
    if match is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=match.group(1)).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if not hmac.compare_digest(token.token_hash, token_hash(raw.strip())):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
