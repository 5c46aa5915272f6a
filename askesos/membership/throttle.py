"""A fixed-window attempt counter per client IP, on Django's cache (LocMemCache by default).

Used by the public status page so nobody can try birth dates against a member number at speed.
With several server processes, configure a shared cache (Redis, database) for the limit to hold.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

STATUS_ATTEMPTS = 10
STATUS_WINDOW_SECONDS = 10 * 60


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def attempt_allowed(
    scope: str, ident: str, *, limit: int = STATUS_ATTEMPTS, window: int = STATUS_WINDOW_SECONDS
) -> bool:
    """Count one attempt; False once more than ``limit`` attempts fell in the current window."""
    key = f"throttle:{scope}:{ident}"
    cache.add(key, 0, timeout=window)  # starts the window; no-op while it runs
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
