"""Bad input: fuzzed parsers and importer, malformed uploads, SQL/HTML injection in the main forms."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askesos.core.errors import DomainError
from askesos.registry import rules

TODAY = dt.date(2026, 11, 24)
anything = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet="0123456789 .-/+", max_size=24),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=24),
    st.dates(),
    st.datetimes(),
    st.booleans(),
)


@given(anything)
def test_nik_checks_never_raise_on_any_value(value):
    result = rules.check_nik(value, today=TODAY)
    assert isinstance(result, rules.NikCheck)
    with contextlib.suppress(DomainError):
        rules.repair_nik(value)


@given(anything)
def test_phone_parser_raises_only_domain_errors(value):
    try:
        phone = rules.normalize_phone(value)
    except DomainError:
        return
    assert phone == "" or (phone.startswith("+62") and phone[1:].isdigit())


@given(anything)
def test_date_parser_raises_only_domain_errors(value):
    try:
        parsed = rules.parse_date(value)
    except DomainError:
        return
    assert isinstance(parsed, dt.date)


def _header() -> str:
    from askesos.registry.importer import COLUMNS

    return ",".join(COLUMNS) + "\n"


@pytest.fixture
def run_import(lpa_jt01):
    from askesos.registry.importer import import_job_create, import_persons

    def run(data: bytes):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            job = import_job_create(actor=None, lpa=lpa_jt01, file_name="x.csv", sha256="0" * 64)
            try:
                return import_persons(io.BytesIO(data), job=job, actor=None, today=TODAY)
            finally:
                transaction.set_rollback(True)

    return run


_fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_fuzz
@given(data=st.binary(max_size=600))
def test_importer_raises_only_domain_errors_on_arbitrary_bytes(run_import, data):
    with contextlib.suppress(DomainError):
        run_import(data)


@pytest.mark.parametrize(
    ("body", "line"),
    [(b"\x81\n", 1), (b"a,b\n" * 20000 + b"\x8d\x90\n", 20002)],
    ids=["header", "past-the-sniffed-head"],
)
def test_importer_refuses_undecodable_bytes_naming_the_line(run_import, body, line):
    data = body if line == 1 else _header().encode() + body
    with pytest.raises(DomainError) as caught:
        run_import(data)
    assert caught.value.code == "import_encoding"
    assert f"Line {line} " in str(caught.value.message)


@_fuzz
@given(body=st.text(max_size=400))
def test_importer_raises_only_domain_errors_on_arbitrary_rows_under_a_valid_header(run_import, body):
    try:
        result = run_import((_header() + body).encode("utf-8"))
    except DomainError:
        return
    lines = body.count("\n") + body.count("\r") + 1
    assert result.imported + result.rejected + result.already_registered <= lines


# --- malformed uploads through the web page -------------------------------------------------------


def _xlsx_bytes() -> bytes:
    from askesos.registry.import_template import template_xlsx

    return template_xlsx()


def _header_csv() -> bytes:
    return _header().encode()


MALFORMED = {
    "a truncated XLSX": lambda: ("anggota.xlsx", _xlsx_bytes()[:700]),
    "a zip that is not a workbook": lambda: ("anggota.xlsx", _zip_of({"hello.txt": b"hi"})),
    "a CSV with NUL bytes": lambda: ("anggota.csv", b"nik,nama\x00\x00\n3175\x00,Budi\n"),
    "a 0-byte file": lambda: ("anggota.csv", b""),
    "a file with only a header": lambda: ("anggota.csv", _header_csv()),
    "an EXE renamed .csv": lambda: ("anggota.csv", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
    "an HTML page renamed .xlsx": lambda: ("anggota.xlsx", b"<html><script>alert(1)</script></html>"),
    "bytes that are neither UTF-8 nor cp1252": lambda: ("anggota.csv", b"nik,nama\n\x81\x8d\x8f\x90\x9d\n"),
}


def _zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _form_errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    form = (response.context or {}).get("form")
    return [str(e) for errors in form.errors.values() for e in errors] if form is not None else []


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_import_upload_gets_a_clear_answer_and_creates_nobody(
    case, lpa_manager, lpa_jt01, settings, django_capture_on_commit_callbacks
):
    from askesos.registry.models import ImportJob, Person

    settings.ASKESOS_IMPORT_IN_THREAD = False
    name, content = MALFORMED[case]()
    client = Client(raise_request_exception=False)
    client.force_login(lpa_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/registry/import/", {"lpa": lpa_jt01.pk, "file": SimpleUploadedFile(name, content)}
        )
    assert response.status_code in (200, 302), case
    assert Person.objects.count() == 0, case
    job = ImportJob.objects.first()
    if job is None:  # refused at the door, with the reason on the form
        assert _form_errors(response), case
    else:  # accepted as a file, then failed with a message or found nothing to import
        job.refresh_from_db()
        assert (job.status == "failed" and job.message) or (job.status == "done" and job.imported == 0), (
            case,
            job.status,
            job.message,
        )


def test_an_oversized_import_upload_is_refused(lpa_manager, lpa_jt01, settings):
    from askesos.registry.models import ImportJob

    settings.ASKESOS_MAX_UPLOAD_BYTES = 1024
    client = Client()
    client.force_login(lpa_manager)
    big = SimpleUploadedFile("anggota.csv", _header_csv() + b"x," * 2000)
    response = client.post("/registry/import/", {"lpa": lpa_jt01.pk, "file": big})
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0
    assert _form_errors(response)


# --- injection strings in the main forms -----------------------------------------------------------

SQL = "'; DROP TABLE registry_person; --"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _assert_inert(html: str, value: str) -> None:
    assert value not in html, f"{value!r} rendered unescaped"
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html


@pytest.mark.parametrize("value", [SQL, SCRIPT, IMG])
def test_injection_strings_in_person_and_heir_forms_are_stored_and_rendered_inert(
    value, lpa_manager, lpa_jt01
):
    from askesos.registry.models import Heir, Person

    tables = _tables()
    client = Client()
    client.force_login(lpa_manager)
    response = client.post(
        "/registry/new/",
        {
            "lpa": lpa_jt01.pk,
            "nik": "3175031708850001",
            "full_name": value,
            "birth_date": "1985-08-17",
            "sex": "L",
            "marital_status": "kawin",
            "occupation": "pedagang_kaki_lima",
            "monthly_income": "1500000",
            "is_breadwinner": "on",
            "phone": "081234567890",
            "address": value,
            "kelurahan": lpa_jt01.kelurahan_id,
            "kk_number": "",
            "kk_relation": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get()
    assert (person.full_name, person.address) == (value, value)
    response = client.post(
        f"/registry/{person.pk}/heirs/new/",
        {
            "full_name": value,
            "nik": "3175034101100002",
            "relation": "anak",
            "share_percent": "100",
            "phone": "",
            "payout_channel": "bank",
            "provider": value,
            "account_number": "123",
            "account_holder": value,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Heir.objects.get().full_name == value
    for url in (f"/registry/{person.pk}/", "/registry/?q=3175031708850001", f"/registry/{person.pk}/edit/"):
        page = client.get(url)
        assert page.status_code == 200, url
        _assert_inert(page.content.decode(), value)
    assert _tables() == tables


@pytest.mark.parametrize("value", [SQL, SCRIPT, IMG])
def test_injection_strings_in_lpa_propose_and_outreach_forms_are_rendered_inert(
    value, dinsos_jaktim, lpa_manager, lpa_jt01
):
    from askesos.lpa.models import Lpa
    from askesos.outreach.models import Event, Lead

    tables = _tables()
    client = Client()
    client.force_login(dinsos_jaktim)
    response = client.post(
        "/lpa/new/",
        {
            "code": "LPA-JT-77",
            "name": value,
            "kelurahan": lpa_jt01.kelurahan_id,
            "legal_form": "yayasan",
            "address": value,
            "head_name": value,
            "bank_account_holder": value,
            "founded_on": "2015-05-01",
        },
    )
    lpa = Lpa.objects.filter(code__iexact="LPA-JT-77").first()
    assert lpa is not None, _form_errors(response)
    assert lpa.name == value
    _assert_inert(client.get(f"/lpa/{lpa.pk}/").content.decode(), value)
    _assert_inert(client.get("/lpa/").content.decode(), value)

    client.force_login(lpa_manager)
    response = client.post(
        "/outreach/events/new/",
        {
            "lpa": lpa_jt01.pk,
            "channel": "ceramah",
            "venue_name": value,
            "kelurahan": lpa_jt01.kelurahan_id,
            "held_on": TODAY.isoformat(),
            "attendance": "5",
            "cost": "0",
            "notes": value,
        },
    )
    event = Event.objects.filter(venue_name=value).first()
    assert event is not None, _form_errors(response)
    client.post(
        f"/outreach/events/{event.pk}/leads/", {"full_name": value, "consent": "on", "phone": "", "nik": ""}
    )
    lead = Lead.objects.get(full_name=value)
    for url in (
        f"/outreach/events/{event.pk}/",
        "/outreach/",
        f"/outreach/leads/{lead.pk}/",
        "/outreach/leads/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        _assert_inert(page.content.decode(), value)
    assert _tables() == tables
