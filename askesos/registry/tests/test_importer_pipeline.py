"""The pipelined import (a writer thread with its own connection, ``importer._Writer``) stores and
reports exactly what the single-threaded one does, and a failure on either side leaves whole chunks
only. Transactional tests: the writer's connection must see what the test committed."""

from __future__ import annotations

import io
import threading

import pytest

from askesos.audit.models import AuditEvent
from askesos.registry import importer
from askesos.registry.importer import import_job_create, import_persons
from askesos.registry.models import KkMembership, Person

from .conftest import TODAY
from .test_importer import DAMAGED, csv_bytes, row

pytestmark = pytest.mark.django_db(transaction=True)


def _import(lpa, data: bytes, *, pipelined: bool, name: str, **kwargs):
    job = import_job_create(actor=None, lpa=lpa, file_name=name, sha256=name)
    binary = io.BytesIO(data)
    return job, import_persons(binary, job=job, actor=None, today=TODAY, pipelined=pipelined, **kwargs)


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.endswith("-writer")]


def _error_lines(path: str) -> list[str]:
    from django.core.files.storage import default_storage

    with default_storage.open(path, "rb") as fh:
        return fh.read().decode("utf-8-sig").splitlines()


def test_pipelined_and_inline_imports_store_and_report_the_same(lpa_jt01):
    _job, inline = _import(lpa_jt01, csv_bytes(DAMAGED), pipelined=False, name="a.csv", chunk_size=2)
    inline_state = sorted(Person.objects.values_list("nik", "import_line", "kelurahan_id"))
    inline_events = [(e.new or {}).get("first_line") for e in AuditEvent.objects.order_by("id")]
    inline_errors = _error_lines(inline.error_path)
    Person.objects.all().delete()  # KK rows go with them (CASCADE); the second file imports anew
    job, piped = _import(lpa_jt01, csv_bytes(DAMAGED), pipelined=True, name="b.csv", chunk_size=2)
    assert (piped.rows, piped.imported, piped.rejected, piped.already_registered) == (15, 3, 12, 0)
    assert (inline.rows, inline.imported, inline.rejected, inline.already_registered) == (15, 3, 12, 0)
    assert sorted(Person.objects.values_list("nik", "import_line", "kelurahan_id")) == inline_state
    events = AuditEvent.objects.filter(object_id=str(job.pk)).order_by("id")
    assert [(e.new or {}).get("first_line") for e in events] == inline_events == [2, 5, 14]
    assert _error_lines(piped.error_path) == inline_errors
    assert len(inline_errors) == 15  # the header and 14 problems
    job.refresh_from_db()
    assert (job.processed_rows, job.imported, job.rejected) == (15, 3, 12)
    assert _writer_threads() == []


def test_a_file_error_after_some_chunks_keeps_the_committed_ones_and_stops_the_writer(lpa_jt01):
    good = [row(nik=f"31750317088500{i:02d}", nama=f"Orang {i}") for i in range(1, 8)]
    data = csv_bytes(good) + b"3175031708850099,\x81\x8d broken\n"
    with pytest.raises(importer.ImportFileError) as caught:
        _import(lpa_jt01, data, pipelined=True, name="c.csv", chunk_size=2, commit_rows=4)
    assert str(caught.value.message).startswith("Line 9 holds bytes")
    # Chunks of rows 2-3 and 4-5 committed together (commit_rows=4); rows 6-7 and 8 were in the open
    # transaction, which the writer rolled back.
    assert list(Person.objects.order_by("import_line").values_list("import_line", flat=True)) == [2, 3, 4, 5]
    assert KkMembership.objects.count() == 4
    assert _writer_threads() == []


def test_a_database_error_in_the_writer_reaches_the_caller(lpa_jt01, monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_store_chunk", failing)
    rows = [row(nik=f"31750317088500{i:02d}", nama=f"Orang {i}") for i in range(1, 8)]
    with pytest.raises(RuntimeError, match="disk full"):
        _import(lpa_jt01, csv_bytes(rows), pipelined=True, name="d.csv", chunk_size=2)
    assert Person.objects.count() == 0
    assert _writer_threads() == []
