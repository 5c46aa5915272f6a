"""Bulk import of N persons from the template CSV through Askesos' importer, vs a raw bulk-insert
floor of the same rows (SQLite ``executemany``; PostgreSQL ``COPY``). Children of ``bench.run``:

    python -m bench.bench_import --make-csv N        generate (or reuse) the CSV; prints its path
    python -m bench.bench_import --floor PATH        floor: stream the CSV, insert the person rows raw
    python -m bench.bench_import --import PATH       ``registry.importer.import_run`` on the file

Each mode runs in its own process, so its peak RSS (ru_maxrss) is its own. Standalone (the parent,
best of ``--repeat`` runs, each on a freshly reset database, import and floor in the same run):

    uv run python -m bench.bench_import --size 100000,1000000 --db sqlite,postgres --repeat 3

prints the markdown table and writes ``bench/results/import.json``; ``run(size, db)`` is the same
for ``bench.run``. CPU seconds (user + system of the child) are reported beside wall time: on these
shared machines they move much less than wall time. On PostgreSQL the work of the server is not in
the child's CPU: when the server runs on this machine its backend's CPU seconds are read from
``/proc`` (``server_cpu_s``, None otherwise), and ``cpu_us_per_row`` adds both.

The floor reads the same file with ``csv.reader``, maps the Indonesian labels to stored codes (dict
lookups, no validation) and inserts the person rows into ``floor_person``, a copy of
``registry_person`` with the same indexes, in one transaction. The importer does more for each row:
full validation (NIK structure vs birth date and sex, region, age, phone), the duplicate-NIK check,
and writes four rows (person, household, KK membership, audit event) in per-chunk transactions.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    HEADER,
    Result,
    peak_rss_mb,
    reset_database_fast,
    run_child,
    setup_django,
    write_results,
)

PERSON_COLUMNS = (
    "nik", "full_name", "birth_date", "sex", "marital_status", "occupation", "monthly_income",
    "is_breadwinner", "phone", "address", "kelurahan_id", "lpa_id", "nik_warnings", "created_at",
    "updated_at",
)  # fmt: skip
CHUNK = 10_000
CHUNK_SIZE = 2_000  # registry.importer.CHUNK_SIZE: the importer's audit events come one per chunk


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu() -> float | None:
    """CPU seconds (user + system) used so far by the whole PostgreSQL server, when it runs on this
    machine: every live ``postgres`` process (backends, WAL writer, checkpointer, autovacuum) plus
    what the postmaster has collected from the ones that exited (the import's writer thread has a
    backend of its own, gone by the end). None on SQLite (its work is in the child's own CPU time) or
    when no server process is visible from here. Other databases' work counts too: run it alone."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    ticks = 0
    found = False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            comm, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, IndexError, ValueError):
            continue
        if comm != "postgres":
            continue
        fields = rest.split()
        found = True
        ticks += int(fields[11]) + int(fields[12])
        if fields[1] == "1" or Path(f"/proc/{fields[1]}/comm").read_text().strip() != "postgres":
            ticks += int(fields[13]) + int(fields[14])  # the postmaster: its exited children's time
    return ticks / os.sysconf("SC_CLK_TCK") if found else None


def _cpu_fields(rows: int, cpu: float, server_before: float | None) -> dict[str, object]:
    server_after = _server_cpu()
    server = None if server_before is None or server_after is None else server_after - server_before
    total = cpu + (server or 0.0)
    return {
        "cpu_s": cpu,
        "server_cpu_s": server,
        "cpu_us_per_row": round(total / rows * 1e6, 1) if rows else None,
        "load_avg": os.getloadavg(),  # the machine is shared: 1, 5 and 15-minute load at the end
    }


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def make_csv(n: int) -> dict[str, object]:
    from bench.population import write_import_csv

    t0 = time.perf_counter()
    path = write_import_csv(n, today())
    return {"path": str(path), "bytes": path.stat().st_size, "seconds": time.perf_counter() - t0}


def _lpa():  # type: ignore[no-untyped-def]
    from askesos.lpa.models import Lpa
    from askesos.regions.models import Region

    lpa, _ = Lpa.objects.get_or_create(
        code="LPA-IMPORT",
        defaults={
            "name": "Bench import",
            "kelurahan": Region.objects.get(code="31.75.03.1001"),
            "status": "active",
        },
    )
    return lpa


def run_import(path: str, dupes: bool) -> dict[str, object]:
    from django.db import connection

    from askesos.registry.importer import file_sha256, import_job_create, import_run

    lpa = _lpa()
    with open(path, "rb") as fh:
        job = import_job_create(actor=None, lpa=lpa, file_name=os.path.basename(path), sha256=file_sha256(fh))
        server = _server_cpu()
        cpu, t0 = _cpu(), time.perf_counter()
        result = import_run(job=job, actor=None, binary=fh, today=today(), scan_duplicates=False)
        seconds, cpu = time.perf_counter() - t0, _cpu() - cpu
        cpu_fields = _cpu_fields(result.rows, cpu, server)
    counts = {}
    with connection.cursor() as cur:
        for table in ("registry_person", "registry_household", "registry_kkmembership", "audit_auditevent"):
            cur.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cur.fetchone()[0]
    out: dict[str, object] = {
        "rows": result.rows, "imported": result.imported, "rejected": result.rejected,
        "already_registered": result.already_registered, "seconds": seconds, **cpu_fields, "counts": counts,
        "peak_mb": peak_rss_mb(),
    }  # fmt: skip
    if dupes:
        from askesos.registry.duplicates import duplicates_scan

        t0 = time.perf_counter()
        out["duplicate_pairs"] = duplicates_scan()
        out["duplicate_scan_s"] = time.perf_counter() - t0
        out["peak_mb_with_scan"] = peak_rss_mb()
    return out


def _floor_table() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CREATE TABLE floor_person (LIKE registry_person INCLUDING ALL)")
            return
        cur.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'registry_person' AND sql IS NOT NULL")
        for (ddl,) in cur.fetchall():
            cur.execute(
                ddl.replace('"registry_person"', '"floor_person"')
                .replace('INDEX "', 'INDEX "floor_')
                .replace('INDEX "floor_registry', 'INDEX "floor_r')
            )


def _floor_rows(path: str, lpa_id: int, stamp: str):  # type: ignore[no-untyped-def]
    from askesos.registry import rules
    from bench.population import _MARITAL

    occupation = {label: value for value, label in rules.OCCUPATION_LABELS_ID.items()}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for nik, _kk, name, born, sex, marital, job, income, breadwinner, phone, address, kel in reader:
            yield (
                nik, name, f"{born[6:10]}-{born[3:5]}-{born[0:2]}", sex, _MARITAL[marital],
                occupation[job], int(income.replace(".", "")), breadwinner == "ya",
                "+62" + phone[1:] if phone else "", address, int(kel.replace(".", "")), lpa_id, "[]",
                stamp, stamp,
            )  # fmt: skip


def run_floor(path: str) -> dict[str, object]:
    from django.db import connection, transaction

    lpa = _lpa()
    _floor_table()
    stamp = dt.datetime.now(dt.UTC).isoformat()
    rows = 0
    server = _server_cpu()
    cpu, t0 = _cpu(), time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor  # the psycopg cursor: COPY
            with raw.copy(f"COPY floor_person ({', '.join(PERSON_COLUMNS)}) FROM STDIN") as copy:
                for row in _floor_rows(path, lpa.pk, stamp):
                    copy.write_row(row)
                    rows += 1
        else:
            sql = (
                f"INSERT INTO floor_person ({', '.join(PERSON_COLUMNS)}) "
                f"VALUES ({', '.join(['%s'] * len(PERSON_COLUMNS))})"
            )
            chunk: list[tuple[object, ...]] = []
            for row in _floor_rows(path, lpa.pk, stamp):
                chunk.append(row)
                if len(chunk) >= CHUNK:
                    cur.executemany(sql, chunk)
                    rows += len(chunk)
                    chunk.clear()
            cur.executemany(sql, chunk)
            rows += len(chunk)
    seconds, cpu = time.perf_counter() - t0, _cpu() - cpu
    cpu_fields = _cpu_fields(rows, cpu, server)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE floor_person")
    return {
        "rows": rows,
        "seconds": seconds,
        **cpu_fields,
        "peak_mb": peak_rss_mb(),
        "method": ("COPY" if connection.vendor == "postgresql" else "executemany"),
    }


# --- the parent: best of N, import and floor side by side ---------------------------------------


def run(size: int, db: str, repeat: int = 1) -> list[Result]:
    """Import ``size`` members on ``db`` (sqlite/postgres) and the floor, each on a fresh database;
    the best wall time of ``repeat`` runs of each. Checks that every row landed (4 rows each)."""
    tag = f"import-{db}"
    url = reset_database_fast(db, tag)
    path = str(run_child("bench_import", "--make-csv", str(size), env={"DATABASE_URL": url})["path"])
    best: dict[str, object] | None = None
    floor: dict[str, object] | None = None
    for _ in range(repeat):
        url = reset_database_fast(db, tag)
        got = run_child("bench_import", "--import", path, "--no-dupes", env={"DATABASE_URL": url})
        counts: Any = got["counts"]
        # One person and KK row per row, one audit event per 2,000-row chunk (+ the job's own event);
        # planted duplicates share their original's KK, so there are slightly fewer households than rows.
        expected = (size, size, -(-size // CHUNK_SIZE) + 1)
        got_counts = (counts["registry_person"], counts["registry_kkmembership"], counts["audit_auditevent"])
        if got["imported"] != size or got_counts != expected or not counts["registry_household"]:
            raise SystemExit(f"the import did not write every row: {got}")
        url = reset_database_fast(db, tag)
        fl = run_child("bench_import", "--floor", path, env={"DATABASE_URL": url})
        print(
            f"  {db} {size:,}: import {got['seconds']:.2f} s (cpu {got['cpu_s']:.2f} s + server "
            f"{got.get('server_cpu_s')} s, {got.get('cpu_us_per_row')} µs/row, "
            f"peak {got['peak_mb']:.0f} MB), "
            f"floor {fl['seconds']:.2f} s (cpu {fl['cpu_s']:.2f} s + server {fl.get('server_cpu_s')} s, "
            f"{fl.get('cpu_us_per_row')} µs/row), load {os.getloadavg()[0]:.1f}",
            file=sys.stderr,
            flush=True,
        )
        if best is None or float(got["seconds"]) < float(best["seconds"]):  # type: ignore[arg-type]
            best = got
        if floor is None or float(fl["seconds"]) < float(floor["seconds"]):  # type: ignore[arg-type]
            floor = fl
    assert best is not None
    assert floor is not None
    return [
        Result(
            "bulk import members (full validation)",
            db,
            size,
            float(best["seconds"]),  # type: ignore[arg-type]
            float(floor["seconds"]),  # type: ignore[arg-type]
            float(best["peak_mb"]),  # type: ignore[arg-type]
            extra={
                "import_cpu_s": best["cpu_s"],
                "floor_cpu_s": floor["cpu_s"],
                "import_server_cpu_s": best.get("server_cpu_s"),
                "floor_server_cpu_s": floor.get("server_cpu_s"),
                "import_cpu_us_per_row": best.get("cpu_us_per_row"),
                "floor_cpu_us_per_row": floor.get("cpu_us_per_row"),
                "floor_method": floor["method"],
                "repeat": repeat,
                "load_avg_1m": round(os.getloadavg()[0], 1),
            },
        )
    ]


def parent(sizes: list[int], dbs: list[str], repeat: int) -> None:
    results = [r for size in sizes for db in dbs for r in run(size, db, repeat)]
    print(HEADER)
    for r in results:
        cpu = r.extra["import_cpu_s"], r.extra["floor_cpu_s"]
        print(f"{r.row()} cpu {float(cpu[0]):.1f} s / {float(cpu[1]):.1f} s")  # type: ignore[arg-type]
    print(f"written {write_results('import', results)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--make-csv", type=int)
    parser.add_argument("--floor")
    parser.add_argument("--import", dest="import_path")
    parser.add_argument("--no-dupes", action="store_true")
    parser.add_argument("--size", default="100000", help="parent: comma-separated row counts")
    parser.add_argument("--db", default="sqlite,postgres", help="parent: comma-separated databases")
    parser.add_argument("--repeat", type=int, default=3, help="parent: best of N")
    args = parser.parse_args()
    if not (args.make_csv or args.floor or args.import_path):
        parent([int(s) for s in args.size.split(",")], args.db.split(","), args.repeat)
        return
    setup_django(os.environ["DATABASE_URL"])
    if args.make_csv:
        out = make_csv(args.make_csv)
    elif args.floor:
        out = run_floor(args.floor)
    else:
        out = run_import(args.import_path, dupes=not args.no_dupes)
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
