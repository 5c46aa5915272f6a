# ruff: noqa: E501, RUF001, RUF002
"""10M premium payments on PostgreSQL: a plain table vs a monthly-partitioned one (docs/scaling.md).

    uv run python -m bench.scale_partitioning [--rows 10000000] [--members 500000] [--keep]

In a scratch database ``askesos_scale`` (created here, dropped at the end unless --keep):

- ``payment_plain``: the columns, checks and the 12 indexes (PK, UNIQUE and 10 more) of ``contributions_payment`` as the
  Django migrations create them (PK on id, UNIQUE receipt_number, the FK and composite indexes);
- ``payment_part``: the same, ``PARTITION BY RANGE (paid_on)`` with one partition per month
  (2025-01 … 2027-12); the primary key becomes (id, paid_on), the receipt number is unique per
  (receipt_number, paid_on) and globally through ``payment_receipt`` (receipt_number PRIMARY KEY),
  written in the same transaction as the payment.

Both get the same 10M rows (``--members`` members × 20 months, 2025-04 … 2026-11, loaded by
``INSERT … SELECT generate_series`` into the plain table then copied, indexes built after the
load). Then each query runs on both: one member's payment history, one month's collections per
LPA, the cycle's "who paid in month X" probe and its 12-month follow-up probe over a chunk of
members, and the insert throughput of new payments into the current month (one transaction per
payment, as the service does). EXPLAIN ANALYZE excerpts show the partition pruning.
Prints markdown and writes bench/results/scale-partitioning.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

import psycopg

from bench.harness import RESULTS, machine

BASE = "postgres://postgres@127.0.0.1:5432"
DB = "askesos_scale"
FIRST, MONTHS = "2025-04-01", 20
COLUMNS = """
    id bigint NOT NULL,
    region_id bigint NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    months_covered smallint NOT NULL CHECK (months_covered >= 1),
    period_from date NOT NULL,
    period_to date NOT NULL,
    channel varchar(16) NOT NULL,
    payer varchar(8) NOT NULL,
    paid_on date NOT NULL,
    receipt_number varchar(32) NOT NULL,
    credit_applied integer NOT NULL CHECK (credit_applied >= 0),
    credit_created integer NOT NULL CHECK (credit_created >= 0),
    recorded_at timestamptz NOT NULL,
    collector_id bigint,
    lpa_id bigint NOT NULL,
    membership_id bigint NOT NULL,
    recorded_by_id bigint,
    batch_id bigint,
    CHECK (period_to >= period_from)
"""
INDEXES = [  # as contributions' migrations create them (FK indexes + Meta.indexes)
    "CREATE INDEX {t}_batch ON {t} (batch_id)",
    "CREATE INDEX {t}_collector ON {t} (collector_id)",
    "CREATE INDEX {t}_lpa ON {t} (lpa_id)",
    "CREATE INDEX {t}_membership ON {t} (membership_id)",
    "CREATE INDEX {t}_receipt_like ON {t} (receipt_number varchar_pattern_ops)",
    "CREATE INDEX {t}_recorded_by ON {t} (recorded_by_id)",
    "CREATE INDEX {t}_collector_paid ON {t} (collector_id, paid_on) WHERE collector_id IS NOT NULL",
    "CREATE INDEX {t}_lpa_paid ON {t} (lpa_id, paid_on)",
    "CREATE INDEX {t}_member_period ON {t} (membership_id, period_from)",
    "CREATE INDEX {t}_region_paid ON {t} (region_id, paid_on)",
]


def _admin(sql: str) -> None:
    with psycopg.connect(f"{BASE}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _timed(conn: psycopg.Connection, sql: str, params: object = None) -> float:
    t0 = time.perf_counter()
    conn.execute(sql, params)
    return time.perf_counter() - t0


def load(conn: psycopg.Connection, rows: int, members: int) -> dict[str, float]:
    out: dict[str, float] = {}
    conn.execute("SET maintenance_work_mem = '512MB'")
    conn.execute("SET synchronous_commit = off")
    conn.execute(f"CREATE TABLE payment_plain ({COLUMNS})")
    conn.execute(f"CREATE TABLE payment_part ({COLUMNS}) PARTITION BY RANGE (paid_on)")
    for y in (2025, 2026, 2027):
        for m in range(1, 13):
            hi = f"{y + (m == 12)}-{m % 12 + 1:02d}-01"
            conn.execute(
                f"CREATE TABLE payment_part_{y}{m:02d} PARTITION OF payment_part FOR VALUES FROM ('{y}-{m:02d}-01') TO ('{hi}')"
            )
    conn.execute(
        "CREATE TABLE payment_receipt (receipt_number varchar(32) PRIMARY KEY, paid_on date NOT NULL)"
    )
    conn.commit()
    # Row i: member i % members + 1, month i / members (rows arrive in time order, as in real life).
    gen = f"""
        INSERT INTO payment_plain
        SELECT i + 1, 3175010001 + (m % 65), 5000, 1, mon, mon,
               CASE WHEN m % 10 < 6 THEN 'cash_officer' WHEN m % 10 < 8 THEN 'bank_transfer' ELSE 'ewallet_qris' END,
               'member', mon + (m % 25), 'R' || i, 0, 0, (mon + (m % 25)) + time '10:00',
               CASE WHEN m % 10 < 6 THEN m % 1000 + 1 END, m % 100 + 1, m + 1, NULL, NULL
        FROM (SELECT i, i % {members} AS m,
                     ('{FIRST}'::date + make_interval(months => (i / {members})::int))::date AS mon
              FROM generate_series(0, {rows} - 1) AS i) s
    """
    out["load_plain_s"] = _timed(conn, gen)
    conn.commit()
    out["load_part_s"] = _timed(conn, "INSERT INTO payment_part SELECT * FROM payment_plain")
    conn.commit()
    out["load_receipts_s"] = _timed(
        conn, "INSERT INTO payment_receipt SELECT receipt_number, paid_on FROM payment_plain"
    )
    conn.commit()
    t0 = time.perf_counter()
    conn.execute("ALTER TABLE payment_plain ADD PRIMARY KEY (id)")
    conn.execute("ALTER TABLE payment_plain ADD UNIQUE (receipt_number)")
    for ddl in INDEXES:
        conn.execute(ddl.format(t="payment_plain"))
    conn.commit()
    out["index_plain_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    conn.execute("ALTER TABLE payment_part ADD PRIMARY KEY (id, paid_on)")
    conn.execute("ALTER TABLE payment_part ADD UNIQUE (receipt_number, paid_on)")
    for ddl in INDEXES:
        conn.execute(ddl.format(t="payment_part"))
    conn.commit()
    out["index_part_s"] = time.perf_counter() - t0
    conn.autocommit = True
    t0 = time.perf_counter()
    conn.execute("VACUUM ANALYZE payment_plain")
    conn.execute("VACUUM ANALYZE payment_part")
    conn.execute("VACUUM ANALYZE payment_receipt")
    out["vacuum_analyze_s"] = time.perf_counter() - t0
    conn.autocommit = False
    return out


def sizes(conn: psycopg.Connection) -> dict[str, str]:
    row = conn.execute(
        """SELECT pg_size_pretty(pg_table_size('payment_plain')), pg_size_pretty(pg_indexes_size('payment_plain')),
                  (SELECT pg_size_pretty(sum(pg_table_size(c.oid))) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'payment_part'::regclass),
                  (SELECT pg_size_pretty(sum(pg_indexes_size(c.oid))) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'payment_part'::regclass),
                  pg_size_pretty(pg_total_relation_size('payment_receipt'))"""
    ).fetchone()
    conn.commit()
    return dict(
        zip(
            ("plain_table", "plain_indexes", "part_tables", "part_indexes", "receipt_registry"),
            row,
            strict=True,
        )
    )


QUERIES = {
    "member history (all months)": (
        "SELECT period_from, amount, receipt_number FROM {t} WHERE membership_id = %(m)s ORDER BY period_from",
        True,
    ),
    "member history (last 12 months)": (
        "SELECT period_from, amount, receipt_number FROM {t} WHERE membership_id = %(m)s "
        "AND paid_on >= '2025-12-01' ORDER BY period_from",
        True,
    ),
    "month's collections per LPA (2026-10)": (
        "SELECT lpa_id, count(*), sum(amount) FROM {t} WHERE paid_on >= '2026-10-01' AND paid_on < '2026-11-01' "
        "GROUP BY lpa_id",
        False,
    ),
    "cycle probe: who paid in 2026-10": (
        "SELECT count(DISTINCT membership_id) FROM {t} WHERE paid_on >= '2026-10-01' AND paid_on < '2026-11-01'",
        False,
    ),
    "cycle follow-up: 12-month sums, 10k members": (
        "SELECT membership_id, sum(months_covered) FROM {t} WHERE membership_id BETWEEN %(m)s AND %(m)s + 9999 "
        "AND paid_on >= '2025-11-01' GROUP BY membership_id",
        True,
    ),
}


def run_queries(conn: psycopg.Connection, members: int, repeat: int) -> dict[str, dict[str, float]]:
    rng = random.Random(1)
    out: dict[str, dict[str, float]] = {}
    for label, (sql, _per_member) in QUERIES.items():
        out[label] = {}
        picks = [rng.randint(1, max(1, members - 10_000)) for _ in range(repeat)]
        for table in ("payment_plain", "payment_part"):
            q = sql.format(t=table)
            for m in picks[:3]:  # warm the cache
                conn.execute(q, {"m": m}).fetchall()
            times = []
            for m in picks:
                t0 = time.perf_counter()
                conn.execute(q, {"m": m}).fetchall()
                times.append((time.perf_counter() - t0) * 1000)
            conn.commit()
            out[label][table] = statistics.median(times)
    return out


def explain(conn: psycopg.Connection, sql: str, scans: int = 4) -> str:
    """EXPLAIN ANALYZE, abridged: the top node, every line naming a scanned relation (at most
    ``scans`` of them, then a count), pruning notes and the timings."""
    rows = [r[0] for r in conn.execute(f"EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) {sql}").fetchall()]
    conn.commit()
    out, shown, hidden = [rows[0]], 0, 0
    for line in rows[1:]:
        if " on " in line and "Scan" in line:
            if shown < scans:
                out.append(line)
                shown += 1
            else:
                hidden += 1
        elif "Subplans Removed" in line or line.startswith(("Planning Time", "Execution Time")):
            out.append(line)
    if hidden:
        out.insert(len(out) - 2, f"   … and {hidden} more scans of other partitions")
    return "\n".join(out)


def inserts(conn: psycopg.Connection, table: str, count: int, members: int, start: int) -> float:
    """``count`` new payments into the current month, one transaction each (as payment_record)."""
    rng = random.Random(2)
    cols = ("id, region_id, amount, months_covered, period_from, period_to, channel, payer, paid_on, receipt_number, "
            "credit_applied, credit_created, recorded_at, collector_id, lpa_id, membership_id")  # fmt: skip
    sql = (f"INSERT INTO {table} ({cols}) VALUES (%s, 3175010001, 5000, 1, '2026-11-01', '2026-11-01', "
           "'bank_transfer', 'member', '2026-11-24', %s, 0, 0, now(), NULL, %s, %s)")  # fmt: skip
    t0 = time.perf_counter()
    for i in range(count):
        m = rng.randint(1, members)
        receipt = f"N{table[-4:]}{start + i}"
        if table == "payment_part":
            conn.execute("INSERT INTO payment_receipt VALUES (%s, '2026-11-24')", (receipt,))
        conn.execute(sql, (start + i, receipt, m % 100 + 1, m))
        conn.commit()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--inserts", type=int, default=2000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.rows != args.members * MONTHS:
        parser.error(f"--rows must be --members × {MONTHS}")
    _admin(f"DROP DATABASE IF EXISTS {DB}")
    _admin(f"CREATE DATABASE {DB}")
    result: dict[str, object] = {"machine": machine(), "rows": args.rows, "members": args.members}
    try:
        with psycopg.connect(f"{BASE}/{DB}") as conn:
            result["load"] = load(conn, args.rows, args.members)
            print("load:", json.dumps(result["load"]), flush=True)
            result["sizes"] = sizes(conn)
            result["queries_ms_median"] = run_queries(conn, args.members, args.repeat)
            # Insert throughput, each table twice, interleaved (plain, part, plain, part): load drifts.
            ins: dict[str, list[float]] = {"payment_plain": [], "payment_part": []}
            for rnd in range(2):
                for table in ins:
                    seconds = inserts(
                        conn, table, args.inserts, args.members, args.rows + 1 + rnd * args.inserts
                    )
                    ins[table].append(args.inserts / seconds)
            result["inserts_per_s"] = ins
            t0 = time.perf_counter()
            conn.execute("ALTER TABLE payment_part DETACH PARTITION payment_part_202504")
            conn.commit()
            detach = time.perf_counter() - t0
            t0 = time.perf_counter()
            deleted = conn.execute(
                "DELETE FROM payment_plain WHERE paid_on >= '2025-04-01' AND paid_on < '2025-05-01'"
            ).rowcount
            delete = time.perf_counter() - t0
            conn.rollback()
            result["archive_one_month"] = {
                "detach_partition_s": detach,
                "delete_plain_s": delete,
                "rows": deleted,
            }
            m = args.members // 3
            result["explain"] = {
                f"{label}, {table}": explain(conn, QUERIES[label][0].format(t=table).replace("%(m)s", str(m)))
                for label in ("month's collections per LPA (2026-10)", "cycle probe: who paid in 2026-10",
                              "member history (last 12 months)", "member history (all months)")
                for table in ("payment_part", "payment_plain")
            }  # fmt: skip
    finally:
        if not args.keep:
            _admin(f"DROP DATABASE IF EXISTS {DB}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale-partitioning.json").write_text(json.dumps(result, indent=2, default=str))
    print("\n| query | plain (ms, median) | partitioned (ms, median) |\n|---|---|---|")
    for label, v in result["queries_ms_median"].items():  # type: ignore[union-attr]
        print(f"| {label} | {v['payment_plain']:.2f} | {v['payment_part']:.2f} |")
    ins = result["inserts_per_s"]  # type: ignore[assignment]
    print(f"| insert one payment per transaction (/s, two rounds) | {' / '.join(f'{x:.0f}' for x in ins['payment_plain'])} "
          f"| {' / '.join(f'{x:.0f}' for x in ins['payment_part'])} (incl. receipt registry) |")  # fmt: skip
    print(json.dumps({k: result[k] for k in ("sizes", "archive_one_month")}, indent=1, default=str))
    for label, text in result["explain"].items():  # type: ignore[union-attr]
        print(f"\n{label}:\n{text}")


if __name__ == "__main__":
    main()
