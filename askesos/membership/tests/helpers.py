"""Test helpers: persons created directly (the registry services may not exist yet)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from askesos.regions.models import Region
from askesos.registry.models import MaritalStatus, Occupation, Person, Sex

TODAY = dt.date(2026, 3, 15)
_serial = itertools.count(1)


def make_person(lpa: Any, *, kelurahan: str = "31.75.03.1001", **overrides: Any) -> Person:
    """An eligible person for Askesos Klasik on TODAY unless overridden (born 10-01-1990, NIK to match)."""
    serial = next(_serial)
    values: dict[str, Any] = {
        "nik": f"317503100190{serial:04d}",
        "full_name": f"Budi Santoso {serial}",
        "birth_date": dt.date(1990, 1, 10),
        "sex": Sex.MALE,
        "marital_status": MaritalStatus.MARRIED,
        "occupation": Occupation.STREET_VENDOR,
        "monthly_income": 1_500_000,
        "is_breadwinner": True,
        "address": "Jl. Jatinegara Barat 1",
        "kelurahan": Region.objects.get(code=kelurahan),
        "lpa": lpa,
    }
    values.update(overrides)
    return Person.objects.create(**values)
