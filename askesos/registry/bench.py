# ruff: noqa: E501
"""Quick registry benchmark on a fresh SQLite file (not part of the test suite).

    uv run python -m askesos.registry.bench --rows 100000 [--db /tmp/bench.sqlite3]

Measures: generating the CSV, the bulk import (rows/s, tracemalloc peak of the import itself), a
re-import of the same file (must add nothing), the raw executemany floor for the same person rows,
and a full duplicate scan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", default="")
    parser.add_argument("--cache-mb", type=int, default=0, help="SQLite page cache for this connection")
    parser.add_argument("--xlsx", action="store_true", help="also time the XLSX path")
    args = parser.parse_args(argv)
    db_path = args.db or os.path.join(tempfile.mkdtemp(prefix="askesos-bench-"), "bench.sqlite3")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("ASKESOS_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "askesos.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from askesos.lpa.models import Lpa
    from askesos.regions.models import Region
    from askesos.regions.services import regions_load
    from askesos.registry.demo import demo_csv, demo_rows, east_jakarta_kelurahan
    from askesos.registry.duplicates import duplicates_scan
    from askesos.registry.importer import import_job_create, import_run
    from askesos.registry.models import DuplicateCandidate, Person

    call_command("migrate", verbosity=0)
    if args.cache_mb:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{args.cache_mb * 1024}")
    regions_load(province_codes=["31"])
    lpa, _ = Lpa.objects.get_or_create(
        code="BENCH-01",
        defaults={"name": "Bench", "kelurahan": Region.objects.get(code="31.75.03.1001"), "status": "active"},
    )
    today = dt.date(2026, 11, 1)
    t0 = time.perf_counter()
    payload = demo_csv(demo_rows(count=args.rows, today=today, kelurahan_codes=east_jakarta_kelurahan()))
    print(f"generate {args.rows} rows: {time.perf_counter() - t0:.2f} s ({len(payload) / 1e6:.1f} MB CSV)")

    def run(label: str, data: bytes, name: str) -> None:
        job = import_job_create(actor=None, lpa=lpa, file_name=name, sha256=label)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        result = import_run(job=job, actor=None, binary=io.BytesIO(data), today=today, scan_duplicates=False)
        took = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{label}: {took:.2f} s, {result.rows / took:,.0f} rows/s, peak RSS {rss:.0f} MB "
            f"(before {rss_before:.0f} MB, file held in memory {len(data) / 1e6:.0f} MB); {result.summary()}"
        )

    def traced(data: bytes, rows: int) -> None:
        head = b"\n".join(data.split(b"\n", rows + 1)[: rows + 1])
        job = import_job_create(actor=None, lpa=lpa, file_name="traced.csv", sha256="traced")
        tracemalloc.start()
        import_run(job=job, actor=None, binary=io.BytesIO(head), today=today, scan_duplicates=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"tracemalloc peak while importing {rows} rows (already registered): {peak / 1e6:.1f} MB")

    run("import", payload, "bench.csv")
    run("re-import", payload, "bench.csv")
    traced(payload, min(args.rows, 20_000))

    rows = list(Person.objects.values_list(
        "full_name", "birth_date", "sex", "marital_status", "occupation", "monthly_income", "is_breadwinner",
        "phone", "address", "kelurahan_id", "lpa_id", "nik_warnings", "created_at", "updated_at", "nik"))  # fmt: skip
    with connection.cursor() as cursor:
        # The floor: the same rows into a copy of the person table with the same indexes (SQLite DDL).
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'registry_person' AND sql IS NOT NULL")
        for (ddl,) in cursor.fetchall():
            cursor.execute(ddl.replace('"registry_person"', '"floor_person"').replace(
                "INDEX \"", "INDEX \"floor_").replace("INDEX \"floor_registry", "INDEX \"floor_r"))  # fmt: skip
        start = time.perf_counter()
        with transaction.atomic():
            cursor.executemany(
                "INSERT INTO floor_person (full_name, birth_date, sex, marital_status, occupation, monthly_income, "
                "is_breadwinner, phone, address, kelurahan_id, lpa_id, nik_warnings, created_at, updated_at, nik) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(*r[:11], "[]", r[12], r[13], r[14]) for r in rows],
            )
        print(f"raw executemany floor (persons only, same indexes): {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    found = duplicates_scan()
    print(
        f"duplicate scan over {Person.objects.count()} persons: {time.perf_counter() - start:.2f} s, "
        f"{found} pairs ({DuplicateCandidate.objects.count()} candidates stored)"
    )
    if args.xlsx:
        _xlsx(run, payload)
    print(f"database: {db_path}")
    return 0


def _xlsx(run: object, payload: bytes) -> None:
    import csv

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(csv.reader(io.StringIO(payload.decode()))):
        sheet.write_row(r, 0, row)
    book.close()
    start = time.perf_counter()
    run("xlsx re-import", buffer.getvalue(), "bench.xlsx")  # type: ignore[operator]
    print(f"xlsx total {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
