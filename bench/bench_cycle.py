"""Monthly cycle vs the raw-SQL floor (one hand-written UPDATE doing the same status change).

    uv run python -m bench.bench_cycle [--sizes 10000,100000] [--db sqlite,postgres]

For each database and size: a fresh migrated database, N memberships + persons + 12 monthly payments
each (12M payment rows at 1M) generated set-based with raw SQL (paid_through spread so that ~60 % change
status: the worst case of a month where nobody has paid yet), then in one child process:
- floor: one UPDATE … SET status = CASE … WHERE status <> CASE … (rolled back, then VACUUM);
- status phase: the cycle's own status step (events INSERT … SELECT + UPDATE) over chunks (rolled back);
- cycle: ``cycle_run`` in full (age limit, statuses, events, reminders + outbox SMS, follow-up lists);
- again: ``cycle_run`` a second time (idempotent: changes nothing).
Prints a table and writes bench/results/cycle.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time

from bench.harness import (
    HEADER,
    ROOT,
    Result,
    database_url,
    peak_rss_mb,
    reset_database,
    setup_django,
    write_results,
)

MONTH, TODAY = dt.date(2027, 1, 1), dt.date(2027, 1, 1)
# x % 10 → paid_through: 0-3 current (active), 4-5 last month (due), 6 two months, 7 three (lapse
# warning), 8 five (lapsed), 9 eight months ago (lapsed). Everyone starts "active": a worst-case month.
SPREAD = [
    (0, "2027-01-01"),
    (1, "2027-01-01"),
    (2, "2027-01-01"),
    (3, "2027-01-01"),
    (4, "2026-12-01"),
    (5, "2026-12-01"),
    (6, "2026-11-01"),
    (7, "2026-10-01"),
    (8, "2026-08-01"),
    (9, "2026-05-01"),
]


def _dialect(vendor: str) -> dict[str, object]:
    if vendor == "postgresql":
        return {
            "seq": lambda n: f"generate_series(1, {n}) AS seq(x)",
            "pad": lambda expr, w: f"lpad(({expr})::text, {w}, '0')",
            "date": lambda s: f"'{s}'::date",
            "true": "true",
            "now": "now()",
            "json": "'[]'::jsonb",
            "months_before": lambda date, k: f"(({date}) - make_interval(months => {k}))::date",
        }
    return {
        "seq": lambda n: (
            f"(WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n}) "
            "SELECT x FROM s) AS seq"
        ),
        "pad": lambda expr, w: f"printf('%0{w}d', {expr})",
        "date": lambda s: f"'{s}'",
        "true": "1",
        "now": "'2026-11-01 00:00:00'",
        "json": "'[]'",
        "months_before": lambda date, k: f"date({date}, '-' || {k} || ' months')",
    }


def _insert(model, values: dict[str, str], source: str) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    fields = {f.column: f for f in model._meta.concrete_fields}
    required = {c for c, f in fields.items() if not f.null and not f.has_default() and not f.primary_key}
    missing = required - set(values)
    if missing:
        raise SystemExit(f"{model._meta.label}: no value for NOT NULL columns {sorted(missing)}")
    cols = ", ".join(connection.ops.quote_name(c) for c in values)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {model._meta.db_table} ({cols}) SELECT {', '.join(values.values())} FROM {source}"
        )


PAYMENTS_PER_MEMBER = 12  # a year of monthly payments: 12M payment rows at 1M members, as the issue asks


def generate(n: int, payments_per_member: int = PAYMENTS_PER_MEMBER) -> None:
    """``n`` members in one LPA, each with ``payments_per_member`` monthly payments of one month each,
    the latest covering its ``paid_through`` month (SPREAD), set-based."""
    from django.db import connection, transaction

    from askesos.contributions.models import Payment
    from askesos.lpa.models import FieldOfficer, Lpa
    from askesos.membership.models import Membership
    from askesos.regions.models import Region
    from askesos.registry.models import Person
    from askesos.schemes.models import Scheme, SchemeVersion

    d = _dialect(connection.vendor)
    date, pad = d["date"], d["pad"]
    kel = Region.objects.get(code="31.75.03.1001")
    with transaction.atomic():
        lpa = Lpa.objects.create(code="LPA-BENCH", name="Bench", kelurahan=kel, status="active")
        scheme = Scheme.objects.create(code="BENCH", name="Bench")
        SchemeVersion.objects.create(
            scheme=scheme,
            effective_from=dt.date(2020, 1, 1),
            premium_monthly=5000,
            grace_months=3,
            exit_age=65,
        )
        officer = FieldOfficer.objects.create(
            lpa=lpa, full_name="Bench Officer", nik="3175030101800001", active_from=dt.date(2020, 1, 1)
        )
        paid_through = "CASE x % 10 " + " ".join(f"WHEN {k} THEN {date(v)}" for k, v in SPREAD) + " END"
        _insert(
            Person,
            {
                "nik": pad("x", 16),
                "full_name": "'Peserta ' || x",
                "birth_date": date("1980-05-17"),
                "sex": "'L'",
                "marital_status": "'kawin'",
                "occupation": "'pedagang_kaki_lima'",
                "monthly_income": "1000000",
                "is_breadwinner": d["true"],
                "phone": f"CASE WHEN x % 10 < 7 THEN '0812' || {pad('x', 8)} ELSE '' END",
                "address": "'Jl. Bench'",
                "kelurahan_id": str(kel.pk),
                "lpa_id": str(lpa.pk),
                "nik_warnings": d["json"],
                "created_at": d["now"],
                "updated_at": d["now"],
            },
            d["seq"](n),
        )
        _insert(
            Membership,
            {
                "person_id": "x",
                "scheme_id": str(scheme.pk),
                "lpa_id": str(lpa.pk),
                "member_number": "'B' || " + pad("x", 9),
                "enrolled_on": date("2025-01-01"),
                "coverage_start": date("2025-01-01"),
                "paid_through": paid_through,
                "status": "'active'",
                "status_since": date("2025-01-01"),
                "termination_reason": "''",
                "region_id": str(kel.pk),
                "created_at": d["now"],
            },
            d["seq"](n),
        )
        month = d["months_before"](paid_through, "m.k")  # type: ignore[operator]
        ks = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(payments_per_member))
        _insert(
            Payment,
            {
                "membership_id": "x",
                "lpa_id": str(lpa.pk),
                "region_id": str(kel.pk),
                "amount": "5000",
                "months_covered": "1",
                "period_from": month,
                "period_to": month,
                "channel": "'cash_officer'",
                "payer": "'member'",
                "paid_on": month,
                "collector_id": str(officer.pk),
                "receipt_number": "'B' || " + pad("x", 9) + " || '-' || m.k",
                "credit_applied": "0",
                "credit_created": "0",
                "recorded_at": d["now"],
            },
            f"{d['seq'](n)} CROSS JOIN ({ks}) AS m",  # type: ignore[operator]
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def floor_sql(vendor: str) -> str:
    d = _dialect(vendor)
    date = d["date"]
    case = (
        f"CASE WHEN paid_through >= {date('2027-01-01')} THEN 'active' "
        f"WHEN paid_through >= {date('2026-10-01')} THEN 'arrears' ELSE 'lapsed' END"
    )
    return (
        f"UPDATE membership_membership SET status = {case}, status_since = {date('2027-01-01')} "
        f"WHERE status IN ('active', 'arrears', 'lapsed', 'pending') AND paid_through IS NOT NULL "
        f"AND status <> {case}"
    )


class _Rollback(Exception):
    pass


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM" if connection.vendor == "sqlite" else "VACUUM ANALYZE membership_membership")


def child(n: int) -> dict[str, object]:
    from django.db import connection, transaction

    from askesos.contributions import cycle
    from askesos.contributions.models import MembershipStatusChange
    from askesos.membership.models import Membership

    t0 = time.perf_counter()
    generate(n)
    gen = time.perf_counter() - t0

    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(floor_sql(connection.vendor))
                floor_rows = cur.rowcount
            floor = time.perf_counter() - t0
            raise _Rollback
    except _Rollback:
        pass
    _vacuum()

    schemes = cycle._scheme_rules(MONTH)
    top = Membership.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            status_rows = 0
            for lo in range(1, top + 1, cycle.DEFAULT_CHUNK):
                with transaction.atomic():
                    members = Membership.objects.filter(id__gte=lo, id__lt=lo + cycle.DEFAULT_CHUNK)
                    for s in schemes:
                        status_rows += cycle._update_status(
                            members.filter(scheme_id=s.scheme_id), s, MONTH, TODAY
                        )
            status_phase = time.perf_counter() - t0
            raise _Rollback
    except _Rollback:
        pass
    _vacuum()

    t0 = time.perf_counter()
    run = cycle.cycle_run(month=MONTH, today=TODAY)
    full = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = cycle.cycle_run(month=MONTH, today=TODAY)
    second = time.perf_counter() - t0
    return {
        "n": n,
        "generate_s": gen,
        "floor_s": floor,
        "floor_rows": floor_rows,
        "status_phase_s": status_phase,
        "status_rows": status_rows,
        "cycle_s": full,
        "cycle_counts": run.counts,
        "again_s": second,
        "again_counts": again.counts,
        "events": MembershipStatusChange.objects.count(),
        "peak_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        setup_django(os.environ["DATABASE_URL"])
        print(json.dumps(child(args.child), default=str))
        return
    results: list[Result] = []
    print(HEADER)
    for db in args.db.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            url = reset_database(db, os.environ.get("BENCH_TAG", "cycle"))
            out = subprocess.run(
                [sys.executable, "-m", "bench.bench_cycle", "--child", str(n)],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": url, "ASKESOS_TESTING": "1"},
                check=True,
                capture_output=True,
                text=True,
            )
            data = json.loads(out.stdout.strip().splitlines()[-1])
            for work, key in (
                ("cycle: status phase", "status_phase_s"),
                ("cycle: full run", "cycle_s"),
                ("cycle: second run (no-op)", "again_s"),
            ):
                r = Result(
                    work,
                    db,
                    n,
                    float(data[key]),
                    float(data["floor_s"]),
                    float(data["peak_mb"]),
                    {k: v for k, v in data.items() if k not in ("peak_mb",)},
                )
                results.append(r)
                print(r.row(), flush=True)
    path = write_results("cycle", results)
    print(f"written {path}  (database URLs: {database_url('sqlite', 'cycle')}, postgres per BENCH_PG_URL)")


if __name__ == "__main__":
    main()
