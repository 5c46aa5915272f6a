"""Bulk import of persons from CSV or XLSX (an LPA's member list), streaming with bounded memory.

Design (chosen so 1M rows fit in seconds and nothing is half-imported):
- The file is read as a stream (``csv`` over a text stream; openpyxl ``read_only`` ``iter_rows``); the
  header is checked first: a missing required column stops the import before any row is read.
- Each row is parsed by the pure parsers in ``registry.rules`` (no Django form per row). A row with
  any problem is written to the error file (original values + ``baris, kolom, alasan``; one line per
  problem column; ``baris`` is the row number as Excel shows it, header = 1) and nothing of it is kept.
- Valid rows are written in chunks of 2,000, **in transactions of ~100,000 rows** (consecutive chunks
  share one, each chunk in its own savepoint; see ``_TransactionGroup``): the person, their household
  (KK), their KK row and the chunk's audit event commit together, so every row is all-or-nothing.
  The writes are set-based with no per-row ORM work, about ten statements per chunk whatever its
  size. PostgreSQL: the persons are staged by ``COPY`` (rows formatted as COPY text by the reading
  thread) and inserted with ``ON CONFLICT (nik) DO NOTHING``, so the unique index tells which NIKs are
  registered already (``_store_chunk_postgres``); households likewise (``_households``); KK rows by
  ``COPY``. SQLite: NIK uniqueness is one query per chunk, person ids are reserved under the write
  lock, persons go in by one ``executemany``, households and KK rows by ``INSERT … SELECT`` over
  ``json_each``. A crash between transactions leaves whole rows only, and running the file again
  finishes the job: rows already in the registry with the same identity (name, birth date, sex)
  count as "already registered"; the same NIK with another identity is reported as a duplicate NIK
  and never overwritten. So the final state for a file is reproducible.
- On PostgreSQL the reading and the writing overlap (``_Writer``: a writer thread with its own
  connection books each chunk while the next one is read and validated).
- Hot paths are memoised or short-circuited, always giving what the rules give: cells repeating few
  values (sex, occupation, dates, kelurahan...) are parsed once per value; a NIK that ``check_nik``
  would pass without any finding is recognised without building findings (memoised per region
  prefix and per birth date and sex); a KK number without error likewise (per region prefix and
  per issue date); a plain mobile number "08..." is normalised directly
  (``tests/test_importer_fast_paths.py`` checks each shortcut against its rule).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import queue
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.audit.models import AuditEvent
from askesos.audit.services import audit_record, audit_row, bulk_insert
from askesos.core.errors import DomainError
from askesos.core.masking import mask_nik
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region
from askesos.registry import rules
from askesos.registry.models import Household, ImportJob, KkMembership, Person

COLUMNS = (
    "nik",
    "no_kk",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "status_kawin",
    "pekerjaan",
    "penghasilan",
    "pencari_nafkah_utama",
    "telepon",
    "alamat",
    "kode_kelurahan",
)
OPTIONAL_COLUMNS = frozenset({"telepon"})
_ALIASES = {
    "no_nik": "nik",
    "nomor_nik": "nik",
    "nkk": "no_kk",
    "nomor_kk": "no_kk",
    "kk": "no_kk",
    "nama_lengkap": "nama",
    "tgl_lahir": "tanggal_lahir",
    "jk": "jenis_kelamin",
    "status_perkawinan": "status_kawin",
    "no_hp": "telepon",
    "hp": "telepon",
    "kelurahan": "kode_kelurahan",
}
CHUNK_SIZE = 2000
# Persons written per transaction: consecutive chunks share one (see ``_TransactionGroup``). On
# SQLite a transaction holds the database's write lock: about 5 s for 100,000 rows into a table of a
# million (other writers wait; the busy timeout is 20 s). Measured at 1M rows: 20,000 per commit spent
# 18 s in commits, 100,000 per commit 5 s.
COMMIT_ROWS = 100_000
ERROR_COLUMNS = ("baris", "kolom", "alasan")
# processed rows, rows in the file (None when unknown), imported, rejected, already registered
ProgressCallback = Callable[[int, int | None, int, int, int], None]


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (format, encoding, missing columns): no row was read."""

    code = "import_file"


@dataclass
class ImportResult:
    imported: int = 0
    rejected: int = 0
    already_registered: int = 0
    rows: int = 0
    error_path: str = ""
    person_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"imported {self.imported}, rejected {self.rejected}, "
            f"already registered {self.already_registered}"
        )
        return f"{text} (errors: {self.error_path})" if self.error_path else text


# --- reading ---------------------------------------------------------------------------------------


def _header_key(cell: object) -> str:
    key = "_".join(str(cell or "").replace("\ufeff", "").strip().lower().replace("-", " ").split())
    return _ALIASES.get(key, key)


def column_index(header: Sequence[object]) -> dict[str, int]:
    """Map our column names to positions; missing required columns raise before any row is read."""
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = _header_key(cell)
        if key in COLUMNS and key not in index:
            index[key] = position
    missing = [c for c in COLUMNS if c not in index and c not in OPTIONAL_COLUMNS]
    if missing:
        raise ImportFileError(
            _("The file has no column %(columns)s. Download the template to see the expected columns.")
            % {"columns": ", ".join(missing)},
            code="import_missing_columns",
        )
    return index


def sniff_kind(head: bytes) -> str:
    """'xlsx' (a zip), 'csv' (text) or raise: decided by content, never by the file name."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if b"\x00" in head[:4096]:
        raise ImportFileError(
            _("This is not a CSV or XLSX file. Save the sheet as CSV or Excel workbook (.xlsx)."),
            code="import_format",
        )
    return "csv"


def _csv_rows(binary: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, Sequence[Any]]]]:
    """Header and numbered rows of a CSV file in UTF-8 (with or without BOM) or Windows-1252 (old Excel)."""
    head = binary.read(65536)
    binary.seek(0)
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A cut in the middle of a multi-byte character at the end of the sample is still UTF-8.
        encoding = "utf-8-sig" if exc.start >= len(head) - 3 else "cp1252"
    lines = _decoded_lines(binary, encoding)
    first = next(lines, "")
    delimiter = ";" if first.count(";") > first.count(",") else ("\t" if "\t" in first else ",")
    header = next(csv.reader([first], delimiter=delimiter), [])
    reader = csv.reader(lines, delimiter=delimiter)
    return header, _numbered(reader)


def _numbered(reader: Iterator[list[str]]) -> Iterator[tuple[int, Sequence[Any]]]:
    number = 1
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(
                _("Row %(row)s cannot be read as CSV (%(error)s).") % {"row": number, "error": exc},
                code="import_format",
            ) from None
        yield number, row


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _decoded_lines(binary: IO[bytes], encoding: str) -> Iterator[str]:
    """The file's physical lines as text; an undecodable byte stops the import naming its line.

    Lines end at \\n, \\r\\n or a lone \\r (old Mac Excel), as ``csv`` expects with ``newline=""``.
    """
    number = 0
    try:  # around the loop, not around each line: a context manager per line costs ~2 µs a row
        for raw in binary:
            number += 1
            text = raw.decode(encoding)
            if "\r" in text.rstrip("\r\n") or text.endswith("\r"):
                yield from _LINE.findall(text)
            else:
                yield text
    except UnicodeDecodeError:
        raise _undecodable(number) from None


def _undecodable(line: int) -> ImportFileError:
    """A byte the file's encoding cannot decode stops the whole import with a message naming the line."""
    return ImportFileError(
        _(
            "Line %(line)s holds bytes that are neither UTF-8 nor Windows-1252 text; "
            'save the file as "CSV UTF-8" and upload it again.'
        )
        % {"line": line},
        code="import_encoding",
    )


def _xlsx_rows(binary: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, Sequence[Any]]], int | None]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise ImportFileError(
            _("The Excel file cannot be read (%(error)s).") % {"error": exc}, code="import_format"
        ) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c) if c is not None else "" for c in next(rows, ())]
    total = (sheet.max_row - 1) if sheet.max_row else None
    return header, ((number, row) for number, row in enumerate(rows, start=2)), total


def _count_lines(binary: IO[bytes]) -> int:
    count = 0
    while block := binary.read(1 << 20):
        count += block.count(b"\n")
    binary.seek(0)
    return max(count - 1, 0)


def open_rows(binary: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, Sequence[Any]]], int | None]:
    """Header, an iterator of (Excel row number, cells) and the row count when cheaply known."""
    kind = sniff_kind(binary.read(8192))
    binary.seek(0)
    if kind == "xlsx":
        return _xlsx_rows(binary)
    total = _count_lines(binary)
    header, rows = _csv_rows(binary)
    return header, rows, total


# --- one row ---------------------------------------------------------------------------------------


# Person columns written by the importer, in this order (see ``_write``).
PERSON_COLUMNS = (
    "id",
    "nik",
    "full_name",
    "birth_date",
    "sex",
    "marital_status",
    "occupation",
    "monthly_income",
    "is_breadwinner",
    "phone",
    "address",
    "kelurahan_id",
    "lpa_id",
    "nik_warnings",
    "created_by_id",
    "import_job_id",
    "import_line",
    "created_at",
    "updated_at",
)


@dataclass(slots=True)
class _Valid:
    line: int
    values: Sequence[Any]
    nik: str
    full_name: str
    kelurahan_id: int
    person: tuple[Any, ...]  # PERSON_COLUMNS up to created_by_id, without the id (warnings as JSON)
    kk_number: str
    # PostgreSQL: the person row as COPY text from ``nik`` to ``import_line`` (``_copy_text``), made by
    # the reading thread so the writer only adds the id and the timestamps.
    copy_text: str = ""

    @property
    def identity(self) -> tuple[str, dt.date, str]:
        return _identity(self.full_name, self.person[2], self.person[3])


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    """One value in PostgreSQL's COPY text format (NULL is ``\\N``; backslash, tab and line breaks
    escaped; dates in ISO 8601)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _copy_text(values: Sequence[Any]) -> str:
    return "\t".join(map(_copy_value, values))


def _identity(name: str, birth_date: dt.date, sex: str) -> tuple[str, dt.date, str]:
    return (" ".join(name.casefold().split()), birth_date, sex)


_MEMO_LIMIT = 50_000


class _Memo:
    """A parser's result (or its error) per distinct cell value. Columns such as sex, occupation,
    income, birth date or kelurahan repeat few values over a million rows: parse each value once.
    Text cells (every CSV cell) are looked up by the text itself; other cells by (type, value), so
    that 1, 1.0 and True stay apart."""

    __slots__ = ("cache", "parse", "text")

    def __init__(self, parse: Callable[[Any], Any]):
        self.parse = parse
        self.text: dict[str, tuple[bool, Any]] = {}
        self.cache: dict[Any, tuple[bool, Any]] = {}

    def __call__(self, raw: Any) -> tuple[bool, Any]:
        if type(raw) is str:
            hit = self.text.get(raw)
            if hit is None:
                hit = self._parse(raw)
                if len(self.text) < _MEMO_LIMIT:
                    self.text[raw] = hit
            return hit
        hit = self.cache.get((type(raw), raw))
        if hit is None:
            hit = self._parse(raw)
            if len(self.cache) < _MEMO_LIMIT:
                self.cache[(type(raw), raw)] = hit
        return hit

    def _parse(self, raw: Any) -> tuple[bool, Any]:
        try:
            return (True, self.parse(raw))
        except DomainError as exc:
            return (False, str(exc.message))


# The findings of a 16-digit NIK/KK number come from three independent parts: the region (digits
# 1-6), the date (digits 7-12) and whether the serial is 0000. The clean cases are memoised per
# part (bounded: a memo is cleared when full); anything not clean goes through the rule itself.
_KK_MEMO_LIMIT = 100_000


def _mobile_e164(raw: str) -> str | None:
    """``rules.normalize_phone`` for its most common input, a plain mobile number "08…" of 10-13
    digits (exactly the numbers it accepts unchanged, as +62…); None for anything else."""
    if 10 <= len(raw) <= 13 and raw.startswith("08") and raw.isdigit() and raw.isascii():
        return "+62" + raw[1:]
    return None


class _RowParser:
    """Parses the cells of one row into the values of a person, or into a list of (column, reason)."""

    def __init__(
        self, index: dict[str, int], *, lpa: Lpa, actor: Any, villages: frozenset[int], today: dt.date
    ):
        self.positions = [index.get(column) for column in COLUMNS]
        self.lpa_id = lpa.pk
        self.actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.villages = villages
        self.today = today
        self.today_tuple = (today.year, today.month, today.day)
        self.kk_label = _("KK number")
        self.future = _("The birth date is in the future.")
        self.date = _Memo(self._birth_date)
        self.kelurahan = _Memo(self._kelurahan)
        # (column, position in the cells, memoised parser), in the order of ``_Valid.person``.
        self.plan = (
            ("tanggal_lahir", 3, self.date),
            ("jenis_kelamin", 4, _Memo(rules.parse_sex)),
            ("status_kawin", 5, _Memo(rules.parse_marital)),
            ("pekerjaan", 6, _Memo(rules.parse_occupation)),
            ("penghasilan", 7, _Memo(rules.parse_income)),
            ("pencari_nafkah_utama", 8, _Memo(rules.parse_bool)),
            ("kode_kelurahan", 11, self.kelurahan),
        )
        self.clean_regions: dict[str, bool] = {}
        # (birth date, sex) -> the digits 7-12 of a NIK check_nik finds consistent with them ("": none)
        self.nik_dates: dict[tuple[dt.date, str], str] = {}
        self.kk_regions: dict[str, bool] = {}  # digits 1-6 -> check_kk finds no region error
        self.kk_dates: dict[str, bool] = {}  # digits 7-12 -> check_kk finds no date error

    def _cells(self, values: Sequence[Any]) -> list[Any]:
        try:  # every column present and every cell text (a CSV row): the common case
            return [values[position].strip() for position in self.positions]  # type: ignore[index]
        except (AttributeError, IndexError, TypeError):
            pass
        count = len(values)
        cells = []
        for position in self.positions:
            value = values[position] if position is not None and position < count else ""
            if value is None:
                value = ""
            elif type(value) is str:
                value = value.strip()
            cells.append(value)
        return cells

    def parse(self, line: int, values: Sequence[Any]) -> _Valid | list[tuple[str, str]]:
        cells = self._cells(values)
        errors: list[tuple[str, str]] = []
        fields: list[Any] = []
        for column, position, memo in self.plan:
            raw = cells[position]
            hit = memo.text.get(raw) if type(raw) is str else None  # inline of memo(raw) for text cells
            ok, value = hit if hit is not None else memo(raw)
            if not ok:
                errors.append((column, value))
                value = None
            fields.append(value)
        birth_date, sex, marital, occupation, income, breadwinner, kelurahan = fields
        nik, warnings = self._nik(cells[0], birth_date, sex, errors)
        kk = self._kk(cells[1], errors)
        name = " ".join(str(cells[2]).split())
        if len(name) < 2 or len(name) > 150:
            errors.append(
                ("nama", _("The name is missing.") if len(name) < 2 else _("The name is too long."))
            )
        phone_raw = cells[9]
        phone = _mobile_e164(phone_raw) if type(phone_raw) is str else None
        if phone is None:
            try:
                phone = rules.normalize_phone(phone_raw)
            except DomainError as exc:
                errors.append(("telepon", str(exc.message)))
        address = " ".join(str(cells[10]).split())
        if not address:
            errors.append(("alamat", _("The address is missing.")))
        if errors:
            errors.sort(key=lambda e: COLUMNS.index(e[0]))
            return errors
        encoded = json.dumps(warnings) if warnings else "[]"
        person = (nik, name, birth_date, sex, marital, occupation, income, breadwinner, phone, address[:300],
                  kelurahan, self.lpa_id, encoded, self.actor_id)  # fmt: skip
        return _Valid(line, values, nik, name, kelurahan, person, kk)

    def _nik(
        self, raw: Any, birth_date: dt.date | None, sex: str | None, errors: list[tuple[str, str]]
    ) -> tuple[str, list[dict[str, str]]]:
        if birth_date is not None and sex is not None and self._nik_is_clean(raw, birth_date, sex):
            return raw, []
        try:
            repaired = rules.repair_nik(raw)
        except DomainError as exc:
            errors.append(("nik", str(exc.message)))
            return "", []
        checked = rules.check_nik(repaired, birth_date=birth_date, sex=sex, today=self.today)
        if checked.errors:
            errors.append(("nik", "; ".join(e.message for e in checked.errors)))
        return checked.nik or "", [w.as_dict() for w in checked.warnings]

    def _nik_is_clean(self, raw: Any, birth_date: dt.date, sex: str) -> bool:
        """True only when ``rules.check_nik(raw, birth_date=..., sex=...)`` finds nothing at all: 16
        ASCII digits, a clean region prefix, digits 7-12 encoding exactly this birth date (+40 for
        women, the century ``check_nik`` would choose) and a serial other than 0000. Anything else
        goes through ``check_nik`` itself, so its findings and messages are the reference."""
        if type(raw) is not str or len(raw) != 16 or not raw.isdigit() or not raw.isascii():
            return False
        prefix = raw[:6]
        clean = self.clean_regions.get(prefix)
        if clean is None:
            # Region findings depend only on the prefix: check it with a valid date and serial.
            probe = rules.check_nik(prefix + "0101010001", today=self.today)
            clean = self.clean_regions[prefix] = not (probe.errors or probe.warnings)
        if not clean or raw[12:] == "0000":
            return False
        key = (birth_date, sex)
        digits = self.nik_dates.get(key)
        if digits is None:
            digits = self._nik_date_digits(birth_date, sex)
            if len(self.nik_dates) >= _KK_MEMO_LIMIT:
                self.nik_dates.clear()
            self.nik_dates[key] = digits
        return raw[6:12] == digits

    def _nik_date_digits(self, birth_date: dt.date, sex: str) -> str:
        """Digits 7-12 of a NIK that encode exactly this birth date and sex for ``check_nik``: DDMMYY,
        +40 on the day for women, in the century ``check_nik`` would choose; "" when none does."""
        year = birth_date.year
        yy = year % 100
        if year - yy == 2000:
            century_ok = birth_date <= self.today
        else:  # check_nik reads YY as 19YY when 20YY would be in the future
            century_ok = (
                year - yy == 1900 and (2000 + yy, birth_date.month, birth_date.day) > self.today_tuple
            )
        if not century_ok or sex not in ("L", "P"):
            return ""
        day = birth_date.day + 40 if sex == "P" else birth_date.day
        return f"{day:02d}{birth_date.month:02d}{yy:02d}"

    def _kk(self, raw: Any, errors: list[tuple[str, str]]) -> str:
        if type(raw) is str and len(raw) == 16 and raw.isdigit() and raw.isascii():
            if not self._kk_is_clean(raw):
                checked = rules.check_kk(raw, today=self.today)
                if checked.errors:
                    errors.append(("no_kk", "; ".join(e.message for e in checked.errors)))
            return raw
        try:
            repaired = rules.repair_nik(raw, field_name="kk", label=self.kk_label)
        except DomainError as exc:
            errors.append(("no_kk", str(exc.message)))
            return ""
        checked = rules.check_kk(repaired, today=self.today)
        if checked.errors:
            errors.append(("no_kk", "; ".join(e.message for e in checked.errors)))
        return checked.number or ""

    def _kk_is_clean(self, raw: str) -> bool:
        """True only when ``rules.check_kk(raw)`` finds no error (16 ASCII digits assumed): a region
        prefix without error (probed once per prefix with a valid date and serial), an issue date
        without error (probed once per digits 7-12 under a clean prefix) and a serial other than 0000."""
        prefix = raw[:6]
        region = self.kk_regions.get(prefix)
        if region is None:
            region = not rules.check_kk(prefix + "0101010001", today=self.today).errors
            if len(self.kk_regions) >= _KK_MEMO_LIMIT:
                self.kk_regions.clear()
            self.kk_regions[prefix] = region
        if not region or raw[12:] == "0000":
            return False
        issued = raw[6:12]
        date = self.kk_dates.get(issued)
        if date is None:
            date = not rules.check_kk(raw[:12] + "0001", today=self.today).errors
            if len(self.kk_dates) >= _KK_MEMO_LIMIT:
                self.kk_dates.clear()
            self.kk_dates[issued] = date
        return date

    def _birth_date(self, raw: Any) -> dt.date:
        born = rules.parse_date(raw)
        if born > self.today:
            raise DomainError(self.future, code="birth_date_future")
        return born

    def _kelurahan(self, raw: Any) -> int:
        text = str(int(raw)) if isinstance(raw, float | int) and not isinstance(raw, bool) else str(raw)
        if not text:
            raise DomainError(_("The kelurahan code is missing."), code="kelurahan_missing")
        try:
            key = codes.code_to_key(codes.normalize_code(text))
        except codes.RegionCodeError:
            raise DomainError(
                _("%(value)s is not a kelurahan code (write it like 31.75.03.1001).") % {"value": raw},
                code="kelurahan_invalid",
            ) from None
        if key not in self.villages:
            raise DomainError(
                _("%(value)s is not a kelurahan/desa in the region list.") % {"value": raw},
                code="kelurahan_unknown",
            )
        return key


# --- writing one chunk -----------------------------------------------------------------------------


@dataclass
class _ChunkOutcome:
    imported: list[tuple[int, _Valid]] = field(default_factory=list)
    already: int = 0
    rejected: list[tuple[_Valid, str]] = field(default_factory=list)


def _select_in(cursor: Any, sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run ``sql`` whose ``{in_}`` stands for "column IN the values": one index probe per value.

    PostgreSQL: a lateral lookup per value of the array, not ``column = ANY(array)``: for a chunk of
    2,000 keys the planner prices 2,000 index probes above a (parallel) scan of the whole table once it
    holds a few hundred thousand rows, and the statistics lag behind a table an import is filling.
    Measured at 1M rows: a sixth of the server's work was such scans."""
    if connection.vendor == "postgresql":
        lookup = sql.format(in_="= k.v")
        cursor.execute(
            f"SELECT t.* FROM unnest(%s::text[]) AS k(v) CROSS JOIN LATERAL ({lookup}) AS t", [list(values)]
        )
    else:
        cursor.execute(sql.format(in_=f"IN ({', '.join(['%s'] * len(values))})"), values)
    return cursor.fetchall()


def _classify(chunk: list[_Valid]) -> tuple[list[_Valid], _ChunkOutcome]:
    """Split a chunk into rows to insert, rows already registered and duplicate NIKs (one query)."""
    outcome = _ChunkOutcome()
    if not chunk:
        return [], outcome
    with connection.cursor() as cursor:
        found = _select_in(
            cursor,
            "SELECT nik, full_name, birth_date, sex, lpa_id FROM registry_person WHERE nik {in_}",
            [row.nik for row in chunk],
        )
    existing = {nik: (name, born, sex, lpa_id) for nik, name, born, sex, lpa_id in found}
    seen: dict[str, _Valid] = {}
    fresh: list[_Valid] = []
    rejected: list[tuple[_Valid, str | int]] = []  # a reason, or the id of the LPA holding the NIK
    for row in chunk:
        nik = row.nik
        if nik in existing:
            name, born, sex, lpa_id = existing[nik]
            if _identity(name, born, sex) == row.identity:
                outcome.already += 1
            else:
                rejected.append((row, lpa_id))
        elif nik in seen:
            if seen[nik].identity == row.identity:
                outcome.already += 1
            else:
                rejected.append((row, _same_nik_in_file(seen[nik].line)))
        else:
            seen[nik] = row
            fresh.append(row)
    if rejected:
        lpa_ids = {reason for _row, reason in rejected if isinstance(reason, int)}
        lpa_codes = dict(Lpa.objects.filter(pk__in=lpa_ids).values_list("pk", "code")) if lpa_ids else {}
        outcome.rejected = [
            (row, str(_nik_taken(row.nik, lpa_codes[reason])) if isinstance(reason, int) else reason)
            for row, reason in rejected
        ]
    return fresh, outcome


def _same_nik_in_file(line: int) -> str:
    return _("The same NIK is on row %(line)s of this file with other data.") % {"line": line}


def _nik_taken(nik: str, lpa_code: str) -> str:
    return _("NIK %(nik)s is already registered (LPA %(lpa)s) with another name, birth date or sex.") % {
        "nik": mask_nik(nik),
        "lpa": lpa_code,
    }


def _reserve_ids(cursor: Any, model: type[Model], count: int) -> Sequence[int]:
    """SQLite: ``count`` new primary keys for ``model``, taken before the rows are inserted (the
    caller holds the chunk's transaction): the ids after both the largest id and the AUTOINCREMENT
    counter (never an id used before), safe because the transaction holds the database's write lock
    from its start (``transaction_mode=IMMEDIATE``). PostgreSQL takes them from the sequence as it
    inserts (``_insert_new_persons``)."""
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    cursor.execute(
        f"SELECT max(coalesce((SELECT max(id) FROM {quoted}), 0), "
        "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
        [table],
    )
    start = int(cursor.fetchone()[0])
    return range(start + 1, start + count + 1)


def _copy_lines(cursor: Any, table: str, columns: Sequence[str], text: str) -> None:
    """PostgreSQL: ``COPY`` rows given as COPY text (one line per row), in one write."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        copy.write(text)


def _insert_narrow(
    cursor: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], fixed: dict[str, Any]
) -> None:
    """INSERT ``rows`` (values of ``columns``, ints and digit strings only) with the same ``fixed``
    values (column -> value) in every row. PostgreSQL: ``COPY`` (``bulk_insert``). SQLite: one
    ``INSERT … SELECT`` over ``json_each`` of the rows as a JSON array, which binds two parameters
    per chunk where ``executemany`` binds and steps one statement per row: about 30 % less time for
    narrow tables (KK rows). Not for wide rows of text: there ``executemany`` wins."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        tail = tuple(fixed.values())
        bulk_insert(table, (*columns, *fixed), [(*row, *tail) for row in rows])
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in (*columns, *fixed))
    picks = ", ".join([f"json_extract(value, '$[{i}]')" for i in range(len(columns))] + ["%s"] * len(fixed))
    cursor.execute(
        f"INSERT INTO {quote(table)} ({names}) SELECT {picks} FROM json_each(%s)",
        [*fixed.values(), json.dumps(rows)],
    )


def _write(fresh: list[_Valid], *, job: ImportJob, actor: Any, today: dt.date) -> list[tuple[int, _Valid]]:
    """SQLite: insert the persons, households, KK rows and the audit event of one chunk's new rows
    (caller holds the transaction; ``_classify`` chose them). PostgreSQL: ``_store_chunk_postgres``.

    Returns (person id, row) pairs. About ten statements per chunk whatever its size.
    """
    now = timezone.now()
    with connection.cursor() as cursor:
        person_ids = _reserve_ids(cursor, Person, len(fresh))
        created = list(zip(person_ids, fresh, strict=True))
        stamp = connection.ops.adapt_datetimefield_value(now)
        bulk_insert(
            Person._meta.db_table,
            PERSON_COLUMNS,
            [(pk, *row.person, job.pk, row.line, stamp, stamp) for pk, row in created],
        )
    _write_households(created, job=job, actor=actor, today=today, now=now)
    return created


def _write_households(
    created: list[tuple[int, _Valid]], *, job: ImportJob, actor: Any, today: dt.date, now: dt.datetime
) -> None:
    """The households, KK rows and the audit event of the persons a chunk created."""
    if not created:
        return
    postgres = connection.vendor == "postgresql"
    # Values as the database takes them: COPY parses Python values' text; SQLite gets ISO strings
    # (dates through the adapter Django registers).
    stamp: Any = now if postgres else connection.ops.adapt_datetimefield_value(now)
    day: Any = today if postgres else today.isoformat()
    fresh = [row for _pk, row in created]
    with connection.cursor() as cursor:
        kk_numbers = {row.kk_number: row.kelurahan_id for row in fresh if row.kk_number}
        households = _households(cursor, kk_numbers, stamp) if kk_numbers else {}
        if kk_numbers:
            _insert_narrow(
                cursor,
                KkMembership._meta.db_table,
                ("person_id", "household_id"),
                [(pk, households[row.kk_number]) for pk, row in created if row.kk_number],
                {"relation": "", "since": day},
            )

    audit_import_chunk(job=job, actor=actor, created=created, at=now)


def _households(cursor: Any, kk_numbers: dict[str, int], stamp: Any) -> dict[str, int]:
    """The household id of each KK number (number -> kelurahan key), creating the new ones: one
    INSERT that skips the registered numbers by their unique index, then a lookup of those (usually
    none or a few). One index search per number, where a lookup first and an insert after made two."""
    table = Household._meta.db_table
    if connection.vendor == "postgresql":
        rows = "SELECT k, r, %s FROM unnest(%s::text[], %s::bigint[]) AS t(k, r)"
        params: list[Any] = [stamp, list(kk_numbers), list(kk_numbers.values())]
    else:  # WHERE true: SQLite's grammar needs it before ON CONFLICT in an INSERT ... SELECT
        pick = "json_extract(value, '$[0]'), json_extract(value, '$[1]')"
        rows = f"SELECT {pick}, %s FROM json_each(%s) WHERE true"
        params = [stamp, json.dumps(list(kk_numbers.items()))]
    cursor.execute(
        f"INSERT INTO {table} (kk_number, kelurahan_id, created_at) {rows} "
        "ON CONFLICT (kk_number) DO NOTHING RETURNING kk_number, id",
        params,
    )
    households = dict(cursor.fetchall())
    registered = [number for number in kk_numbers if number not in households]
    if registered:
        households.update(
            _select_in(cursor, f"SELECT kk_number, id FROM {table} WHERE kk_number {{in_}}", registered)
        )
    return households


IMPORT_CHUNK_ACTION = "person.import"


def audit_import_chunk(
    *, job: ImportJob, actor: Any, created: list[tuple[int, _Valid]], at: dt.datetime
) -> None:
    """The audit event of the persons one chunk created: one event on the job per chunk, in the
    chunk's transaction, naming the file rows (first and last) and the number of persons. Each
    person carries its job and row (``Person.import_job``, ``import_line``), so the event of any
    imported person is found from the person (``selectors.person_audit``) and the persons of an
    event from the event. One event per person would be a million audit rows, each with its index
    entries, for one file: a third of the import's time."""
    first, last = created[0][1].line, created[-1][1].line
    event = audit_row(
        actor=actor,
        action=IMPORT_CHUNK_ACTION,
        object_type="registry.importjob",
        object_id=job.pk,
        object_label=f"{job.file_name}: {first}-{last}",
        new={"import_job": job.pk, "first_line": first, "last_line": last, "persons": len(created)},
        reason=f"import #{job.pk}",
        region_id=job.lpa.kelurahan_id,
        lpa_id=job.lpa_id,
        at=at,
    )
    AuditEvent.objects.create(**event)


# PostgreSQL: the chunk's person rows are staged in a temporary table (``COPY``), then inserted with
# ``ON CONFLICT (nik) DO NOTHING``: the unique index answers "is this NIK registered?" while inserting,
# where a lookup before the insert searched the same index twice (a quarter of the import at 1M rows).
_STAGE = "askesos_import_person"


def _insert_new_persons(
    cursor: Any, candidates: list[_Valid], *, job: ImportJob, now: dt.datetime
) -> list[tuple[int, _Valid]]:
    """PostgreSQL: insert the chunk's persons whose NIK is not registered yet (ids from the table's
    sequence); returns them with their ids, in the chunk's order."""
    quote = connection.ops.quote_name
    columns = PERSON_COLUMNS[1:]  # without the id
    names = ", ".join(quote(c) for c in columns)
    cursor.execute(
        # (no "already exists, skipping" notice for every chunk: warnings and errors only)
        "SET LOCAL client_min_messages TO warning; "
        f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} AS SELECT {names} FROM {quote(Person._meta.db_table)} "
        f"WITH NO DATA; TRUNCATE {_STAGE}"
    )
    at = now.isoformat()
    _copy_lines(
        cursor, _STAGE, columns,
        "".join(
            f"{row.copy_text or _copy_text((*row.person, job.pk, row.line))}\t{at}\t{at}\n"
            for row in candidates
        ),
    )  # fmt: skip
    cursor.execute(
        f"INSERT INTO {quote(Person._meta.db_table)} ({names}) SELECT {names} FROM {_STAGE} "
        "ON CONFLICT (nik) DO NOTHING RETURNING nik, id"
    )
    ids = dict(cursor.fetchall())
    return [(ids[row.nik], row) for row in candidates if row.nik in ids]


def _store_chunk_postgres(
    chunk: list[_Valid], *, job: ImportJob, actor: Any, today: dt.date
) -> _ChunkOutcome:
    """The chunk on PostgreSQL, with the outcome ``_classify`` + ``_write`` give: the first row of each
    NIK is inserted unless the NIK is registered; rows of registered NIKs are classified against the
    registry, later rows of a NIK inserted now against its first row."""
    firsts: dict[str, _Valid] = {}
    for row in chunk:
        firsts.setdefault(row.nik, row)
    now = timezone.now()
    with connection.cursor() as cursor:
        created = _insert_new_persons(cursor, list(firsts.values()), job=job, now=now) if firsts else []
    new = {row.nik for _pk, row in created}
    unexpected, outcome = _classify([row for row in chunk if row.nik not in new])
    if unexpected:  # not inserted, yet not registered: a concurrent import rolled back; start again
        raise IntegrityError("a NIK of the chunk was neither inserted nor registered")
    for row in chunk:
        first = firsts[row.nik]
        if row.nik in new and row is not first:
            if row.identity == first.identity:
                outcome.already += 1
            else:
                outcome.rejected.append((row, _same_nik_in_file(first.line)))
    outcome.rejected.sort(key=lambda item: item[0].line)
    outcome.imported = created
    _write_households(created, job=job, actor=actor, today=today, now=now)
    return outcome


def _store_chunk(chunk: list[_Valid], *, job: ImportJob, actor: Any, today: dt.date) -> _ChunkOutcome:
    """One transaction per chunk; on a uniqueness race (another import of the same NIK or KK) retry once."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    return _store_chunk_postgres(chunk, job=job, actor=actor, today=today)
                fresh, outcome = _classify(chunk)
                if fresh:
                    outcome.imported = _write(fresh, job=job, actor=actor, today=today)
                return outcome
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


# --- the job ---------------------------------------------------------------------------------------


class _ErrorFile:
    """The rejected rows: original values plus ``baris, kolom, alasan``, written as the import goes."""

    def __init__(self, header: Sequence[Any]):
        self.header = [str(h) for h in header]
        self.handle: IO[str] | None = None
        self.writer: Any = None
        self.path = ""

    def add(self, line: int, values: Sequence[Any], column: str, reason: str) -> None:
        if self.writer is None:
            fd, self.path = tempfile.mkstemp(prefix="askesos-import-", suffix=".csv")
            self.handle = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
            self.writer = csv.writer(self.handle)
            self.writer.writerow([*self.header, *ERROR_COLUMNS])
        cells = ["" if v is None else _text(v) for v in values]
        cells += [""] * (len(self.header) - len(cells))
        self.writer.writerow([*cells[: len(self.header)], line, column, reason])

    def save(self, name: str) -> str:
        if self.handle is None:
            return ""
        self.handle.close()
        try:
            with open(self.path, "rb") as fh:
                return default_storage.save(name, File(fh))
        finally:
            os.unlink(self.path)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    return str(value)


def file_sha256(binary: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while block := binary.read(1 << 20):
        digest.update(block)
    binary.seek(0)
    return digest.hexdigest()


def village_keys() -> frozenset[int]:
    return frozenset(Region.objects.filter(level=codes.LEVEL_VILLAGE).values_list("id", flat=True))


class _TransactionGroup:
    """Consecutive chunks share one transaction until ``rows`` persons were written in it, each chunk
    in a savepoint of its own (so the retry on a uniqueness race still concerns one chunk).

    Memory stays bounded by the chunk (its rows are dropped once written), while commits are few:
    in SQLite's WAL every commit rewrites each index page the transaction touched, so 2,000-row
    commits into a million-row table with random-order indexes (NIK, names) write the same pages
    hundreds of times. ``rows=0`` commits every chunk. An error rolls back the open group only."""

    def __init__(self, rows: int):
        self.rows = rows
        self.written = 0
        self.atomic: Any = None

    def begin(self) -> None:
        if self.atomic is None and self.rows:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

    def stored(self, count: int) -> None:
        self.written += count
        if self.atomic is not None and self.written >= self.rows:
            self._end(None, None, None)

    def _end(self, *exc: Any) -> None:
        atomic, self.atomic, self.written = self.atomic, None, 0
        if atomic is not None:
            atomic.__exit__(*exc)

    def __enter__(self) -> _TransactionGroup:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._end(*exc)


@dataclass
class _Batch:
    """What the reader hands the writer: a chunk of valid rows, the problems of the rows read with
    them (written to the error file before the chunk's own rejects, so the error file keeps the order
    of a single-threaded run) and how many rows had been read by then."""

    rows: list[_Valid]
    problems: list[tuple[int, Sequence[Any], str, str]]
    invalid: int
    rows_read: int


class _Books:
    """Stores each batch (``_store_chunk`` in the transaction group) and books its outcome: counts,
    error rows, the job's progress columns and the progress callback, in file order."""

    def __init__(
        self,
        *,
        job: ImportJob,
        actor: Any,
        today: dt.date,
        errors: _ErrorFile,
        result: ImportResult,
        group: _TransactionGroup,
        total: int | None,
        progress: ProgressCallback | None,
    ):
        self.job, self.actor, self.today = job, actor, today
        self.errors, self.result, self.group = errors, result, group
        self.total, self.progress = total, progress

    def book(self, batch: _Batch) -> None:
        result = self.result
        for line, values, column, reason in batch.problems:
            self.errors.add(line, values, column, reason)
        result.rejected += batch.invalid
        self.group.begin()
        outcome = _store_chunk(batch.rows, job=self.job, actor=self.actor, today=self.today)
        result.imported += len(outcome.imported)
        result.already_registered += outcome.already
        result.person_ids.extend(pk for pk, _row in outcome.imported)
        for row, reason in outcome.rejected:
            self.errors.add(row.line, row.values, "nik", reason)
        result.rejected += len(outcome.rejected)
        ImportJob.objects.filter(pk=self.job.pk).update(
            processed_rows=batch.rows_read,
            imported=result.imported,
            rejected=result.rejected,
            already_registered=result.already_registered,
        )
        self.group.stored(len(outcome.imported))
        if self.progress:
            self.progress(
                batch.rows_read, self.total, result.imported, result.rejected, result.already_registered
            )


class _Abort(Exception):
    """Sent to the writer thread when reading the file failed: roll back the open transaction."""


class _Writer:
    """The writer side of a pipelined import: a thread with its own database connection that books
    batches while the caller's thread reads and validates the next one: Python parses while the
    PostgreSQL server works, so on two cores the import takes about the longer of the two instead of
    their sum (``pipelining_possible`` says why not on SQLite). The queue holds
    one batch: at most three chunks are in memory (read, waiting, being written)."""

    def __init__(self, books: _Books):
        self.books = books
        self.queue: queue.Queue[_Batch | _Abort | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"import-{books.job.pk}-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.books.group:
                while (batch := self.queue.get()) is not None:
                    if isinstance(batch, _Abort):
                        raise batch
                    self.books.book(batch)
        except _Abort:
            pass
        except BaseException as exc:  # handed to the reader, which raises it
            self.error = exc
        finally:
            connection.close()

    def _put(self, item: _Batch | _Abort | None) -> None:
        while True:
            if self.error is not None:
                raise self.error
            try:
                self.queue.put(item, timeout=0.2)
                return
            except queue.Full:
                if not self.thread.is_alive() and self.error is None:
                    raise RuntimeError("the import writer stopped") from None

    def submit(self, batch: _Batch) -> None:
        self._put(batch)

    def finish(self) -> None:
        self._put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def abort(self) -> None:
        if self.thread.is_alive():
            # If the writer failed too, its error is not the one to report: the reader's is.
            with contextlib.suppress(BaseException):
                self._put(_Abort())
            self.thread.join()


PIPELINE_SWITCH_INTERVAL = 0.0005  # seconds; measured at 1M rows: 73 s against 79 s with the default


def pipelining_possible() -> bool:
    """Whether ``import_persons`` writes in a thread of its own: on PostgreSQL, outside the caller's
    transaction (a test's, or a service's: the writer's connection must see what the caller has).

    Not on SQLite: there the database work runs in this process, and ``executemany`` takes the
    interpreter lock back for every row, so the two threads take turns instead of overlapping
    (measured at 100k rows: 5.1-5.4 s pipelined, 4.4-5.0 s single-threaded)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def import_persons(
    binary: IO[bytes],
    *,
    job: ImportJob,
    actor: Any,
    today: dt.date,
    progress: ProgressCallback | None = None,
    chunk_size: int = CHUNK_SIZE,
    commit_rows: int = COMMIT_ROWS,
    pipelined: bool | None = None,
) -> ImportResult:
    """Import one file for ``job.lpa``; see the module docstring for the guarantees.

    ``pipelined`` (default: whenever ``pipelining_possible``) writes in a thread of its own while this
    one reads (``_Writer``); the result, the error file and every row stored are the same either way.
    """
    header, rows, total = open_rows(binary)
    index = column_index(header)
    if total is not None:
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
    parser = _RowParser(index, lpa=job.lpa, actor=actor, villages=village_keys(), today=today)
    errors = _ErrorFile(header)
    result = ImportResult()
    group = _TransactionGroup(commit_rows)
    books = _Books(
        job=job, actor=actor, today=today, errors=errors, result=result, group=group, total=total,
        progress=progress,
    )  # fmt: skip
    if pipelined is None:
        pipelined = pipelining_possible()
    copy_rows = connection.vendor == "postgresql"
    writer = _Writer(books) if pipelined else None
    switch = sys.getswitchinterval()
    if writer is not None:
        # The writer wakes up after each statement and needs the interpreter lock back at once: the
        # database waits for it. With the default 5 ms between switches it waits behind the reader.
        sys.setswitchinterval(PIPELINE_SWITCH_INTERVAL)
    submit = writer.submit if writer else books.book
    chunk: list[_Valid] = []
    problems: list[tuple[int, Sequence[Any], str, str]] = []
    invalid = 0
    try:
        with group if writer is None else contextlib.nullcontext():
            for line, values in rows:
                if not any(values) and not any(v not in (None, "") for v in values):
                    continue  # an empty row (a truthy cell is never empty: the cheap test first)
                result.rows += 1
                parsed = parser.parse(line, values)
                if isinstance(parsed, list):
                    invalid += 1
                    problems.extend((line, values, column, reason) for column, reason in parsed)
                else:
                    if copy_rows:
                        parsed.copy_text = _copy_text((*parsed.person, job.pk, line))
                    chunk.append(parsed)
                if len(chunk) + invalid >= chunk_size:  # rejected rows count too: memory stays bounded
                    submit(_Batch(chunk, problems, invalid, result.rows))
                    chunk, problems, invalid = [], [], 0
            submit(_Batch(chunk, problems, invalid, result.rows))
            if writer is not None:
                writer.finish()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        if writer is not None:
            sys.setswitchinterval(switch)
    result.error_path = errors.save(f"imports/{job.pk}/errors-{Path(job.file_name).stem[:80]}.csv")
    return result


def import_job_create(
    *, actor: Any, lpa: Lpa, file_name: str, sha256: str, source_path: str = ""
) -> ImportJob:
    """Record an import before it runs (the web page polls it; re-runs are found by SHA-256)."""
    return ImportJob.objects.create(
        lpa=lpa,
        file_name=Path(file_name).name[:200],
        sha256=sha256,
        source_path=source_path,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def previous_imports(job: ImportJob) -> list[ImportJob]:
    return list(
        ImportJob.objects.filter(sha256=job.sha256, lpa_id=job.lpa_id, status=ImportJob.Status.DONE)
        .exclude(pk=job.pk)
        .order_by("-created_at")[:5]
    )


def import_run(
    *,
    job: ImportJob,
    actor: Any,
    binary: IO[bytes],
    today: dt.date,
    progress: ProgressCallback | None = None,
    scan_duplicates: bool = True,
) -> ImportResult:
    """Run an import job: pending → running → done (or failed with the reason), then flag duplicates.

    Only an active LPA imports. The summary is one audit event on the job; the persons of each chunk
    have their ``person.import`` event on the job, written in the chunk's transaction
    (``audit_import_chunk``).
    """
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if started != 1:
        raise DomainError(_("This import already ran."), code="import_already_ran")
    try:
        if job.lpa.status != Lpa.Status.ACTIVE:
            raise ImportFileError(_("Only an active LPA can register people."), code="lpa_inactive")
        result = import_persons(binary, job=job, actor=actor, today=today, progress=progress)
    except ImportFileError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, message=str(exc.message), finished_at=timezone.now()
        )
        job.refresh_from_db()
        raise
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            message=_("The import stopped with an internal error: %(error)s") % {"error": exc},
            finished_at=timezone.now(),
        )
        raise
    if scan_duplicates and result.person_ids:
        from askesos.registry.duplicates import duplicates_scan

        duplicates_scan(person_ids=result.person_ids)
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE,
            processed_rows=result.rows,
            total_rows=result.rows,
            imported=result.imported,
            rejected=result.rejected,
            already_registered=result.already_registered,
            error_file=result.error_path,
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        audit_record(
            actor=actor,
            action="import.finish",
            obj=job,
            new={
                "file_name": job.file_name,
                "sha256": job.sha256,
                "imported": result.imported,
                "rejected": result.rejected,
                "already_registered": result.already_registered,
            },
            lpa_id=job.lpa_id,
            region_id=job.lpa.kelurahan_id,
        )
    return result
