# ruff: noqa: E501, PT018
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from askesos.core.errors import DomainError
from askesos.registry import rules

TODAY = dt.date(2026, 11, 1)


def codes(check: rules.NikCheck | rules.KkCheck) -> tuple[list[str], list[str]]:
    return [f.code for f in check.errors], [f.code for f in check.warnings]


def test_it_accepts_a_valid_nik_and_reads_birth_date_and_sex():
    result = rules.check_nik("3175031708850001", today=TODAY)
    assert result.ok
    assert (result.nik, result.birth_date, result.sex, result.warnings) == (
        "3175031708850001",
        dt.date(1985, 8, 17),
        "L",
        (),
    )


def test_it_strips_spaces_dots_and_dashes():
    assert rules.check_nik(" 31.75.03 170885-0001 ", today=TODAY).nik == "3175031708850001"


def test_it_reads_women_with_day_plus_40():
    result = rules.check_nik("3175035708850001", today=TODAY)
    assert (result.birth_date, result.sex) == (dt.date(1985, 8, 17), "P")


@pytest.mark.parametrize(
    ("nik", "errors"),
    [
        ("317503170885001", ["nik_format"]),
        ("31750317088500011", ["nik_format"]),
        ("31750317088500a1", ["nik_format"]),
        ("9975031708850001", ["nik_province"]),
        ("3100031708850001", ["nik_regency"]),
        ("3175001708850001", ["nik_district"]),
        ("3175033208850001", ["nik_day"]),
        ("3175037208850001", ["nik_day"]),
        ("3175030008850001", ["nik_day"]),
        ("3175033102850001", ["nik_date"]),
        ("3175031713850001", ["nik_date"]),
        ("3175031708850000", ["nik_serial"]),
        ("9900003208850000", ["nik_province", "nik_regency", "nik_district", "nik_day", "nik_serial"]),
    ],
)
def test_it_reports_each_nik_error_with_its_code(nik, errors):
    assert codes(rules.check_nik(nik, today=TODAY))[0] == errors


def test_it_warns_about_a_district_not_in_todays_list():
    result = rules.check_nik("3175991708850001", today=TODAY)
    assert codes(result) == ([], ["nik_district_unknown"])
    assert result.warnings[0].message == (
        "District 31.75.99 is not in today's list of districts (it may be an older code)."
    )


def test_it_uses_the_district_list_it_is_given():
    assert codes(rules.check_nik("3175031708850001", known_district_codes={"317501"}, today=TODAY))[1] == [
        "nik_district_unknown"
    ]


def test_it_warns_when_recorded_birth_date_or_sex_differ():
    result = rules.check_nik("3175031708850001", birth_date=dt.date(1985, 8, 18), sex="P", today=TODAY)
    assert codes(result) == ([], ["nik_birth_date_mismatch", "nik_sex_mismatch"])
    assert result.warnings[0].field == "birth_date"
    assert result.warnings[1].message == "The NIK encodes the sex male but female is recorded."


def test_it_picks_the_century_that_is_not_in_the_future():
    assert rules.check_nik("3175031708250001", today=TODAY).birth_date == dt.date(2025, 8, 17)
    assert rules.check_nik("3175031712260001", today=TODAY).birth_date == dt.date(1926, 12, 17)


def test_it_refuses_29_february_of_a_non_leap_year():
    assert codes(rules.check_nik("3175032902850001", today=TODAY))[0] == ["nik_date"]
    assert rules.check_nik("3175032902840001", today=TODAY).birth_date == dt.date(1984, 2, 29)


def test_it_checks_kk_numbers():
    assert rules.check_kk("3175031203150007", today=TODAY).issued_on == dt.date(2015, 3, 12)
    assert codes(rules.check_kk("3175035203150007", today=TODAY))[0] == ["kk_date"]
    assert codes(rules.check_kk("3175031203150000", today=TODAY))[0] == ["kk_serial"]
    assert codes(rules.check_kk("0075031203150001", today=TODAY))[0] == ["kk_province"]
    assert codes(rules.check_kk("31750312031500", today=TODAY))[0] == ["kk_format"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("81234567890", "+6281234567890"),
        (81234567890.0, "+6281234567890"),
        ("(021) 555-1234", "+62215551234"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_normalizes_phones(raw, expected):
    assert rules.normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [("+1 555 123 4567", "phone_foreign"), ("0065 9123 4567", "phone_foreign"), ("0812", "phone_length"),
     ("0812-abc", "phone_format")],
)  # fmt: skip
def test_it_refuses_bad_phones(raw, code):
    with pytest.raises(DomainError) as info:
        rules.normalize_phone(raw)
    assert info.value.code == code


@pytest.mark.parametrize(
    "raw",
    ["17/08/1985", "17-08-1985", "17.08.1985", "1985-08-17", "17 Agustus 1985", "17 aug 1985", 31276, "31276",
     31276.0, dt.datetime(1985, 8, 17, 0, 0), dt.date(1985, 8, 17), "1985-08-17 00:00:00"],
)  # fmt: skip
def test_it_parses_dates(raw):
    assert rules.parse_date(raw) == dt.date(1985, 8, 17)


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("17/08/85", "date_two_digit_year", "17/08/85 has a two-digit year, which is ambiguous; write the year with four digits."),
        ("08/17/1985", "date_invalid", "08/17/1985 is not a date: the month must be 1-12 (write day/month/year)."),
        ("31/02/1985", "date_invalid", "31/02/1985 is not a real calendar date."),
        ("kemarin", "date_format", "kemarin is not a date; write day/month/year, e.g. 17/08/1985."),
        ("", "date_missing", "The date is missing."),
        (0, "date_serial_range", "0 is outside the range of spreadsheet dates."),
    ],
)  # fmt: skip
def test_it_reports_bad_dates_precisely(raw, code, message):
    with pytest.raises(DomainError) as info:
        rules.parse_date(raw)
    assert (info.value.code, info.value.message) == (code, message)


@pytest.mark.parametrize(("raw", "value"), [("L", "L"), ("laki-laki", "L"), ("Pria", "L"), ("M", "L"),
                                            ("male", "L"), ("P", "P"), ("PEREMPUAN", "P"), ("f", "P")])  # fmt: skip
def test_it_parses_sex(raw, value):
    assert rules.parse_sex(raw) == value


def test_it_refuses_an_unknown_sex():
    with pytest.raises(DomainError) as info:
        rules.parse_sex("X")
    assert info.value.code == "sex_invalid"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Belum Kawin", "belum_kawin"), ("belum_kawin", "belum_kawin"), ("lajang", "belum_kawin"), ("KAWIN", "kawin"),
     ("menikah", "kawin"), ("Cerai Hidup", "cerai_hidup"), ("cerai-mati", "cerai_mati"), ("CM", "cerai_mati")],
)  # fmt: skip
def test_it_parses_marital_status(raw, value):
    assert rules.parse_marital(raw) == value


def test_it_refuses_janda_as_ambiguous():
    with pytest.raises(DomainError) as info:
        rules.parse_marital("Janda")
    assert info.value.code == "marital_ambiguous"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("pedagang_kaki_lima", "pedagang_kaki_lima"), ("Pedagang Kaki Lima", "pedagang_kaki_lima"), ("PKL", "pedagang_kaki_lima"),
     ("street vendor", "pedagang_kaki_lima"), ("Pengemudi ojek", "pengemudi_ojek"), ("ojol", "pengemudi_ojek")],
)  # fmt: skip
def test_it_parses_occupations(raw, value):
    assert rules.parse_occupation(raw) == value


def test_it_refuses_unknown_occupations():
    with pytest.raises(DomainError) as info:
        rules.parse_occupation("astronaut")
    assert info.value.code == "occupation_invalid"


@pytest.mark.parametrize(
    "raw",
    [
        "1.500.000",
        "Rp 1.500.000",
        "Rp1.500.000,-",
        "1500000",
        1500000,
        1500000.0,
        "1,500,000",
        "1.500.000,00",
    ],
)
def test_it_parses_incomes(raw):
    assert rules.parse_income(raw) == 1_500_000


@pytest.mark.parametrize("raw", ["satu juta", "-5000", "1.5", 1500.5, "1.500.000,50", ""])
def test_it_refuses_bad_incomes(raw):
    with pytest.raises(DomainError):
        rules.parse_income(raw)


@pytest.mark.parametrize(("raw", "value"), [("ya", True), ("Y", True), ("1", True), (1, True), ("true", True),
                                            (True, True), ("tidak", False), ("N", False), ("0", False), (0, False),
                                            ("false", False)])  # fmt: skip
def test_it_parses_booleans(raw, value):
    assert rules.parse_bool(raw) is value


def test_it_refuses_an_unclear_boolean():
    with pytest.raises(DomainError) as info:
        rules.parse_bool("mungkin")
    assert info.value.code == "bool_invalid"


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [("3175031708850001", "3175031708850001"), ("'3175031708850001", "3175031708850001"),
     ("3175031708850001.0", "3175031708850001"), ("3175031708850001,00", "3175031708850001"),
     (3175031708850001.0, "3175031708850001"), (3175031708850001, "3175031708850001"),
     ("3.175031708850001E+15", "3175031708850001"), ("3175 0317 0885 0001", "3175031708850001")],
)  # fmt: skip
def test_it_repairs_spreadsheet_damage_when_one_reading_exists(raw, repaired):
    assert rules.repair_nik(raw) == repaired


def test_it_refuses_scientific_notation_that_lost_digits():
    with pytest.raises(DomainError) as info:
        rules.repair_nik("3.17509E+15")
    assert info.value.code == "nik_scientific"
    assert info.value.message == (
        "The cell was converted to scientific notation (3.17509E+15) and the last digits of the NIK are lost; "
        "format the column as Text and re-enter the NIK."
    )


def test_it_refuses_a_15_digit_nik_as_not_a_lost_leading_zero():
    with pytest.raises(DomainError) as info:
        rules.repair_nik("317503170885001")
    assert info.value.code == "nik_too_short"


def test_it_refuses_floats_that_are_not_exact():
    with pytest.raises(DomainError) as info:
        rules.repair_nik(9471031708850001.0)
    assert info.value.code == "nik_number_rounded"


def test_it_masks_niks():
    assert rules.mask_nik("3175031708850001") == "3175••••••••0001"
    assert rules.mask_nik("123") == "•••"


# --- properties ---------------------------------------------------------------------------------------

_DISTRICTS = sorted(rules.known_district_codes())


@st.composite
def valid_niks(draw):
    district = draw(st.sampled_from(_DISTRICTS))
    born = draw(st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY))
    sex = draw(st.sampled_from("LP"))
    serial = draw(st.integers(min_value=1, max_value=9999))
    day = born.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}", born, sex


@given(valid_niks())
def test_property_any_valid_nik_passes_and_round_trips(case):
    nik, born, sex = case
    result = rules.check_nik(nik, birth_date=born, sex=sex, today=TODAY)
    assert result.ok and result.warnings == ()
    assert (result.birth_date, result.sex) == (born, sex)
    assert rules.repair_nik(nik) == nik


_NIK_ERRORS = {"nik_province", "nik_regency", "nik_district", "nik_day", "nik_date", "nik_serial"}


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_property_any_16_digits_pass_or_give_specific_errors(digits):
    result = rules.check_nik(digits, today=TODAY)
    assert result.nik == digits
    assert {f.code for f in result.errors} <= _NIK_ERRORS
    assert result.ok == (result.birth_date is not None and not result.errors)


@given(st.text(max_size=20))
def test_property_check_nik_never_crashes(text):
    result = rules.check_nik(text, today=TODAY)
    assert result.ok or result.errors


@given(st.sampled_from(["0812", "0813", "0857", "0878", "0896", "0881"]), st.integers(10**6, 10**8 - 1))
def test_property_normalize_phone_is_idempotent(prefix, number):
    once = rules.normalize_phone(f"{prefix}{number}")
    assert once.startswith("+628")
    assert rules.normalize_phone(once) == once


@given(st.integers(min_value=0, max_value=10**11))
def test_property_income_in_any_common_format_parses_back(amount):
    dotted = f"{amount:,}".replace(",", ".")
    assert rules.parse_income(dotted) == amount
    assert rules.parse_income(f"Rp {dotted}") == amount
    assert rules.parse_income(str(amount)) == amount


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)))
def test_property_dates_in_every_written_form_agree(day):
    assert rules.parse_date(day.strftime("%d/%m/%Y")) == day
    assert rules.parse_date(day.isoformat()) == day
    assert rules.parse_date((day - dt.date(1899, 12, 30)).days) == day
