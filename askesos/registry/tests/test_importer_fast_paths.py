"""The importer's shortcuts give exactly what the rules they stand for give (hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from askesos.core.errors import DomainError
from askesos.registry import rules
from askesos.registry.importer import _mobile_e164, _RowParser

from .conftest import TODAY

DISTRICTS = ["317503", "317506", "317101", "310101", "110101", "320000", "007503", "319999", "999999"]


class _Lpa:
    pk = 1


def _parser() -> _RowParser:
    return _RowParser({}, lpa=_Lpa(), actor=None, villages=frozenset(), today=TODAY)  # type: ignore[arg-type]


def _nik(district: str, born: dt.date, sex: str, serial: int) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


@given(st.from_regex(r"\A[0-9+ ()\-.]{0,16}\Z"))
@settings(max_examples=400, deadline=None)
def test_the_mobile_shortcut_agrees_with_normalize_phone(raw):
    fast = _mobile_e164(raw)
    if fast is not None:
        assert fast == rules.normalize_phone(raw)


@given(st.integers(min_value=10, max_value=13), st.integers(min_value=0, max_value=10**13))
def test_plain_mobile_numbers_take_the_shortcut(length, digits):
    raw = ("08" + str(digits))[:length].ljust(length, "1")
    assert _mobile_e164(raw) == rules.normalize_phone(raw)


@given(
    district=st.sampled_from(DISTRICTS),
    born=st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2040, 12, 31)),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(min_value=0, max_value=9999),
    recorded=st.one_of(st.none(), st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2040, 12, 31))),
    recorded_sex=st.sampled_from(["L", "P", "X"]),
)
@settings(max_examples=600, deadline=None)
def test_a_nik_is_clean_only_when_check_nik_finds_nothing(
    district, born, sex, serial, recorded, recorded_sex
):
    parser = _parser()
    nik = _nik(district, born, sex, serial)
    birth_date = recorded or born
    checked = rules.check_nik(nik, birth_date=birth_date, sex=recorded_sex, today=TODAY)
    if parser._nik_is_clean(nik, birth_date, recorded_sex):
        assert (checked.errors, checked.warnings) == ((), ())
    errors: list[tuple[str, str]] = []
    got = parser._nik(nik, birth_date, recorded_sex, errors)
    expected_errors = [("nik", "; ".join(e.message for e in checked.errors))] if checked.errors else []
    assert (got, errors) == ((checked.nik or "", [w.as_dict() for w in checked.warnings]), expected_errors)


@pytest.mark.parametrize("born", [dt.date(1985, 8, 17), dt.date(2004, 2, 29), dt.date(1926, 12, 1)])
def test_valid_niks_take_the_shortcut(born):
    for sex in ("L", "P"):
        assert _parser()._nik_is_clean(_nik("317503", born, sex, 1), born, sex)


@given(
    district=st.sampled_from(DISTRICTS),
    issued=st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2040, 12, 31)),
    day_shift=st.sampled_from([0, 0, 40, 13]),
    serial=st.integers(min_value=0, max_value=9999),
)
@settings(max_examples=400, deadline=None)
def test_the_kk_memo_agrees_with_check_kk(district, issued, day_shift, serial):
    parser = _parser()
    number = f"{district}{issued.day + day_shift:02d}{issued.month:02d}{issued.year % 100:02d}{serial:04d}"
    checked = rules.check_kk(number, today=TODAY)
    expected = [("no_kk", "; ".join(e.message for e in checked.errors))] if checked.errors else []
    for _twice in range(2):
        errors: list[tuple[str, str]] = []
        assert parser._kk(number, errors) == number
        assert errors == expected


def test_other_kk_cells_still_go_through_repair():
    errors: list[tuple[str, str]] = []
    parser = _parser()
    assert parser._kk("3.17503E+15", errors) == ""
    with pytest.raises(DomainError) as info:
        rules.repair_nik("3.17503E+15", field_name="kk", label=parser.kk_label)
    assert errors == [("no_kk", str(info.value.message))]


# One parser over every combination of a grid: the memos (per region prefix, per issue date, per
# birth date and sex) are shared between numbers, so a wrong memo key shows here and not with a fresh
# parser per number.
_DATES = [
    dt.date(1985, 8, 17), dt.date(2000, 2, 29), dt.date(1926, 12, 1), dt.date(1926, 10, 31), TODAY,
    TODAY + dt.timedelta(days=1), dt.date(2025, 11, 2), dt.date(1925, 11, 2), dt.date(2004, 2, 29),
]  # fmt: skip


def test_one_parser_agrees_with_check_kk_over_a_grid_of_numbers():
    parser = _parser()
    grid = itertools.product(
        DISTRICTS,
        [0, 1, 28, 29, 30, 31, 32, 41, 69],  # day: 00, 32+ and 41+ are never issue days
        [0, 1, 2, 4, 12, 13],
        [0, 1, 4, 25, 26, 27, 85, 99],  # around TODAY (2026) and leap years (29/02)
        [0, 7],
    )
    for district, day, month, yy, serial in grid:
        number = f"{district}{day:02d}{month:02d}{yy:02d}{serial:04d}"
        checked = rules.check_kk(number, today=TODAY)
        errors: list[tuple[str, str]] = []
        assert parser._kk(number, errors) == number
        assert errors == ([("no_kk", "; ".join(e.message for e in checked.errors))] if checked.errors else [])


def test_one_parser_agrees_with_check_nik_over_a_grid_of_rows():
    parser = _parser()
    grid = itertools.product(DISTRICTS, _DATES, ["L", "P"], [0, 1], _DATES, ["L", "P"])
    for district, born, sex, serial, recorded, recorded_sex in grid:
        nik = _nik(district, born, sex, serial)
        checked = rules.check_nik(nik, birth_date=recorded, sex=recorded_sex, today=TODAY)
        errors: list[tuple[str, str]] = []
        got = parser._nik(nik, recorded, recorded_sex, errors)
        expected_errors = [("nik", "; ".join(e.message for e in checked.errors))] if checked.errors else []
        assert (got, errors) == (
            (checked.nik or "", [w.as_dict() for w in checked.warnings]),
            expected_errors,
        )
