# ruff: noqa: E501, RUF002
"""The REST API under load on a real WSGI server (gunicorn through ``askesos serve``) on loopback.
Children of ``bench.run``:

    python -m bench.bench_api --populate N       the population (bench.population) + two API tokens
    python -m bench.bench_api --serve N --lookup-token T --pay-token T [--rate 200 --duration 20]

``--serve`` starts ``askesos serve --no-collectstatic --bind 127.0.0.1:<free port> --workers 2
--threads 4`` in production mode (DEBUG=0, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, the default
file cache for the rate counters, ASKESOS_API_RATE high, SMS queued not sent), then:

- lookup: ``GET /api/v1/members/{member_number}`` over random member numbers at a fixed target
  rate (open loop: request i is due at start + i/rate; latency is measured from the moment it was
  due, so a server falling behind shows as latency, not as a lower offered rate), by a pool of
  threads each holding one keep-alive ``http.client`` connection; bounded by count (rate × duration)
  and by time (3 × duration);
- payments: ``POST /api/v1/payments`` (one month of premium by bank transfer, a fresh receipt number
  each, distinct members) by ``--pay-clients`` concurrent closed-loop clients, bounded by count and
  time;
- then stops the server and, in this process, the floors: the same member lookup as one raw SQL
  SELECT by member_number (per-lookup time), and a raw payment (INSERT … SELECT + UPDATE in one
  transaction, as bench_payments' floor) for the same number of other members.

Peak memory: the largest VmHWM of the gunicorn processes (master and workers) and of this client.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import itertools
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.harness import ROOT, peak_rss_mb, percentile, setup_django
from bench.population import _PAID_OFFSET

PROTO = {"X-Forwarded-Proto": "https"}  # as behind the TLS proxy: no redirect to https


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


class Server:
    def __init__(self, url: str, workers: int, threads: int):
        self.port = _free_port()
        self.var = tempfile.mkdtemp(prefix="askesos-bench-var-")
        env = {k: v for k, v in os.environ.items() if k not in ("ASKESOS_TESTING", "DEBUG")}
        env.update(
            DATABASE_URL=url,
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="127.0.0.1",
            ASKESOS_API_RATE="1000000/m",
            ASKESOS_NOTIFY_EAGER="0",
            ASKESOS_VAR_DIR=self.var,
            LOG_LEVEL="WARNING",
        )
        self.log = open(Path(self.var) / "server.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "askesos.cli", "serve", "--no-collectstatic",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--threads", str(threads)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.hwm: dict[int, float] = {}

    def wait_ready(self, token: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: {(Path(self.var) / 'server.log').read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request(
                    "GET", "/api/v1/members/0", headers={"Authorization": f"Bearer {token}", **PROTO}
                )
                status = conn.getresponse().status
                conn.close()
                if status in (401, 404):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("server did not start")

    def sample_memory(self) -> None:
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            self.hwm[pid] = max(self.hwm.get(pid, 0.0), _vm_hwm_mb(pid))

    def stop(self) -> dict[str, object]:
        self.sample_memory()
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        errors = (Path(self.var) / "server.log").read_text().count("Traceback")
        return {"server_peak_mb": max(self.hwm.values(), default=0.0), "server_processes": len(self.hwm),
                "server_tracebacks": errors}  # fmt: skip


def _stats(samples: list[tuple[float, float, int]], started: float, ended: float) -> dict[str, object]:
    ok = sorted(s[0] * 1000 for s in samples if 200 <= s[2] < 300)
    service = sorted(s[1] * 1000 for s in samples if 200 <= s[2] < 300)
    statuses: dict[str, int] = {}
    for s in samples:
        statuses[str(s[2])] = statuses.get(str(s[2]), 0) + 1
    span = max(ended - started, 1e-9)
    return {
        "requests": len(samples), "ok": len(ok), "statuses": statuses, "seconds": span,
        "achieved_rps": len(samples) / span,
        "p50_ms": percentile(ok, 50), "p95_ms": percentile(ok, 95), "p99_ms": percentile(ok, 99),
        "max_ms": ok[-1] if ok else float("nan"),
        "service_p50_ms": percentile(service, 50), "service_p99_ms": percentile(service, 99),
    }  # fmt: skip


def drive_rate(port: int, token: str, paths: list[str], rate: float, duration: float, clients: int,
               server: Server) -> dict[str, object]:  # fmt: skip
    """Open loop at ``rate`` requests/s for ``duration`` seconds (bounded in count and in time)."""
    total = int(rate * duration)
    start = time.perf_counter() + 0.5
    hard_stop = start + 3 * duration
    ticket = itertools.count()
    samples: list[tuple[float, float, int]] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", **PROTO}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while True:
            i = next(ticket)
            if i >= total:
                break
            due = start + i / rate
            now = time.perf_counter()
            if now > hard_stop:
                break
            if due > now:
                time.sleep(due - now)
            sent = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)], headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                status = 599
            end = time.perf_counter()
            mine.append((end - due, end - sent, status))
        conn.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        server.sample_memory()
        time.sleep(1)
    ended = time.perf_counter()
    return _stats(samples, start, ended)


def drive_closed(port: int, token: str, bodies: list[bytes], clients: int, max_seconds: float,
                 server: Server) -> dict[str, object]:  # fmt: skip
    """``clients`` concurrent closed-loop clients POSTing ``bodies`` (each once), bounded in time."""
    ticket = itertools.count()
    samples: list[tuple[float, float, int]] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **PROTO}
    start = time.perf_counter()
    hard_stop = start + max_seconds
    first_error: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < hard_stop:
            i = next(ticket)
            if i >= len(bodies):
                break
            sent = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/payments", body=bodies[i], headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
                if status != 201 and not first_error:
                    first_error.append(data[:300].decode(errors="replace"))
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 599
            end = time.perf_counter()
            mine.append((end - sent, end - sent, status))
        conn.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        server.sample_memory()
        time.sleep(1)
    out = _stats(samples, start, time.perf_counter())
    out["first_error"] = first_error[0] if first_error else ""
    return out


def lookup_floor(numbers: list[str]) -> dict[str, object]:
    from django.db import connection

    sql = (
        "SELECT m.id, m.member_number, m.status, m.status_since, m.paid_through, m.coverage_start, "
        "m.enrolled_on, m.person_id, p.full_name, p.nik, l.code, s.code FROM membership_membership m "
        "JOIN registry_person p ON p.id = m.person_id JOIN lpa_lpa l ON l.id = m.lpa_id "
        "JOIN schemes_scheme s ON s.id = m.scheme_id WHERE m.member_number = %s"
    )
    with connection.cursor() as cur:
        for number in numbers[:200]:  # warm
            cur.execute(sql, [number])
            cur.fetchone()
        t0 = time.perf_counter()
        found = 0
        for number in numbers:
            cur.execute(sql, [number])
            found += cur.fetchone() is not None
        seconds = time.perf_counter() - t0
    return {
        "lookups": len(numbers),
        "found": found,
        "seconds": seconds,
        "per_lookup_ms": seconds / len(numbers) * 1000,
    }


def payment_floor(member_ids: list[int], today: dt.date) -> dict[str, object]:
    from django.db import connection, transaction

    t0 = time.perf_counter()
    for i, mid in enumerate(member_ids):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "INSERT INTO contributions_payment (membership_id, lpa_id, region_id, amount, months_covered, "
                "period_from, period_to, channel, payer, paid_on, receipt_number, credit_applied, credit_created, "
                "recorded_at) SELECT id, lpa_id, region_id, 5000, 1, paid_through, paid_through, 'bank_transfer', "
                "'member', %s, %s, 0, 0, created_at FROM membership_membership WHERE id = %s",
                [today, f"FLOOR-{i}", mid],
            )
            cur.execute("UPDATE membership_membership SET paid_through = paid_through WHERE id = %s", [mid])
    seconds = time.perf_counter() - t0
    return {
        "payments": len(member_ids),
        "seconds": seconds,
        "per_payment_ms": seconds / max(len(member_ids), 1) * 1000,
    }


def serve_bench(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connections
    from django.utils import timezone

    from askesos.membership.rules import format_member_number

    n = args.serve
    rng = random.Random(7)
    today = timezone.localdate()
    numbers = [
        format_member_number("3175", rng.randint(1, n)) for _ in range(max(int(args.rate * args.duration), 1))
    ]
    # Payments: members whose coverage is at most the current month (one more month stays within
    # the scheme's advance limit), split between the API run and the floor.
    payable = [seq for seq in range(1, n + 1) if -2 <= _PAID_OFFSET[seq % 100] <= 0]
    rng.shuffle(payable)
    k = min(args.pay_requests, len(payable) // 2)
    api_members, floor_members = payable[:k], payable[k : 2 * k]
    bodies = [
        json.dumps({
            "member_number": format_member_number("3175", seq), "amount": 5000, "channel": "bank_transfer",
            "paid_on": today.isoformat(), "receipt_number": f"API-{seq}",
        }).encode()
        for seq in api_members
    ]  # fmt: skip
    connections.close_all()
    server = Server(os.environ["DATABASE_URL"], args.workers, args.threads)
    try:
        server.wait_ready(args.lookup_token)
        # Warm up every worker thread's connection and imports (not measured).
        drive_rate(server.port, args.lookup_token, [f"/api/v1/members/{x}" for x in numbers[:200]], 100, 2,
                   8, server)  # fmt: skip
        lookup: dict[str, object] = {}
        if args.rate > 0:
            lookup = drive_rate(
                server.port,
                args.lookup_token,
                [f"/api/v1/members/{x}" for x in numbers],
                args.rate,
                args.duration,
                args.clients,
                server,
            )
        pay: dict[str, object] = {"requests": 0}
        if bodies:
            pay = drive_closed(
                server.port, args.pay_token, bodies, args.pay_clients, args.duration * 2, server
            )
    finally:
        mem = server.stop()
    floor = lookup_floor(numbers[:5000]) if lookup else {}
    paid = int(pay["requests"])  # type: ignore[call-overload]
    pfloor = payment_floor(floor_members[:paid], today) if paid else {}
    return {"n": n, "rate": args.rate, "duration": args.duration, "clients": args.clients,
            "workers": args.workers, "threads": args.threads, "lookup": lookup, "lookup_floor": floor,
            "pay_clients": args.pay_clients, "payments": pay, "payment_floor": pfloor, **mem,
            "client_peak_mb": peak_rss_mb()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--populate", type=int)
    parser.add_argument("--serve", type=int)
    parser.add_argument("--lookup-token")
    parser.add_argument("--pay-token")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pay-requests", type=int, default=2000)
    parser.add_argument("--pay-clients", type=int, default=8)
    args = parser.parse_args()
    setup_django(os.environ["DATABASE_URL"])
    if args.populate:
        from django.utils import timezone

        from bench.population import api_users, populate

        t0 = time.perf_counter()
        info = populate(args.populate, timezone.localdate())
        info["generate_s"] = time.perf_counter() - t0
        info.update(api_users())
        info["peak_mb"] = peak_rss_mb()
        print(json.dumps(info))
    else:
        print(json.dumps(serve_bench(args), default=str))


if __name__ == "__main__":
    main()
