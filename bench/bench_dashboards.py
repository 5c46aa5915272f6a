"""Coverage dashboards at scale: p95 latency of each page through Django's test Client.

    uv run python -m bench.bench_dashboards [--sizes 10000,100000,1000000] [--db sqlite,postgres]
        [--requests 30]

For each database and size: a fresh migrated database with the regions of DKI Jakarta; one LPA per
kecamatan; N persons + memberships spread over every kelurahan of the province and 13 months of
enrolment (70 % active, 10 % arrears, 10 % lapsed, 10 % pending) and one payment each, generated
set-based with raw SQL; an informal-workforce estimate per kelurahan. Then, in one child process:
the rollups of the 13 months are refreshed (timed: ``rollups_refresh``), and each dashboard page is
requested ``--requests`` times after 3 warm-up requests (p50, p95, max; query counts are checked
in the test suite).
Prints a table and writes bench/results/dashboards.json. Target (BENCHMARK-TARGETS.md): p95 < 200 ms
at 1M members.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time

from bench.harness import RESULTS, machine, reset_database, run_child, setup_django

MONTHS = [dt.date(2025 + (m // 12), m % 12 + 1, 1) for m in range(13)]  # 2025-01 … 2026-01
LAST = MONTHS[-1]


def generate(n: int) -> None:
    from django.db import connection, transaction

    from askesos.contributions.models import Payment
    from askesos.lpa.models import Lpa
    from askesos.membership.models import Membership
    from askesos.regions.models import Region, WorkforceEstimate
    from askesos.registry.models import Person
    from askesos.schemes.models import Scheme, SchemeVersion
    from bench.bench_cycle import _dialect, _insert

    d = _dialect(connection.vendor)
    pad, date = d["pad"], d["date"]
    pg = connection.vendor == "postgresql"
    enrolled = "('2025-01-01'::date + (x % 390))" if pg else "date('2025-01-01', '+' || (x % 390) || ' days')"
    with transaction.atomic():
        scheme = Scheme.objects.create(code="BENCH", name="Bench")
        SchemeVersion.objects.create(
            scheme=scheme, effective_from=dt.date(2020, 1, 1), premium_monthly=5000, grace_months=3
        )
        villages = list(Region.objects.filter(level=4, id__gte=3100000000, id__lt=3200000000).order_by("id"))
        first_by_kec: dict[int, Region] = {}
        for v in villages:
            first_by_kec.setdefault(v.id // 10**4 * 10**4, v)
        for i, (_kec, v) in enumerate(sorted(first_by_kec.items())):
            Lpa.objects.create(code=f"LPA-B{i:03d}", name=f"Bench {i}", kelurahan=v, status="active")
        WorkforceEstimate.objects.bulk_create(
            [
                WorkforceEstimate(
                    region=v, year=2025, informal_workers=6000 + (v.id % 97) * 10, source="bench"
                )
                for v in villages
            ]
        )
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_kel")
            cur.execute(
                "CREATE TEMP TABLE bench_kel AS SELECT ROW_NUMBER() OVER (ORDER BY r.id) - 1 AS i, r.id AS id, l.id AS lpa_id "  # noqa: E501
                "FROM regions_region r JOIN lpa_lpa l ON l.kelurahan_id / 10000 = r.id / 10000 "
                "WHERE r.level = 4 AND r.id >= 3100000000 AND r.id < 3200000000"
            )
        k = len(villages)
        source = f"{d['seq'](n)} JOIN bench_kel k ON k.i = seq.x % {k}"
        status = "CASE WHEN x % 10 < 7 THEN 'active' WHEN x % 10 = 7 THEN 'arrears' WHEN x % 10 = 8 THEN 'lapsed' ELSE 'pending' END"  # noqa: E501
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
                "phone": "''",
                "address": "'Jl. Bench'",
                "kelurahan_id": "k.id",
                "lpa_id": "k.lpa_id",
                "nik_warnings": d["json"],
                "created_at": d["now"],
                "updated_at": d["now"],
            },
            source,
        )
        _insert(
            Membership,
            {
                "person_id": "x",
                "scheme_id": str(scheme.pk),
                "lpa_id": "k.lpa_id",
                "member_number": "'B' || " + pad("x", 9),
                "enrolled_on": enrolled,
                "coverage_start": date("2025-01-01"),
                "paid_through": date("2026-01-01"),
                "status": status,
                "status_since": date("2025-01-01"),
                "termination_reason": "''",
                "region_id": "k.id",
                "created_at": d["now"],
            },
            source,
        )
        _insert(
            Payment,
            {
                "membership_id": "x",
                "lpa_id": "k.lpa_id",
                "region_id": "k.id",
                "amount": "5000",
                "months_covered": "1",
                "period_from": date("2026-01-01"),
                "period_to": date("2026-01-01"),
                "channel": "'bank_transfer'",
                "payer": "'member'",
                "paid_on": enrolled,
                "receipt_number": "'B' || " + pad("x", 9),
                "credit_applied": "0",
                "credit_created": "0",
                "recorded_at": d["now"],
            },
            source,
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


PAGES = [
    ("national", "kemensos", "/analytics/"),
    ("province 31", "kemensos", "/analytics/area/31/"),
    ("city 31.75", "dinsos", "/analytics/area/31.75/"),
    ("kecamatan 31.75.03", "dinsos", "/analytics/area/31.75.03/"),
    ("kelurahan 31.75.03.1001", "dinsos", "/analytics/area/31.75.03.1001/"),
    ("scorecard city 31.75", "dinsos", "/analytics/scorecard/city/31.75/"),
]


def child(n: int, requests: int) -> dict[str, object]:
    from django.test import Client

    from askesos.accounts.models import User
    from askesos.analytics.services import rollups_refresh
    from askesos.regions.models import Region

    t0 = time.perf_counter()
    generate(n)
    gen = time.perf_counter() - t0
    refresh = []
    for month in MONTHS:
        t0 = time.perf_counter()
        rows = rollups_refresh(month=month)
        refresh.append((time.perf_counter() - t0, rows))
    t0 = time.perf_counter()
    rollups_refresh(month=LAST)
    again = time.perf_counter() - t0
    users = {
        "kemensos": User.objects.create_user(
            username="k", password="x" * 12, role="kemensos_admin", national_scope=True
        ),
        "dinsos": User.objects.create_user(username="d", password="x" * 12, role="dinsos_officer"),
    }
    users["dinsos"].scope_regions.set([Region.objects.get(code="31.75")])
    pages = []
    for label, who, url in PAGES:
        client = Client()
        client.force_login(users[who])
        full = f"{url}?month={LAST:%Y-%m}"
        for _ in range(3):
            assert client.get(full).status_code == 200, (label, client.get(full).status_code)
        times = []
        for _ in range(requests):
            t0 = time.perf_counter()
            client.get(full)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        pages.append(
            {
                "page": label,
                "p50_ms": statistics.median(times),
                "p95_ms": times[max(0, int(len(times) * 0.95) - 1)],
                "max_ms": times[-1],
            }
        )
    return {
        "n": n,
        "generate_s": gen,
        "refresh_month_s_max": max(t for t, _r in refresh),
        "refresh_13_months_s": sum(t for t, _r in refresh),
        "rollup_rows_per_month": refresh[-1][1],
        "refresh_again_s": again,
        "pages": pages,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        setup_django(os.environ["DATABASE_URL"])
        print(json.dumps(child(args.child, args.requests)))
        return
    results = []
    for db in args.db.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            url = reset_database(db, f"dash-{size}")
            out = run_child(
                "bench_dashboards",
                "--child",
                str(size),
                "--requests",
                str(args.requests),
                env={"DATABASE_URL": url, "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"},
            )
            out["db"] = db
            results.append(out)
            print(
                f"\n{db} {size:,} members: generate {out['generate_s']:.1f} s; rollup refresh "
                f"{out['refresh_13_months_s']:.2f} s for 13 months (max {out['refresh_month_s_max']:.2f} s/month, "  # noqa: E501
                f"{out['rollup_rows_per_month']} rows/month; again {out['refresh_again_s']:.2f} s)"
            )
            print("| page | p50 ms | p95 ms | max ms |\n|---|---|---|---|")
            for p in out["pages"]:  # type: ignore[attr-defined]
                print(f"| {p['page']} | {p['p50_ms']:.1f} | {p['p95_ms']:.1f} | {p['max_ms']:.1f} |")
            sys.stdout.flush()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dashboards.json").write_text(json.dumps({"machine": machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
