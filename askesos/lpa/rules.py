"""Pure rules for implementing organisations and field officers (no ORM, property-tested)."""

from __future__ import annotations

import datetime as dt
import re

import lokal

MIN_SERVICE_YEARS = 3  # PROGRAM.md §1: "at least 3 consecutive years" of social-service work (M)
SEED_GRANT_RUPIAH = 30_000_000  # PROGRAM.md §1: one-off seed grant per LPA (H)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def full_years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (0 when ``end`` is before the first anniversary)."""
    if end < start:
        return 0
    years = end.year - start.year
    return years if add_years(start, years) <= end else years - 1


def service_years_met(founded_on: dt.date | None, today: dt.date) -> bool:
    """Selection criterion 6: the organisation has done social-service work for at least three
    consecutive years, counted from its founding date to ``today`` (PROGRAM.md §1)."""
    return founded_on is not None and add_years(founded_on, MIN_SERVICE_YEARS) <= today


def normalize_phone(raw: str) -> str | None:
    """``0812-3456-7890``, ``62812…``, ``+62 812…`` → ``+6281234567890``; None when not a phone."""
    text = (raw or "").strip()
    if not text:
        return None
    info = lokal.parse_phone(text)
    return info.e164 if info.valid else None


_NIK_SEPARATORS = re.compile(r"[\s.\-]")


def normalize_nik(raw: str) -> str:
    """Strip spaces, dots and dashes (PROGRAM.md §8); the result may still be invalid."""
    return _NIK_SEPARATORS.sub("", raw or "")


def nik_is_valid(nik: str) -> bool:
    """Structural NIK check (PROGRAM.md §8): 16 digits, known province, real birth date (+40 for
    women), serial not 0000. Structure cannot prove the NIK exists; that needs Dukcapil."""
    return len(nik) == 16 and nik.isdigit() and bool(lokal.parse_nik(nik).valid)
