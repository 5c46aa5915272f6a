"""What the importer's set-based writes store: persons (warnings as JSON), households shared within a
chunk, across chunks and across files, the KK rows and one audit event per chunk, on both databases
(SQLite: ``json_each`` for households and KK rows; PostgreSQL: ``COPY``)."""

from __future__ import annotations

import datetime as dt
import io

from django.db import connection

from askesos.audit.models import AuditEvent
from askesos.registry import rules
from askesos.registry.importer import import_job_create, import_persons, import_run
from askesos.registry.models import Household, KkMembership, Person

from .conftest import JATINEGARA_KEY, TODAY
from .test_importer import csv_bytes, row

KK = "3175031203150007"


def _run(lpa, rows, actor=None, **kwargs):
    job = import_job_create(actor=actor, lpa=lpa, file_name="anggota.csv", sha256="x")
    if kwargs:
        return import_persons(io.BytesIO(csv_bytes(rows)), job=job, actor=actor, today=TODAY, **kwargs)
    return import_run(job=job, actor=actor, binary=io.BytesIO(csv_bytes(rows)), today=TODAY)


def test_persons_households_kk_rows_and_audit_events_are_stored_as_typed_values(lpa_jt01, lpa_manager):
    # Row 3: the NIK encodes 17/08/1985 but 18/08/1985 is recorded (a warning, stored on the person).
    result = _run(
        lpa_jt01,
        [
            row(),
            row(nik="3175031808850002", nama="Siti  Aminah", tanggal_lahir="18/08/1985", jenis_kelamin="L"),
            row(nik="3175031708850003", nama="Ani", tanggal_lahir="18/08/1985"),
            row(nik="3175031708850004", nama="Dewi", no_kk="3175031203150008", telepon=""),
        ],
        actor=lpa_manager,
    )
    assert (result.imported, result.rejected) == (4, 0)
    budi = Person.objects.get(nik="3175031708850001")
    assert (budi.full_name, budi.birth_date, budi.sex, budi.marital_status, budi.occupation) == (
        "Budi Santoso", dt.date(1985, 8, 17), "L", "kawin", "pedagang_kaki_lima"
    )  # fmt: skip
    assert (budi.monthly_income, budi.is_breadwinner, budi.phone, budi.address) == (
        1_500_000, True, "+6281234567890", "Jl. Jatinegara Barat 5"
    )  # fmt: skip
    assert (budi.kelurahan_id, budi.lpa_id, budi.created_by_id, budi.nik_warnings) == (
        JATINEGARA_KEY, lpa_jt01.pk, lpa_manager.pk, []
    )  # fmt: skip
    assert Person.objects.get(nik="3175031808850002").full_name == "Siti Aminah"
    assert Person.objects.get(nik="3175031708850004").phone == ""
    expected = rules.check_nik("3175031708850003", birth_date=dt.date(1985, 8, 18), sex="L", today=TODAY)
    assert Person.objects.get(nik="3175031708850003").nik_warnings == [w.as_dict() for w in expected.warnings]
    assert expected.warnings  # the case is a real warning

    # Three rows share one KK: one household; the fourth has its own.
    assert sorted(Household.objects.values_list("kk_number", "kelurahan_id")) == [
        (KK, JATINEGARA_KEY), ("3175031203150008", JATINEGARA_KEY)
    ]  # fmt: skip
    memberships = KkMembership.objects.order_by("person_id")
    assert [(m.person.nik, m.household.kk_number, m.relation, m.since, m.until) for m in memberships] == [
        ("3175031708850001", KK, "", TODAY, None),
        ("3175031808850002", KK, "", TODAY, None),
        ("3175031708850003", KK, "", TODAY, None),
        ("3175031708850004", "3175031203150008", "", TODAY, None),
    ]
    if connection.vendor == "sqlite":  # json_each gives the declared types, not JSON's
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT typeof(id), typeof(kk_number), typeof(kelurahan_id) FROM registry_household"
            )
            assert cursor.fetchall() == [("integer", "text", "integer")]
            cursor.execute(
                "SELECT DISTINCT typeof(person_id), typeof(household_id), typeof(since) "
                "FROM registry_kkmembership"
            )
            assert cursor.fetchall() == [("integer", "integer", "text")]

    (event,) = AuditEvent.objects.filter(action="person.import")
    job_id = budi.import_job_id
    assert (event.actor_id, event.lpa_id, event.region_id, event.object_type, event.object_id) == (
        lpa_manager.pk, lpa_jt01.pk, lpa_jt01.kelurahan_id, "registry.importjob", str(job_id)
    )  # fmt: skip
    assert event.new == {"import_job": job_id, "first_line": 2, "last_line": 5, "persons": 4}
    assert event.object_label == "anggota.csv: 2-5"
    assert list(Person.objects.order_by("import_line").values_list("import_line", flat=True)) == [2, 3, 4, 5]


def test_a_household_is_shared_across_chunks_and_files(lpa_jt01):
    first = [row(nik=f"31750317088500{i:02d}", nama=f"Orang {i}") for i in range(1, 6)]
    result = _run(lpa_jt01, first, chunk_size=2, commit_rows=0)  # chunks of 2 rows, one commit each
    assert result.imported == 5
    later = _run(lpa_jt01, [row(nik="3175031708850099", nama="Orang Baru")])
    assert later.imported == 1
    household = Household.objects.get()
    assert household.kk_number == KK
    assert KkMembership.objects.filter(household=household, until__isnull=True).count() == 6
    # Chunks of rows 2-3, 4-5 and 6, then the second file's row 2: one event each.
    events = AuditEvent.objects.filter(action="person.import").order_by("id")
    assert [(e.new or {}).get("first_line") for e in events] == [2, 4, 6, 2]
    assert [((e.new or {})["last_line"], (e.new or {})["persons"]) for e in events] == [
        (3, 2), (5, 2), (6, 1), (2, 1)
    ]  # fmt: skip


def test_the_trail_of_an_imported_person_shows_the_event_of_its_chunk(lpa_jt01, lpa_manager, dinsos_jaktim):
    from askesos.registry.selectors import person_audit

    rows = [row(nik=f"31750317088500{i:02d}", nama=f"Orang {i}") for i in range(1, 6)]
    _run(lpa_jt01, rows, actor=lpa_manager, chunk_size=2, commit_rows=0)  # chunks: rows 2-3, 4-5, 6
    events = {(e.new or {})["first_line"]: e.pk for e in AuditEvent.objects.filter(action="person.import")}
    for nik, first_line in (("3175031708850001", 2), ("3175031708850004", 4), ("3175031708850005", 6)):
        person = Person.objects.get(nik=nik)
        trail = person_audit(dinsos_jaktim, person)
        assert [e.pk for e in trail if e.action == "person.import"] == [events[first_line]]
    registered = Person.objects.create(
        nik="3175031708850099", full_name="Tanpa Impor", birth_date=dt.date(1985, 8, 17), sex="L",
        marital_status="kawin", occupation="pedagang_kaki_lima", monthly_income=1, is_breadwinner=True,
        address="Jl. 1", kelurahan_id=JATINEGARA_KEY, lpa=lpa_jt01,
    )  # fmt: skip
    assert [e for e in person_audit(dinsos_jaktim, registered) if e.action == "person.import"] == []


def test_backslashes_and_non_ascii_text_are_stored_as_written(lpa_jt01):
    # PostgreSQL receives the person rows as COPY text (``importer._copy_text``): escapes must hold.
    result = _run(lpa_jt01, [row(nama="Siti Ümmü N'Dour", alamat="Gg. Mawar\\2 RT 03\\RW 04 \\N")])
    assert result.imported == 1
    person = Person.objects.get()
    assert (person.full_name, person.address) == ("Siti Ümmü N'Dour", "Gg. Mawar\\2 RT 03\\RW 04 \\N")
    assert (person.phone, person.is_breadwinner, person.nik_warnings) == ("+6281234567890", True, [])
