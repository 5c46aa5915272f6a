"""Requests per user per time window, counted in the Django cache (fixed windows).

The rate is ``settings.ASKESOS_API_RATE`` ("600/m" by default; also "10/s", "5000/h" or a bare
number per minute). With several server processes the cache must be shared (database or Redis
cache); the default per-process memory cache counts each process separately.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

from askesos.api.errors import ApiError, ErrorCode

DEFAULT_RATE = "600/m"
_PERIODS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(value: object) -> tuple[int, int]:
    """``"600/m"`` → (600, 60): requests allowed and the window in seconds."""
    text = str(value).strip().lower()
    count, _, unit = text.partition("/")
    period = _PERIODS.get(unit[:1] or "m")
    if not count.isdigit() or period is None:
        raise ValueError(f"ASKESOS_API_RATE={value!r} is not like '600/m'")
    return int(count), period


def rate_check(ident: str, *, now: float | None = None) -> None:
    """Count one request for ``ident``; raise a 429 ApiError (with Retry-After) past the limit."""
    limit, period = parse_rate(getattr(settings, "ASKESOS_API_RATE", DEFAULT_RATE))
    moment = time.time() if now is None else now
    window = int(moment // period)
    key = f"askesos:api-rate:{ident}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * period - moment))
        raise ApiError(429, ErrorCode.RATE_LIMITED, headers={"Retry-After": str(retry_after)})
