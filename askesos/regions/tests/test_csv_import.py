from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from askesos.audit.models import AuditEvent
from askesos.regions.models import WorkforceEstimate
from askesos.regions.services import (
    CsvImportError,
    decode_csv_bytes,
    parse_workforce_csv,
    workforce_csv_template,
    workforce_import_csv,
)

GOOD = (
    "kode_wilayah,tahun,jumlah_pekerja_informal,sumber,estimasi\n"
    "31.75,2025,430000,Perkiraan Dinsos,ya\n"
    "317503,2025,41000,Sakernas,tidak\n"
    "31.75.03.1001,2024,5200,Survei kelurahan,\n"
)


def stored():
    return sorted(
        WorkforceEstimate.objects.values_list(
            "region__code", "year", "informal_workers", "source", "is_estimate"
        )
    )


def errors_of(text, actor=None, lang="en"):
    with translation.override(lang), pytest.raises(CsvImportError) as caught:
        workforce_import_csv(actor=actor, text=text)
    return caught.value.errors


def test_it_imports_rows_and_reimporting_changes_nothing(dinsos_jaktim):
    result = workforce_import_csv(actor=dinsos_jaktim, text=GOOD, filename="jt.csv")
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert stored() == [
        ("31.75", 2025, 430000, "Perkiraan Dinsos", True),
        ("31.75.03", 2025, 41000, "Sakernas", False),
        ("31.75.03.1001", 2024, 5200, "Survei kelurahan", True),
    ]
    assert AuditEvent.objects.filter(action="workforce.set").count() == 3
    again = workforce_import_csv(actor=dinsos_jaktim, text=GOOD, filename="jt.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.count() == 3


def test_it_updates_changed_rows_and_audits_only_those(dinsos_jaktim):
    workforce_import_csv(actor=dinsos_jaktim, text=GOOD)
    changed = GOOD.replace("41000,Sakernas", "42000,Sakernas")
    result = workforce_import_csv(actor=dinsos_jaktim, text=changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    event = AuditEvent.objects.latest("id")
    assert (event.object_label, event.old, event.new) == (
        "Jatinegara 2025: 42000",
        {"informal_workers": 41000},
        {"informal_workers": 42000},
    )


def test_it_names_row_column_and_reason_and_stores_nothing(dinsos_jaktim):
    text = GOOD + "31.99,2025,100,X,ya\n31.75.01,20x5,-3,,mungkin\n"
    assert errors_of(text, dinsos_jaktim) == [
        "row 5, kode_wilayah: 31.99 is not a known region",
        "row 6, tahun: '20x5' is not a year between 1990 and 2100",
        "row 6, jumlah_pekerja_informal: '-3' is not a whole number of people",
        "row 6, sumber: is empty; say where the number comes from",
        "row 6, estimasi: 'mungkin' is not one of ya/tidak/1/0/true/false",
    ]
    assert stored() == []
    assert AuditEvent.objects.count() == 0


def test_it_reports_errors_in_indonesian_by_default(dinsos_jaktim):
    text = (
        "kode_wilayah,tahun,jumlah_pekerja_informal,sumber\n31.75,2025,1,a\n31.75,2025,1,a\n31.99,2025,1,a\n"
    )
    assert errors_of(text, dinsos_jaktim, lang="id") == [
        "baris 3, tahun: 31.75 2025 sudah ada di baris 2",
        "baris 4, kode_wilayah: 31.99 bukan kode wilayah yang dikenal",
    ]


def test_it_refuses_regions_outside_the_importer_scope(dinsos_jakbar):
    assert errors_of(GOOD, dinsos_jakbar) == [
        "row 2, kode_wilayah: 31.75 is outside your region scope",
        "row 3, kode_wilayah: 31.75.03 is outside your region scope",
        "row 4, kode_wilayah: 31.75.03.1001 is outside your region scope",
    ]
    assert stored() == []


def test_it_checks_the_header(db):
    assert errors_of("kode,tahun,jumlah\n31.75,2025,1\n") == [
        "The header must be kode_wilayah,tahun,jumlah_pekerja_informal,sumber,estimasi "
        "(estimasi and catatan optional); found kode,tahun,jumlah."
    ]
    assert errors_of("") == ["The file is empty."]
    assert errors_of("kode_wilayah,tahun,jumlah_pekerja_informal,sumber\n") == [
        "The file has a header but no rows."
    ]


def test_it_reads_semicolons_bom_and_boolean_words(db):
    text = decode_csv_bytes(
        "\ufeffKODE_WILAYAH;tahun;jumlah_pekerja_informal;sumber;estimasi\n"
        "31.75;2025;1 000;A;TRUE\n31.75.03;2025;2;B;0\n31.75.06;2025;3;C;Tidak\n".encode()
    )
    rows = parse_workforce_csv(text)
    assert [(r.region.code, r.informal_workers, r.is_estimate, r.line) for r in rows] == [
        ("31.75", 1000, True, 2),
        ("31.75.03", 2, False, 3),
        ("31.75.06", 3, False, 4),
    ]


def test_it_refuses_binaries_by_content():
    with translation.override("en"):
        with pytest.raises(CsvImportError) as xlsx:
            decode_csv_bytes(b"PK\x03\x04rest-of-a-zip")
        with pytest.raises(CsvImportError) as png:
            decode_csv_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
        with pytest.raises(CsvImportError) as latin1:
            decode_csv_bytes("kode_wilayah,sumber\n31.75,Dinas Sosial Sér\n".encode("latin-1"))
    assert xlsx.value.errors == [
        "This is a spreadsheet (xlsx/zip) file, not CSV. Save it as CSV and try again."
    ]
    assert png.value.errors == ["This is not a text file. Upload a CSV file."]
    assert latin1.value.errors == ["The file is not UTF-8 text. Save it as CSV (UTF-8) and try again."]


def test_it_offers_a_template_that_imports(kemensos_admin):
    result = workforce_import_csv(actor=kemensos_admin, text=workforce_csv_template())
    assert (result.created, result.updated) == (2, 0)


def test_it_imports_from_the_command_line(db, tmp_path, capsys):
    path = tmp_path / "denominators.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import-workforce", str(path))
    call_command("import-workforce", str(path))
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "denominators.csv: 3 rows: 3 added, 0 changed, 0 unchanged.",
        "denominators.csv: 3 rows: 0 added, 0 changed, 3 unchanged.",
    ]
    assert AuditEvent.objects.filter(actor_label="system").count() == 3


def test_it_fails_the_command_on_a_bad_file(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "31.99,2025,1,x,ya\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("import-workforce", str(path))
    assert str(caught.value) == f"{path}: nothing imported.\nrow 5, kode_wilayah: 31.99 is not a known region"
    assert stored() == []
