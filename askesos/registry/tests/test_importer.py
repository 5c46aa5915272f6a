# ruff: noqa: E501, PT018
from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import tracemalloc

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from askesos.audit.models import AuditEvent
from askesos.registry.importer import COLUMNS, ImportFileError, import_job_create, import_run
from askesos.registry.models import ImportJob, KkMembership, Person

from .conftest import TODAY

GOOD = {
    "nik": "3175031708850001", "no_kk": "3175031203150007", "nama": "Budi Santoso", "tanggal_lahir": "17/08/1985",
    "jenis_kelamin": "L", "status_kawin": "Kawin", "pekerjaan": "Pedagang kaki lima", "penghasilan": "Rp 1.500.000",
    "pencari_nafkah_utama": "ya", "telepon": "0812-3456-7890", "alamat": "Jl. Jatinegara Barat 5",
    "kode_kelurahan": "31.75.03.1001",
}  # fmt: skip


def row(**overrides: str) -> dict[str, str]:
    return {**GOOD, **overrides}


def csv_bytes(rows: list[dict[str, str]], header: tuple[str, ...] = COLUMNS, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def run(lpa, data: bytes, name: str = "anggota.csv", actor=None):
    job = import_job_create(actor=actor, lpa=lpa, file_name=name, sha256="x")
    result = import_run(job=job, actor=actor, binary=io.BytesIO(data), today=TODAY)
    job.refresh_from_db()
    return job, result


def error_rows(job: ImportJob) -> list[dict[str, str]]:
    with default_storage.open(job.error_file, "rb") as fh:
        return list(csv.DictReader(io.StringIO(fh.read().decode("utf-8-sig"))))


DAMAGED = [
    row(),  # 2: fine
    row(nik="3.17509E+15", nama="Sci Notation"),  # 3
    row(nik="317503170885003", nama="Fifteen Digits"),  # 4
    row(nik="3175031708850003.0", nama="Float Text", no_kk="3175031203150008"),  # 5: repaired, fine
    row(nik="3175031708850004", tanggal_lahir="17/08/85"),  # 6
    row(nik="3175031708850005", jenis_kelamin="X"),  # 7
    row(nik="3175031708850006", kode_kelurahan="31.75.99.9999"),  # 8
    row(nama="Other Name"),  # 9: same NIK as row 2, other data
    row(nik="3175033208850001"),  # 10
    row(nik="3175031708850007", nama="", penghasilan="banyak"),  # 11
    row(nik="3175031708850008", telepon="+1 555 123 4567"),  # 12
    row(nik="3175031708850009", pekerjaan="astronot"),  # 13
    row(
        nik="3175031708850010", kode_kelurahan="3175031001", tanggal_lahir="31276", nama="No Dots"
    ),  # 14: fine
    row(nik="3175031708850011", tanggal_lahir="01/01/2030"),  # 15
    row(nik="3175031708850012", pencari_nafkah_utama="mungkin", status_kawin="janda"),  # 16
]


def test_it_imports_good_rows_and_reports_every_damaged_one(lpa_jt01, lpa_manager):
    job, result = run(lpa_jt01, csv_bytes(DAMAGED), actor=lpa_manager)
    assert (result.imported, result.rejected, result.already_registered, result.rows) == (3, 12, 0, 15)
    assert (job.status, job.imported, job.rejected, job.processed_rows) == ("done", 3, 12, 15)
    assert sorted(Person.objects.values_list("nik", flat=True)) == [
        "3175031708850001", "3175031708850003", "3175031708850010"
    ]  # fmt: skip
    errors = error_rows(job)
    assert [(e["baris"], e["kolom"]) for e in errors] == [
        ("3", "nik"), ("4", "nik"), ("6", "tanggal_lahir"), ("7", "jenis_kelamin"), ("8", "kode_kelurahan"),
        ("10", "nik"), ("11", "nama"), ("11", "penghasilan"), ("12", "telepon"), ("13", "pekerjaan"),
        ("15", "tanggal_lahir"), ("16", "status_kawin"), ("16", "pencari_nafkah_utama"), ("9", "nik"),
    ]  # fmt: skip
    reasons = {(e["baris"], e["kolom"]): e["alasan"] for e in errors}
    assert reasons[("3", "nik")].startswith("The cell was converted to scientific notation (3.17509E+15)")
    assert reasons[("4", "nik")].startswith("The NIK has 15 digits instead of 16.")
    assert reasons[("6", "tanggal_lahir")] == (
        "17/08/85 has a two-digit year, which is ambiguous; write the year with four digits."
    )
    assert reasons[("8", "kode_kelurahan")] == "31.75.99.9999 is not a kelurahan/desa in the region list."
    assert reasons[("9", "nik")] == "The same NIK is on row 2 of this file with other data."
    assert reasons[("10", "nik")] == "Digits 7-8 (32) must be 01-31 for men or 41-71 for women."
    assert reasons[("15", "tanggal_lahir")] == "The birth date is in the future."
    assert errors[0]["nama"] == "Sci Notation" and errors[0]["nik"] == "3.17509E+15"
    assert list(errors[0]) == [*COLUMNS, "baris", "kolom", "alasan"]
    # One audit event for the chunk, on the job, naming its first and last file row; each person
    # records its job and row.
    events = AuditEvent.objects.filter(action="person.import")
    assert [(e.object_type, e.object_id, e.actor_id, e.lpa_id, e.region_id, e.new) for e in events] == [
        (
            "registry.importjob", str(job.pk), lpa_manager.pk, lpa_jt01.pk, lpa_jt01.kelurahan_id,
            {"import_job": job.pk, "first_line": 2, "last_line": 14, "persons": 3},
        )
    ]  # fmt: skip
    assert list(Person.objects.order_by("nik").values_list("import_job_id", "import_line")) == [
        (job.pk, 2), (job.pk, 5), (job.pk, 14)
    ]  # fmt: skip
    assert (AuditEvent.objects.get(action="import.finish").new or {}).get("imported") == 3
    assert KkMembership.objects.filter(until__isnull=True).count() == 3


def test_reimporting_the_same_file_adds_nothing(lpa_jt01):
    run(lpa_jt01, csv_bytes(DAMAGED))
    before = (
        Person.objects.count(),
        KkMembership.objects.count(),
        AuditEvent.objects.filter(action="person.import").count(),
    )
    _job, result = run(lpa_jt01, csv_bytes(DAMAGED))
    assert (result.imported, result.rejected, result.already_registered) == (0, 12, 3)
    after = (
        Person.objects.count(),
        KkMembership.objects.count(),
        AuditEvent.objects.filter(action="person.import").count(),
    )
    assert before == after == (3, 3, 1)


def test_same_nik_with_other_data_is_reported_not_overwritten(lpa_jt01, lpa_jt02):
    run(lpa_jt02, csv_bytes([row()]))
    job, result = run(lpa_jt01, csv_bytes([row(nama="Budi Santosa")]))
    assert (result.imported, result.rejected) == (0, 1)
    assert error_rows(job)[0]["alasan"] == (
        "NIK 3175••••••••0001 is already registered (LPA LPA-JT-02) with another name, birth date or sex."
    )
    assert Person.objects.get().full_name == "Budi Santoso"


def test_headers_are_matched_loosely_and_semicolons_work(lpa_jt01):
    header = tuple(c.upper().replace("_", " ") for c in COLUMNS)
    data = {h: GOOD[c] for h, c in zip(header, COLUMNS, strict=True)}
    _job, result = run(lpa_jt01, csv_bytes([data], header=header, delimiter=";"))
    assert result.imported == 1


def test_a_missing_column_stops_before_any_row(lpa_jt01):
    with pytest.raises(ImportFileError) as info:
        run(lpa_jt01, csv_bytes([row()], header=tuple(c for c in COLUMNS if c not in ("nik", "alamat"))))
    assert info.value.code == "import_missing_columns"
    assert (
        info.value.message
        == "The file has no column nik, alamat. Download the template to see the expected columns."
    )
    job = ImportJob.objects.get()
    assert (job.status, job.message) == ("failed", info.value.message)
    assert not Person.objects.exists()


def test_binary_garbage_is_refused(lpa_jt01):
    with pytest.raises(ImportFileError) as info:
        run(lpa_jt01, b"\x00\x01\x02garbage" * 10)
    assert info.value.code == "import_format"


def test_it_imports_xlsx_with_typed_cells(lpa_jt01):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    first: list[object] = [GOOD[c] for c in COLUMNS]
    first[0] = 3175031708850001  # NIK typed as a number (exact): repaired
    first[3] = dt.datetime(1985, 8, 17)
    sheet.append(first)
    second = [GOOD[c] for c in COLUMNS]
    second[0], second[1], second[2] = "3.17509E+15", "3175031203150008", "Rusak"
    sheet.append(second)
    third: list[object] = [GOOD[c] for c in COLUMNS]
    third[0], third[2], third[3], third[7], third[9] = (
        "3175031708850002",
        "Ani",
        31276,
        1500000.0,
        81234567890,
    )
    sheet.append(third)
    buffer = io.BytesIO()
    book.save(buffer)
    job, result = run(lpa_jt01, buffer.getvalue(), name="anggota.xlsx")
    assert (result.imported, result.rejected) == (2, 1)
    assert [(e["baris"], e["kolom"]) for e in error_rows(job)] == [("3", "nik")]
    ani = Person.objects.get(full_name="Ani")
    assert (ani.birth_date, ani.monthly_income, ani.phone) == (
        dt.date(1985, 8, 17),
        1_500_000,
        "+6281234567890",
    )


def _cheap_rows(count: int) -> bytes:
    """Valid rows without Faker (fast): distinct serials over two districts and many birth dates."""
    lines = [",".join(COLUMNS)]
    for i in range(count):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=i % 9000)
        serial = i // 9000 + 1
        nik = f"317503{born:%d%m%y}{serial:04d}"
        lines.append(f"{nik},3175031203{i // 9000 + 10:02d}{i % 9000 + 1:04d},Pekerja {i},{born:%d/%m/%Y},L,kawin,ojol,1.500.000,"
                     f"ya,08123{i:07d},Jl. Contoh {i},31.75.03.1001")  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def _traced_peak(lpa, rows: int) -> int:
    data = _cheap_rows(rows)
    # The rest of the suite leaves a large heap behind, which makes the collector's full passes rare;
    # uncollected cycles would then count in the peak. Freeze that heap so only the import's own
    # objects drive the collections, as in a fresh process.
    gc.collect()
    gc.freeze()
    tracemalloc.start()
    try:
        _job, result = run(lpa, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.unfreeze()
    assert result.imported == rows
    Person.objects.all().delete()
    return peak - len(data)


def test_memory_stays_bounded_on_a_large_file(lpa_jt01):
    """Streaming + chunks of 2,000: the traced peak for 12,000 rows stays near the one for 2,000 rows
    (a reader that kept every row would add several MB per 10,000 rows). tracemalloc makes each row
    ~50x slower, so the test uses 12,000 rows; the bench measures 100k+ (peak RSS)."""
    small = _traced_peak(lpa_jt01, 2_000)
    large = _traced_peak(lpa_jt01, 12_000)
    assert large < 12 * 1024 * 1024, f"peak {large / 1e6:.1f} MB"
    assert large < small * 1.5 + 1024 * 1024, f"peak grew from {small / 1e6:.1f} MB to {large / 1e6:.1f} MB"


def test_the_command_prints_a_summary(lpa_jt01, tmp_path, capsys):
    path = tmp_path / "anggota.csv"
    path.write_bytes(csv_bytes(DAMAGED))
    out = io.StringIO()
    call_command("import_members", str(path), lpa="LPA-JT-01", no_progress=True, stdout=out)
    job = ImportJob.objects.get()
    assert (
        out.getvalue().strip() == f"imported 3, rejected 12, already registered 0 (errors: {job.error_file})"
    )


def test_the_command_fails_on_unknown_lpa_or_missing_columns(lpa_jt01, tmp_path):
    path = tmp_path / "anggota.csv"
    path.write_bytes(csv_bytes([row()], header=("nama",)))
    with pytest.raises(CommandError, match="unknown LPA 'NOPE'"):
        call_command("import_members", str(path), lpa="NOPE")
    with pytest.raises(CommandError, match="The file has no column nik, no_kk"):
        call_command("import_members", str(path), lpa="LPA-JT-01", no_progress=True)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
def test_it_reads_every_line_ending_including_a_quoted_line_break(newline):
    from askesos.registry.importer import _csv_rows

    data = newline.join([b"nik,nama", b'1,"Siti' + newline + b'Aminah"', b"2,Budi", b""])
    header, rows = _csv_rows(io.BytesIO(data))
    assert header == ["nik", "nama"]
    assert list(rows) == [(2, ["1", "Siti" + newline.decode() + "Aminah"]), (3, ["2", "Budi"])]
