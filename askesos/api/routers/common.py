"""What every router shares: the documented error answers and limit/offset pagination."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet

from askesos.api.schemas import ErrorOut, PageQuery

T = TypeVar("T")

ERRORS: dict[int, type[ErrorOut]] = {code: ErrorOut for code in (401, 403, 404, 422, 429)}
WRITE_ERRORS: dict[int, type[ErrorOut]] = {**ERRORS, 409: ErrorOut}


def paginate(
    rows: QuerySet[Any] | Sequence[T],
    query: PageQuery,
    serialize: Callable[[Any], dict[str, Any]],
    *,
    count: bool,
) -> dict[str, Any]:
    """One page (fetching one extra row to know whether there is a next page); the total when asked."""
    window = list(rows[query.offset : query.offset + query.limit + 1])
    more = len(window) > query.limit
    total = None
    if count:
        total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    return {
        "items": [serialize(row) for row in window[: query.limit]],
        "count": total,
        "limit": query.limit,
        "offset": query.offset,
        "next_offset": query.offset + query.limit if more else None,
    }
