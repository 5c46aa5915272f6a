# ruff: noqa: E501, RUF001, RUF028
"""The performance harness: every benchmark, each beside its raw-SQL floor, in one command.

    uv run python -m bench.run --sizes 10000,100000[,1000000] --db sqlite,postgres \\
        [--only import,cycle,lookup,payments,dashboards] [--rate 200 --duration 20]

For each database and size (see docs/benchmarks.md for what each measures and the targets):

- import      CSV in the importer's template (bench.population, Faker id_ID) through
              ``registry.importer.import_run`` vs a raw bulk insert of the same person rows
              (SQLite executemany / PostgreSQL COPY)                          → bench.bench_import
- cycle       ``contributions.cycle.cycle_run`` vs one raw UPDATE              → bench.bench_cycle
- lookup      ``GET /api/v1/members/{number}`` on a real gunicorn at a fixed rate vs one raw SELECT
- payments    ``POST /api/v1/payments`` with concurrent clients vs a raw INSERT + UPDATE, and the
              service layer ``payment_record`` vs its floor                    → bench.bench_api,
                                                                                 bench.bench_payments
- dashboards  the coverage pages' p95 (if bench/bench_dashboards.py exists)   → bench.bench_dashboards

Every measurement runs in a child process (peak memory = that child's ru_maxrss; for the API, the
gunicorn processes' VmHWM). Prints a markdown table and writes bench/results/run-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import shlex
import subprocess
import sys
import time
import traceback

from bench.harness import RESULTS, ROOT, Result, machine, reset_database_fast, run_child_measured

ALL = ("import", "cycle", "lookup", "payments", "dashboards")
HEADER = (
    "| work | db | size | Askesos | raw-SQL floor | ratio | peak memory | target | met |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def _env(url: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "ASKESOS_TESTING": "1"}


def _res(
    work: str, db: str, n: int, seconds: float, floor_s: float, peak: float, /, **extra: object
) -> Result:
    return Result(work, db, n, seconds, floor_s, peak, dict(extra))


def _n(x: float) -> str:
    return f"{x:,.0f}"


# --- the benchmarks --------------------------------------------------------------------------------


def run_import(db: str, n: int) -> list[Result]:
    url = reset_database_fast(db, "run-import")
    made, _ = run_child_measured("bench_import", "--make-csv", str(n), env=_env(url))
    path = str(made["path"])
    floor, floor_peak = run_child_measured("bench_import", "--floor", path, env=_env(url))
    args = ["--import", path] + (["--no-dupes"] if n > 100_000 else [])
    imp, peak = run_child_measured("bench_import", *args, env=_env(url))
    rate = n / float(imp["seconds"])  # type: ignore[arg-type]
    pace = "" if n >= 1_000_000 else " (pace)"
    return [
        _res(
            "import persons (CSV, full validation)",
            db,
            n,
            float(imp["seconds"]),
            float(floor["seconds"]),
            peak,  # type: ignore[arg-type]
            askesos=f"{float(imp['seconds']):.2f} s, {_n(rate)} rows/s",  # type: ignore[arg-type]
            floor=f"{float(floor['seconds']):.2f} s ({floor['method']}, persons only; {floor_peak:.0f} MB)",  # type: ignore[arg-type]
            target="1M ≤ 30 s (≥ 33,333 rows/s), < 500 MB",
            met=("yes" if rate >= 33_333 and peak < 500 else "no") + pace,
            csv_bytes=made["bytes"],
            import_=imp,
            floor_detail=floor,
        )  # fmt: skip
    ]


def run_cycle(db: str, n: int) -> list[Result]:
    url = reset_database_fast(db, "run-cycle")
    data, peak = run_child_measured("bench_cycle", "--child", str(n), env=_env(url))
    floor = float(data["floor_s"])  # type: ignore[arg-type]
    out = []
    for work, key in (("cycle: status phase", "status_phase_s"), ("cycle: full run", "cycle_s"),
                      ("cycle: second run (no-op)", "again_s")):  # fmt: skip
        seconds = float(data[key])  # type: ignore[arg-type]
        rate = n / seconds if seconds else math.inf
        ok = rate >= 100_000 and seconds / floor <= 2
        out.append(
            _res(
                work,
                db,
                n,
                seconds,
                floor,
                float(data.get("peak_mb", peak)),  # type: ignore[arg-type]
                askesos=f"{seconds:.2f} s, {_n(rate)} members/s",
                floor=f"{floor:.2f} s (one UPDATE, {data.get('floor_rows', '?')} rows)",
                target="1M ≤ 10 s, ≤ 2× floor",
                met=("yes" if ok else "no") + ("" if n >= 1_000_000 else " (pace)"),
                detail=data,
            )  # fmt: skip
        )
    return out


def run_api(db: str, n: int, *, lookup: bool, payments: bool, rate: float, duration: float) -> list[Result]:
    url = reset_database_fast(db, "run-api")
    info, pop_peak = run_child_measured("bench_api", "--populate", str(n), env=_env(url))
    args = ["--serve", str(n), "--lookup-token", str(info["lookup_token"]), "--pay-token", str(info["pay_token"]),
            "--rate", str(rate if lookup else 0), "--duration", str(duration),
            "--pay-requests", str(min(2000, n // 4) if payments else 0)]  # fmt: skip
    data, client_peak = run_child_measured("bench_api", *args, env=_env(url), timeout=duration * 8 + 600)
    population = {k: info[k] for k in ("n", "payments", "generate_s")} | {"peak_mb": pop_peak}
    out = []
    server_peak = float(data["server_peak_mb"])  # type: ignore[arg-type]
    if lookup:
        lk, fl = data["lookup"], data["lookup_floor"]
        achieved, p99 = float(lk["achieved_rps"]), float(lk["p99_ms"])  # type: ignore[index]
        out.append(
            _res(
                "member lookup, API under load",
                db,
                n,
                float(lk["p50_ms"]) / 1000,
                float(fl["per_lookup_ms"]) / 1000,  # type: ignore[index]
                server_peak,
                askesos=(
                    f"{achieved:.0f} req/s of {rate:.0f}; p50 {float(lk['p50_ms']):.1f} / p95 "  # type: ignore[index]
                    f"{float(lk['p95_ms']):.1f} / p99 {p99:.1f} ms ({lk['ok']}/{lk['requests']} ok)"
                ),  # type: ignore[index]
                floor=f"{float(fl['per_lookup_ms']):.3f} ms per SELECT (in-process)",  # type: ignore[index]
                target="p99 < 50 ms at 200 req/s",
                met=_lookup_met(rate, lk),  # type: ignore[arg-type]
                ratio_note="p50 / floor",
                rate=rate,
                detail=lk,
                floor_detail=fl,
                population=population,
                client_peak_mb=client_peak,
            )  # fmt: skip
        )
    if payments and data["payments"].get("requests"):  # type: ignore[union-attr]
        pay, pf = data["payments"], data["payment_floor"]
        per = float(pay["seconds"]) / max(int(pay["requests"]), 1)  # type: ignore[index]
        out.append(
            _res(
                "post payment, API (concurrent)",
                db,
                int(pay["requests"]),
                float(pay["seconds"]),  # type: ignore[index]
                float(pf["seconds"]),
                server_peak,  # type: ignore[index]
                askesos=(
                    f"{float(pay['achieved_rps']):.0f} req/s with {data['pay_clients']} clients; p50 "  # type: ignore[index]
                    f"{float(pay['p50_ms']):.0f} / p95 {float(pay['p95_ms']):.0f} / p99 {float(pay['p99_ms']):.0f} ms "  # type: ignore[index]
                    f"({pay['ok']}/{pay['requests']} ok)"
                ),  # type: ignore[index]
                floor=f"{float(pf['per_payment_ms']):.2f} ms per raw INSERT+UPDATE (sequential)",  # type: ignore[index]
                target="— (openIMIS: 36/s through its API)",
                met="—",
                per_request_s=per,
                detail=pay,
                floor_detail=pf,
                population=population,
            )  # fmt: skip
        )
    return out


def run_payments_services(db: str, n: int) -> list[Result]:
    url = reset_database_fast(db, "run-payments")
    count = min(2000, n)
    data, peak = run_child_measured("bench_payments", "--child", str(count), env=_env(url))
    seconds, floor = float(data["seconds"]), float(data["floor_s"])  # type: ignore[arg-type]
    rate = count / seconds
    return [
        _res(
            "post payment, services (sequential)",
            db,
            count,
            seconds,
            floor,
            float(data.get("peak_mb", peak)),  # type: ignore[arg-type]
            askesos=f"{seconds:.2f} s, {_n(rate)} payments/s",
            floor=f"{floor:.2f} s ({_n(count / floor)}/s, INSERT+UPDATE per payment)",
            target="≥ 1,000 /s",
            met="yes" if rate >= 1000 else "no",
            detail=data,
        )  # fmt: skip
    ]


def run_dashboards(db: str, n: int) -> list[Result]:
    if not (ROOT / "bench" / "bench_dashboards.py").exists():
        return []
    url = reset_database_fast(db, f"run-dash-{n}")
    data, peak = run_child_measured(
        "bench_dashboards", "--child", str(n), "--requests", "30",
        env={**_env(url), "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"},
    )  # fmt: skip
    out = []
    refresh = float(data["refresh_month_s_max"])  # type: ignore[arg-type]
    for page in data["pages"]:  # type: ignore[union-attr]
        p95 = float(page.get("p95_ms", "nan"))
        out.append(
            _res(
                f"dashboard: {page['page']}",
                db,
                n,
                p95 / 1000,
                refresh,
                peak,
                askesos=f"p50 {float(page.get('p50_ms', 'nan')):.0f} / p95 {p95:.0f} ms"
                + (f", {page['queries']} queries" if "queries" in page else ""),
                floor=f"rollup refresh {refresh:.2f} s/month (max)",
                target="p95 < 200 ms at 1M",
                met=("yes" if p95 < 200 else "no") + ("" if n >= 1_000_000 else " (at this size)"),
                ratio_note="not comparable",
                detail=page,
            )  # fmt: skip
        )
    return out


# --- report ----------------------------------------------------------------------------------------


def _lookup_met(rate: float, d: dict) -> str:  # type: ignore[type-arg]
    """The target is at 200 requests/s: a run offering less says nothing about it."""
    if rate < 200:
        return f"— (offered {rate:.0f}/s)"
    return "yes" if float(d["achieved_rps"]) >= 0.95 * rate and float(d["p99_ms"]) < 50 else "no"


def row(r: Result) -> str:
    e = r.extra
    ratio = "—" if e.get("ratio_note") == "not comparable" else f"{r.ratio:,.1f}×"
    if e.get("ratio_note") == "p50 / floor":
        ratio += " (p50/floor)"
    if r.work.startswith("member lookup") and isinstance(e.get("detail"), dict):
        d = e["detail"]
        e = {**e, "askesos": (
            f"{float(d['achieved_rps']):.0f} req/s offered {e.get('rate', 200):.0f}; p50 {float(d['p50_ms']):.1f} / "
            f"p95 {float(d['p95_ms']):.1f} / p99 {float(d['p99_ms']):.1f} ms from due time; service p50 "
            f"{float(d['service_p50_ms']):.1f} / p99 {float(d['service_p99_ms']):.1f} ms ({d['ok']}/{d['requests']} ok)"
        ), "met": _lookup_met(float(e.get("rate", 200)), d)}  # fmt: skip
    if e.get("error"):
        return f"| {r.work} | {r.db} | {r.size:,} | FAILED: {e['error']} | | | | | |"
    return (
        f"| {r.work} | {r.db} | {r.size:,} | {e.get('askesos', f'{r.seconds:.2f} s')} | "
        f"{e.get('floor', f'{r.floor_seconds:.2f} s')} | {ratio} | {r.peak_mb:.0f} MB | {e.get('target', '')} | "
        f"{e.get('met', '')} |"
    )


def _wait_for_idle_pg(limit: float = 600) -> None:
    """The PostgreSQL bench database is shared with other engineers' harness runs (same default
    name): wait until nobody else is connected to it before dropping and recreating it."""
    from bench.harness import PG_URL

    name = PG_URL.rsplit("/", 1)[1]
    base = PG_URL.rsplit("/", 1)[0] + "/postgres"
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["psql", base, "-Atc", f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}'"],
            capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode != 0 or out.stdout.strip() == "0":
            return
        time.sleep(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--only", default=",".join(ALL))
    parser.add_argument("--rate", type=float, default=200, help="target requests/s of the lookup load")
    parser.add_argument("--duration", type=float, default=20, help="seconds of lookup load")
    parser.add_argument("--name", default="", help="results file name (default run-<UTC date-time>)")
    args = parser.parse_args(argv)
    only = {w.strip() for w in args.only.split(",") if w.strip()}
    unknown = only - set(ALL)
    if unknown:
        parser.error(f"unknown --only {sorted(unknown)}; choose from {', '.join(ALL)}")
    sizes = [int(s) for s in args.sizes.split(",")]
    started = dt.datetime.now(dt.UTC)
    name = args.name or f"run-{started:%Y-%m-%d-%H%M}"
    command = "uv run python -m bench.run " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    info = machine()
    print(f"machine: {info['cpu']}, {info['memory']}, Python {info['python']}; {info['date']}")
    print(f"command: {command}\n")
    print(HEADER, flush=True)
    results: list[Result] = []
    payload: dict[str, object] = {"machine": info, "command": command, "results": []}
    path = RESULTS / f"{name}.json"
    RESULTS.mkdir(parents=True, exist_ok=True)

    def record(label: str, db: str, n: int, fn) -> None:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        got: list[Result] = []
        for attempt in range(2):
            if db == "postgres":
                _wait_for_idle_pg()
            try:
                got = fn()
                break
            except (subprocess.CalledProcessError, SystemExit, Exception) as exc:  # keep going: report it
                stderr = getattr(exc, "stderr", "") or traceback.format_exc()
                tail = " ".join(str(stderr).strip().splitlines()[-3:])[:400]
                got = [Result(label, db, n, float("nan"), float("nan"), 0.0,
                              {"error": f"{type(exc).__name__}: {tail}"})]  # fmt: skip
                if db != "postgres" or attempt:
                    break
                print(f"<!-- {label} {db} {n}: failed ({tail[:120]}…); retrying once -->", flush=True)
        for r in got:
            r.extra["wall_s"] = time.perf_counter() - t0
            results.append(r)
            print(row(r), flush=True)
        payload["results"] = [
            {"work": r.work, "db": r.db, "size": r.size, "seconds": r.seconds, "floor_seconds": r.floor_seconds,
             "ratio": r.ratio, "peak_mb": r.peak_mb, **r.extra}
            for r in results
        ]  # fmt: skip
        path.write_text(json.dumps(payload, indent=2, default=str))

    for db in args.db.split(","):
        for n in sizes:
            if "import" in only:
                record("import", db, n, lambda db=db, n=n: run_import(db, n))
            if "cycle" in only:
                record("cycle", db, n, lambda db=db, n=n: run_cycle(db, n))
            if "lookup" in only or "payments" in only:
                record("api", db, n, lambda db=db, n=n: run_api(
                    db, n, lookup="lookup" in only, payments="payments" in only, rate=args.rate,
                    duration=args.duration))  # fmt: skip
            if "payments" in only:
                record("payments (services)", db, n, lambda db=db, n=n: run_payments_services(db, n))
            if "dashboards" in only:
                record("dashboards", db, n, lambda db=db, n=n: run_dashboards(db, n))
    payload["finished"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    path.write_text(json.dumps(payload, indent=2, default=str))
    print(f"\nwritten {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
