"""The one upload check: size limit, then the type by content (never the name or declared type)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from askesos.core import uploads
from askesos.core.errors import DomainError
from askesos.core.uploads import CSV, CSV_ONLY, DOCUMENTS, TABLES, XLSX, UploadField, check_upload

PDF = b"%PDF-1.4\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"0" * 100
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
NOT_A_SHEET = "This is not a CSV or XLSX file. Save the sheet as CSV or Excel workbook (.xlsx)."
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["member_number", "months"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


def upload(content: bytes, name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JF", "image/jpeg"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),
        (b"<html><b", None),
        (b"", None),
    ],
)
def test_it_sniffs_document_types_by_content(head, expected):
    assert uploads.sniff_content_type(head) == expected


@pytest.mark.parametrize(
    ("content", "accept", "expected"),
    [
        (PDF, DOCUMENTS, "application/pdf"),
        (PNG, DOCUMENTS, "image/png"),
        (JPEG, DOCUMENTS, "image/jpeg"),
        (b"member_number,months\nASK-1,2\n", CSV_ONLY, CSV),
        ("nama;kelurahan\nSiti Aisyah;Cipinang\n".encode("cp1252"), TABLES, CSV),
        ("nama,kota\nJosé,Bekasi\n".encode("cp1252"), TABLES, CSV),
        ("\ufeffnama,kota\nSiti,Bekasi\n".encode(), TABLES, CSV),
    ],
)
def test_it_accepts_files_by_their_content(content, accept, expected):
    checked = check_upload(upload(content, "whatever.bin"), accept=accept)
    assert (checked.content_type, checked.size) == (expected, len(content))


def test_it_accepts_an_excel_workbook_and_leaves_the_file_at_its_start():
    content = xlsx_bytes()
    file = upload(content, "data.csv")
    checked = check_upload(file, accept=TABLES)
    assert (checked.content_type, checked.extension) == (XLSX, ".xlsx")
    assert file.read() == content


def test_it_refuses_a_file_one_byte_over_the_limit_naming_the_field(settings):
    settings.ASKESOS_MAX_UPLOAD_BYTES = len(PDF)
    assert check_upload(upload(PDF), accept=DOCUMENTS).size == len(PDF)
    with pytest.raises(DomainError) as refused:
        check_upload(upload(PDF + b"0"), accept=DOCUMENTS, field="certificate")
    assert (refused.value.code, refused.value.field, str(refused.value.message)) == (
        "too_large",
        "certificate",
        "The file is larger than 109\xa0bytes.",
    )


def test_the_limit_is_the_same_for_every_kind_of_upload(settings):
    settings.ASKESOS_MAX_UPLOAD_BYTES = 2048
    for accept, content in [(DOCUMENTS, PDF), (TABLES, b"a,b\n"), (CSV_ONLY, b"a,b\n")]:
        with pytest.raises(DomainError) as refused:
            check_upload(upload(content + b"0" * 2048), accept=accept)
        assert str(refused.value.message) == "The file is larger than 2.0\xa0KB."


@pytest.mark.parametrize(
    ("content", "accept", "message"),
    [
        (HTML, DOCUMENTS, "Only PDF, JPEG or PNG files are accepted."),
        (EXE, DOCUMENTS, "Only PDF, JPEG or PNG files are accepted."),
        (b"a,b\n1,2\n", DOCUMENTS, "Only PDF, JPEG or PNG files are accepted."),
        (HTML, TABLES, NOT_A_SHEET),
        (EXE, TABLES, NOT_A_SHEET),
        (PDF + b"\x00", TABLES, NOT_A_SHEET),
        (zip_bytes(), TABLES, "This zip file is not an Excel workbook (.xlsx)."),
        (HTML, CSV_ONLY, "This is not a text file. Upload a CSV file."),
        (EXE, CSV_ONLY, "This is not a text file. Upload a CSV file."),
        (
            xlsx_bytes(),
            CSV_ONLY,
            "This is a spreadsheet (xlsx/zip) file, not CSV. Save it as CSV and try again.",
        ),
        (
            b"nama\n" + b"\x81\x8d\x8f" * 10,
            TABLES,
            'The file is neither UTF-8 nor Windows-1252 text; save it as "CSV UTF-8".',
        ),
    ],
)
def test_it_refuses_files_by_their_content_whatever_their_name(content, accept, message):
    with pytest.raises(DomainError) as refused:
        check_upload(upload(content, "looks-fine.csv"), accept=accept, field="file")
    assert (str(refused.value.message), refused.value.field) == (message, "file")


class SheetForm(forms.Form):
    file = UploadField(label="Sheet", accept=TABLES)


def test_the_form_field_puts_the_error_under_the_file_input(settings):
    settings.ASKESOS_MAX_UPLOAD_BYTES = 10
    form = SheetForm(files=MultiValueDict({"file": [upload(b"a,b\n1,2\n3,4\n", "sheet.csv")]}))
    assert not form.is_valid()
    assert form.errors == {"file": ["The file is larger than 10\xa0bytes."]}


def test_the_form_field_replaces_the_declared_type_by_the_sniffed_one():
    form = SheetForm(files=MultiValueDict({"file": [upload(b"a,b\n1,2\n", "sheet.pdf")]}))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["file"].content_type == CSV
    assert 'accept=".xlsx,.csv,text/csv"' in str(form["file"])
