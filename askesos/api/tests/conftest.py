"""API test fixtures: a scheme, persons, members enrolled through the service, and token clients."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache: every test starts with none (and no cached tokens)."""
    from django.core.cache import cache

    from askesos.api.ratelimit import rate_reset
    from askesos.api.tokens import token_cache_clear

    cache.clear()
    rate_reset()
    token_cache_clear()
    yield
    cache.clear()
    rate_reset()
    token_cache_clear()


@pytest.fixture
def scheme(db):
    from askesos.schemes.models import Scheme, SchemeVersion

    s = Scheme.objects.create(code="TEST-KLASIK", name="Test Klasik")
    SchemeVersion.objects.create(
        scheme=s,
        effective_from=dt.date(2020, 1, 1),
        premium_monthly=5000,
        payers=["member"],
        grace_months=3,
        max_advance_months=12,
    )
    return s


@pytest.fixture
def make_person(db):
    """An eligible worker (born 10-01-1990, NIK to match) registered by ``lpa`` in its kelurahan."""
    from askesos.registry.models import Person

    def make(lpa: Any, **overrides: Any) -> Person:
        serial = next(_serial)
        district = lpa.kelurahan.code.replace(".", "")[:6]
        values: dict[str, Any] = {
            "nik": f"{district}100190{serial:04d}",
            "full_name": f"Budi Santoso {serial}",
            "birth_date": dt.date(1990, 1, 10),
            "sex": "L",
            "marital_status": "kawin",
            "occupation": "pedagang_kaki_lima",
            "monthly_income": 1_500_000,
            "is_breadwinner": True,
            "phone": "",
            "address": "Jl. Jatinegara Barat 1",
            "kelurahan": lpa.kelurahan,
            "lpa": lpa,
        }
        values.update(overrides)
        return Person.objects.create(**values)

    return make


@pytest.fixture
def enrolled(scheme, make_person):
    """A member enrolled through ``membership_enrol`` (so the member number is a real one)."""
    from askesos.membership.services import membership_enrol

    def make(lpa: Any, actor: Any, **overrides: Any) -> Any:
        person = make_person(lpa, **overrides)
        return membership_enrol(
            actor=actor, person=person, scheme=scheme, lpa=lpa, today=timezone.localdate()
        )

    return make


@pytest.fixture
def token_for(db) -> Callable[[Any], str]:
    from askesos.api.tokens import token_create

    def make(user: Any) -> str:
        return token_create(actor=user, name="test")[1]

    return make


@pytest.fixture
def api(token_for):
    """``api(user)`` → a test client that sends the user's bearer token on every request."""

    def make(user: Any) -> Client:
        return Client(headers={"Authorization": f"Bearer {token_for(user)}"})

    return make


@pytest.fixture
def field_officer(db, officer, lpa_jt01):
    from askesos.lpa.models import FieldOfficer

    return FieldOfficer.objects.create(
        lpa=lpa_jt01,
        full_name="Budi Petugas",
        nik="3175031705800001",
        active_from=dt.date(2025, 1, 1),
        user=officer,
    )
