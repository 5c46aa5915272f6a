"""Requests per user per time window, counted in the Django cache (fixed windows).

The rate is ``settings.ASKESOS_API_RATE`` ("600/m" by default; also "10/s", "5000/h" or a bare
number per minute). With several server processes the cache must be shared (database or Redis
cache); the default per-process memory cache counts each process separately.

Each process adds its requests to the shared counter in small batches (``batch_size``: one per
cent of the limit, at least one) rather than one cache write per request, and always at once when
the count comes within a batch of the limit. Below 200 requests per window that is every request;
above, a window can admit at most ``batch_size - 1`` requests per server process more than the
limit (≤ 1 % each), and the check never admits fewer.
"""

from __future__ import annotations

import functools
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache

from askesos.api.errors import ApiError, ErrorCode

DEFAULT_RATE = "600/m"
_PERIODS = {"s": 1, "m": 60, "h": 3600}
_MAX_IDENTS = 10_000  # per-process batches kept (one per user active in the current window)

# ident → [window, requests not yet added to the shared counter, shared count last seen]
_batches: dict[str, list[int]] = {}
_lock = threading.Lock()


@functools.lru_cache(maxsize=16)
def parse_rate(value: object) -> tuple[int, int]:
    """``"600/m"`` → (600, 60): requests allowed and the window in seconds."""
    text = str(value).strip().lower()
    count, _, unit = text.partition("/")
    period = _PERIODS.get(unit[:1] or "m")
    if not count.isdigit() or period is None:
        raise ValueError(f"ASKESOS_API_RATE={value!r} is not like '600/m'")
    return int(count), period


def batch_size(limit: int) -> int:
    return max(1, limit // 100)


def _shared_add(key: str, delta: int, timeout: int) -> int:
    """Add ``delta`` to the shared counter ``key``; its new value. One ``incr`` once it exists."""
    try:
        return int(cache.incr(key, delta))
    except ValueError:  # the first requests of the window (or the counter expired)
        if cache.add(key, delta, timeout=timeout):
            return delta
        try:  # another process created it meanwhile
            return int(cache.incr(key, delta))
        except ValueError:
            cache.set(key, delta, timeout=timeout)
            return delta


def rate_check(ident: str, *, now: float | None = None) -> None:
    """Count one request for ``ident``; raise a 429 ApiError (with Retry-After) past the limit."""
    limit, period = parse_rate(getattr(settings, "ASKESOS_API_RATE", DEFAULT_RATE))
    moment = time.time() if now is None else now
    window = int(moment // period)
    batch = batch_size(limit)
    with _lock:
        state = _batches.get(ident)
        if state is None or state[0] != window:
            if len(_batches) >= _MAX_IDENTS:
                _batches.clear()
            state = _batches[ident] = [window, 0, 0]
        state[1] += 1
        pending, seen = state[1], state[2]
        flush = pending >= batch or seen + pending > limit - batch
        if flush:
            state[1] = 0
    if flush:
        count = _shared_add(f"askesos:api-rate:{ident}:{window}", pending, period + 1)
        with _lock:
            if state[0] == window:
                state[2] = count
    else:
        count = seen + pending
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * period - moment))
        raise ApiError(429, ErrorCode.RATE_LIMITED, headers={"Retry-After": str(retry_after)})


def rate_reset() -> None:
    """Forget this process's unsent batches (tests clear the shared counters; this goes with it)."""
    with _lock:
        _batches.clear()
