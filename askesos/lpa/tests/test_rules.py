from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from askesos.core.masking import mask_nik
from askesos.lpa import rules

dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31))


def test_it_needs_three_full_years_of_service():
    assert rules.service_years_met(dt.date(2023, 11, 24), dt.date(2026, 11, 24)) is True
    assert rules.service_years_met(dt.date(2023, 11, 25), dt.date(2026, 11, 24)) is False
    assert rules.service_years_met(None, dt.date(2026, 11, 24)) is False


def test_it_counts_a_leap_day_founding_from_28_february():
    assert rules.service_years_met(dt.date(2024, 2, 29), dt.date(2027, 2, 27)) is False
    assert rules.service_years_met(dt.date(2024, 2, 29), dt.date(2027, 2, 28)) is True
    assert rules.full_years_between(dt.date(2024, 2, 29), dt.date(2028, 2, 28)) == 3
    assert rules.full_years_between(dt.date(2024, 2, 29), dt.date(2028, 2, 29)) == 4


@given(dates, dates)
def test_it_agrees_between_years_and_the_criterion(founded, today):
    met = rules.service_years_met(founded, today)
    assert met == (rules.full_years_between(founded, today) >= rules.MIN_SERVICE_YEARS)


@given(dates)
def test_it_is_monotonic_in_today(founded):
    anniversary = rules.add_years(founded, 3)
    assert rules.service_years_met(founded, anniversary)
    assert not rules.service_years_met(founded, anniversary - dt.timedelta(days=1))


@pytest.mark.parametrize("raw", ["0812-3456-7890", "62812 3456 7890", "+62 812 3456 7890", "081234567890"])
def test_it_normalises_mobile_numbers(raw):
    assert rules.normalize_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["abc", "0812", "12345"])
def test_it_refuses_non_phone_numbers(raw):
    assert rules.normalize_phone(raw) is None


def test_it_checks_nik_structure():
    assert rules.nik_is_valid(rules.normalize_nik("3175.06-4101 900001")) is True
    assert rules.nik_is_valid("3175060000000000") is False  # no birth date, serial 0000
    assert rules.nik_is_valid("317506410190001") is False  # 15 digits


def test_it_masks_nik_for_lists():
    assert mask_nik("3175064101900001") == "3175••••••••0001"
    assert mask_nik("12345") == "•••••"
    assert mask_nik(None) == ""
