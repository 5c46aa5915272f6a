"""Dashboards at scale: p95 latency of every analytics page through Django's test Client.

    uv run python -m bench.bench_dashboards [--sizes 10000,100000,1000000] [--db sqlite,postgres]
        [--requests 30] [--only LABEL-PART] [--name RESULTS-NAME]

For each database and size: a fresh migrated database with the regions of DKI Jakarta; one LPA per
kecamatan; N persons + memberships spread over every kelurahan of the province and 13 months of
enrolment (70 % active, 10 % arrears, 10 % lapsed, 10 % pending) and one payment each, generated
set-based with raw SQL; an informal-workforce estimate per kelurahan; and what the scorecard's
indicators read, in proportion (``generate_activity``: officers, vehicles, trainings, honoraria,
deposits, outreach events, claims, a payment in each of the last two months for 80 % of members, a
survey round). Then, in one child process: the rollups of the 13 months are refreshed (timed:
``rollups_refresh``), and each page in ``PAGES`` (coverage national → kelurahan, the LPA manager's
view, the scorecard index, the city and LPA scorecards and their PDFs) is requested ``--requests``
times after 3 warm-up requests (p50, p95, max, and the SQL statements of one request; flat query
counts are asserted in the test suite).
Prints a table and writes bench/results/NAME.json (default dashboards.json). Target
(BENCHMARK-TARGETS.md): p95 < 200 ms at 1M members.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable

from bench.harness import RESULTS, machine, reset_database_fast, run_child, setup_django

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
    generate_activity(n, scheme)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _dates(vendor: str) -> tuple[Callable[[str, str], str], Callable[[str, str, str], str]]:
    """(date(start, +days), UTC datetime(start, +days, +hours)) as SQL, for generated rows."""
    if vendor == "postgresql":
        return (
            lambda start, days: f"('{start}'::date + ({days})::int)",
            lambda start, days, hours: (
                f"(('{start}'::timestamp + ({days}) * interval '1 day' + ({hours}) * interval '1 hour')"
                " AT TIME ZONE 'UTC')"
            ),
        )
    return (
        lambda start, days: f"date('{start}', '+' || ({days}) || ' days')",
        lambda start, days, hours: (
            f"datetime('{start}', '+' || ({days}) || ' days', '+' || ({hours}) || ' hours')"
        ),
    )


def generate_activity(n: int, scheme: object) -> None:
    """What the implementation indicators read, at a scale proportional to the membership: field
    officers (one per 1,000 members, at least two per LPA), their vehicles, trainings and monthly
    honorarium statements, cash deposits, outreach events (one per 100 members over the 13 months),
    claims (5 % of members; 70 % paid, 2 % of those without a verification), a payment in each of the
    last two months for 80 % of members (recorded 0-10 days after payment), and one survey round
    (the demo's ~200 responses in East Jakarta)."""
    from django.db import connection
    from django.utils import timezone

    from askesos.analytics.demo import _demo_round
    from askesos.claims.models import Claim
    from askesos.contributions.models import OfficerDeposit, Payment
    from askesos.evaluation.seed import seed_default_instrument
    from askesos.lpa.models import FieldOfficer, Lpa
    from askesos.membership.models import Membership
    from askesos.outreach.models import Event
    from askesos.regions.models import Region
    from askesos.schemes.models import Benefit
    from askesos.workforce.models import (
        HonorariumFormula,
        HonorariumStatement,
        RequiredTraining,
        Training,
        TrainingRecord,
        Vehicle,
    )
    from bench.bench_cycle import _dialect, _insert

    d = _dialect(connection.vendor)
    pad = d["pad"]
    day, stamp = _dates(connection.vendor)
    now = timezone.now()
    lpas = list(Lpa.objects.order_by("id"))
    officers = FieldOfficer.objects.bulk_create(
        [
            FieldOfficer(
                lpa=lpas[i % len(lpas)],
                full_name=f"Petugas {i}",
                nik=f"{3175000000000000 + i}",
                active_from=dt.date(2024, 1, 1),
                active_to=dt.date(2025, 6, 30) if i % 10 == 9 else None,
            )
            for i in range(max(2 * len(lpas), n // 1000))
        ],
        batch_size=1000,
    )
    Vehicle.objects.bulk_create(
        [
            Vehicle(
                lpa_id=o.lpa_id,
                type="motor",
                plate=f"B {i:05d} BX",
                condition="baik" if i % 3 else "rusak_ringan",
                acquired_on=dt.date(2023, 1, 1),
                assigned_officer=o,
            )
            for i, o in enumerate(officers)
            if i % 2 == 0
        ],
        batch_size=1000,
    )
    RequiredTraining.objects.create(topic="askesos_basics")
    RequiredTraining.objects.create(topic="collection", refresh_months=12)
    records = []
    for topic, held_on in (("askesos_basics", dt.date(2025, 3, 1)), ("collection", dt.date(2024, 6, 1))):
        trainings = {
            lpa.pk: Training.objects.create(
                lpa=lpa,
                region_id=lpa.kelurahan_id,
                type="diklat",
                topic=topic,
                title=f"Diklat {topic}",
                hours=8,
                provider="Dinsos",
                held_on=held_on,
            )
            for lpa in lpas
        }
        records += [
            TrainingRecord(training=trainings[o.lpa_id], officer=o, attended=i % 10 < 8)
            for i, o in enumerate(officers)
            if i % 10 < 9
        ]
    TrainingRecord.objects.bulk_create(records, batch_size=1000)
    formula = HonorariumFormula.objects.create(effective_from=dt.date(2025, 1, 1))
    statements = []
    for month in MONTHS:
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        for i, o in enumerate(officers):
            kind = (i + month.month) % 4
            paid_on = None if kind == 0 else nxt.replace(day=15 if kind == 1 else 5)
            statements.append(
                HonorariumStatement(
                    officer=o,
                    lpa_id=o.lpa_id,
                    month=month,
                    formula=formula,
                    new_members=10,
                    collections=50_000,
                    base_amount=500_000,
                    new_member_amount=0,
                    collection_amount=0,
                    total=500_000,
                    computed_at=now,
                    paid_on=paid_on,
                    paid_on_time=None if paid_on is None else kind != 1,
                    status="approved" if paid_on is None else "paid",
                )
            )
    HonorariumStatement.objects.bulk_create(statements, batch_size=2000)
    OfficerDeposit.objects.bulk_create(
        [
            OfficerDeposit(
                officer=o,
                lpa_id=o.lpa_id,
                amount=50_000,
                deposited_on=LAST + dt.timedelta(days=k * 7),
                status="submitted" if (i + k) % 5 == 0 else "confirmed",
                submitted_at=now,
            )
            for i, o in enumerate(officers)
            for k in range(4)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM bench_kel")
        k = cur.fetchone()[0]
    _insert(
        Event,
        {
            "lpa_id": "k.lpa_id",
            "channel": "'masjid'",
            "venue_name": "'Masjid Bench'",
            "kelurahan_id": "k.id",
            "held_on": day("2025-01-01", "(x * 7) % 395"),
            "cost": "0",
            "attendance": "20 + x % 80",
            "notes": "''",
            "created_at": d["now"],
        },
        f"{d['seq'](max(1, n // 100))} JOIN bench_kel k ON k.i = seq.x % {k}",
    )
    version = scheme.versions.get()  # type: ignore[attr-defined]
    benefit = Benefit.objects.create(version=version, claim_type="sickness", amount=500_000)
    m = Membership._meta.db_table
    c = "(m.id / 20)"
    _insert(
        Claim,
        {
            "membership_id": "m.id",
            "lpa_id": "m.lpa_id",
            "region_id": "m.region_id",
            "scheme_version_id": str(version.pk),
            "benefit_id": str(benefit.pk),
            "claim_type": "'sickness'",
            "event_date": day("2025-01-01", f"{c} % 380"),
            "reported_on": day("2025-01-03", f"{c} % 380"),
            "cause": "''",
            "place": "''",
            "claimant_name": "'Peserta'",
            "claimant_phone": "''",
            "amount": "500000",
            "status": f"CASE WHEN {c} % 10 < 7 THEN 'paid' WHEN {c} % 10 = 7 THEN 'rejected' "
            "ELSE 'submitted' END",
            "status_changed_at": stamp("2025-01-03", f"{c} % 380", f"{c} % 24"),
            "submitted_at": stamp("2025-01-03", f"{c} % 380", f"{c} % 24"),
            "verified_at": f"CASE WHEN {c} % 50 = 0 THEN NULL ELSE "
            + stamp("2025-01-04", f"{c} % 380", f"{c} % 24")
            + " END",
            "approval_route": "''",
            "override_reason": "''",
            "decision_note": "''",
            "paid_on": f"CASE WHEN {c} % 10 < 7 THEN " + day("2025-01-03", f"{c} % 380 + {c} % 30") + " END",
        },
        f"{m} m WHERE m.id % 20 = 0",
    )
    for tag, start in (("C", "2025-12-01"), ("D", "2026-01-01")):
        _insert(
            Payment,
            {
                "membership_id": "m.id",
                "lpa_id": "m.lpa_id",
                "region_id": "m.region_id",
                "amount": "5000",
                "months_covered": "1",
                "period_from": day(start, "0"),
                "period_to": day(start, "0"),
                "channel": "'cash_officer'",
                "payer": "'member'",
                "paid_on": day(start, "m.id % 28"),
                "receipt_number": f"'{tag}' || " + pad("m.id", 9),
                "credit_applied": "0",
                "credit_created": "0",
                "recorded_at": stamp(start, "m.id % 28 + m.id % 11", "m.id % 24"),
            },
            f"{m} m WHERE m.id % 10 < 8",
        )
    jaktim = Region.objects.get(code="31.75")
    _demo_round(seed_default_instrument().pk, jaktim, dt.date(2025, 12, 1))


PAGES = [
    ("national", "kemensos", "/analytics/"),
    ("province 31", "kemensos", "/analytics/area/31/"),
    ("city 31.75", "dinsos", "/analytics/area/31.75/"),
    ("kecamatan 31.75.03", "dinsos", "/analytics/area/31.75.03/"),
    ("kelurahan 31.75.03.1001", "dinsos", "/analytics/area/31.75.03.1001/"),
    ("kecamatan 31.75.03, LPA manager", "lpa", "/analytics/area/31.75.03/"),
    ("scorecard index", "dinsos", "/analytics/scorecard/"),
    ("scorecard city 31.75", "dinsos", "/analytics/scorecard/city/31.75/"),
    ("scorecard city 31.75 PDF", "dinsos", "/analytics/scorecard/city/31.75/pdf/"),
    ("scorecard LPA (31.75.03)", "dinsos", "/analytics/scorecard/lpa/{lpa}/"),
    ("scorecard LPA (31.75.03) PDF", "dinsos", "/analytics/scorecard/lpa/{lpa}/pdf/"),
]


def child(n: int, requests: int, only: str = "") -> dict[str, object]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from askesos.accounts.models import User
    from askesos.analytics.services import rollups_refresh
    from askesos.lpa.models import Lpa
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
    lpa = Lpa.objects.filter(kelurahan_id__gte=3175030000, kelurahan_id__lt=3175040000).order_by("id").first()
    assert lpa is not None
    users = {
        "kemensos": User.objects.create_user(
            username="k", password="x" * 12, role="kemensos_admin", national_scope=True
        ),
        "dinsos": User.objects.create_user(username="d", password="x" * 12, role="dinsos_officer"),
        "lpa": User.objects.create_user(username="l", password="x" * 12, role="lpa_manager"),
    }
    users["dinsos"].scope_regions.set([Region.objects.get(code="31.75")])
    users["lpa"].scope_lpas.set([lpa])
    pages = []
    for label, who, url in PAGES:
        if only and only not in label:
            continue
        client = Client()
        client.force_login(users[who])
        full = f"{url.format(lpa=lpa.pk)}?month={LAST:%Y-%m}"
        for _ in range(3):
            status = client.get(full).status_code
            assert status == 200, (label, status)
        with CaptureQueriesContext(connection) as captured:
            client.get(full)
        queries = len(captured.captured_queries)  # now: the next request empties the log
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
                "queries": queries,
            }
        )
    return {
        "n": n,
        "generate_s": gen,
        "refresh_month_s_max": max(t for t, _r in refresh),
        "refresh_13_months_s": sum(t for t, _r in refresh),
        "rollup_rows_per_month": refresh[-1][1],
        "refresh_again_s": again,
        "loadavg": open("/proc/loadavg").read().split()[:3],
        "pages": pages,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", default="", help="only the pages whose label contains this")
    parser.add_argument("--name", default="dashboards", help="results file name (bench/results/NAME.json)")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        setup_django(os.environ["DATABASE_URL"])
        print(json.dumps(child(args.child, args.requests, args.only)))
        return
    results = []
    for db in args.db.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            url = reset_database_fast(db, f"dash-{size}")
            out = run_child(
                "bench_dashboards",
                "--child",
                str(size),
                "--requests",
                str(args.requests),
                "--only",
                args.only,
                env={"DATABASE_URL": url, "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"},
            )
            out["db"] = db
            results.append(out)
            print(
                f"\n{db} {size:,} members: generate {out['generate_s']:.1f} s; rollup refresh "
                f"{out['refresh_13_months_s']:.2f} s for 13 months (max {out['refresh_month_s_max']:.2f} s/month, "  # noqa: E501
                f"{out['rollup_rows_per_month']} rows/month; again {out['refresh_again_s']:.2f} s)"
            )
            print(f"load average at the end: {' '.join(out.get('loadavg', []))}")  # type: ignore[arg-type]
            print("| page | p50 ms | p95 ms | max ms | queries |\n|---|---|---|---|---|")
            for p in out["pages"]:  # type: ignore[attr-defined]
                times = f"{p['p50_ms']:.1f} | {p['p95_ms']:.1f} | {p['max_ms']:.1f}"
                print(f"| {p['page']} | {times} | {p['queries']} |")
            sys.stdout.flush()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(
        json.dumps({"machine": machine(), "results": results}, indent=2)
    )


if __name__ == "__main__":
    main()
