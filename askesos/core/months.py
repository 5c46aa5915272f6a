"""Months are first-of-month dates. Helpers for month arithmetic without a calendar library."""

from __future__ import annotations

import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from the month of ``start`` to the month of ``end`` (negative if end is earlier)."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def parse_month(text: str) -> dt.date:
    """Parse ``YYYY-MM`` into the first day of that month; ValueError names the expected form."""
    try:
        year, month = text.strip().split("-")
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValueError(f"{text!r} is not a month in the form YYYY-MM") from None
