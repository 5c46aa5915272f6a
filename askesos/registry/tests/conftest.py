"""Registry test helpers: valid person data and a ``register`` fixture going through the service."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from askesos.registry.services import PersonInput, person_register

TODAY = dt.date(2026, 11, 1)
JATINEGARA_KEY = 3175031001  # 31.75.03.1001, kecamatan Jatinegara
CAKUNG_KEY = 3175061001  # 31.75.06.1001


def person_input(**overrides: object) -> PersonInput:
    data = PersonInput(
        nik="3175031708850001",
        full_name="Budi Santoso",
        birth_date=dt.date(1985, 8, 17),
        sex="L",
        marital_status="kawin",
        occupation="pedagang_kaki_lima",
        monthly_income=1_500_000,
        is_breadwinner=True,
        address="Jl. Bekasi Timur Raya No. 12",
        kelurahan_id=JATINEGARA_KEY,
        kk_number="3175031203150007",
        phone="0812-3456-7890",
    )
    return dataclasses.replace(data, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def register(db, lpa_jt01):
    def make(*, lpa=None, actor=None, **overrides):
        return person_register(actor=actor, lpa=lpa or lpa_jt01, data=person_input(**overrides), today=TODAY)

    return make
