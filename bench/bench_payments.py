"""Premium payments posted through ``contributions.services.payment_record`` (one transaction each,
with audit, fund journal and outbox SMS), vs a raw floor of one INSERT + one UPDATE per payment.

    uv run python -m bench.bench_payments [--n 2000] [--db sqlite,postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time

from bench.harness import HEADER, ROOT, Result, peak_rss_mb, reset_database_fast, setup_django, write_results

# The floor: one raw payment, an INSERT of the row and an UPDATE of the membership, in one transaction.
_FLOOR_INSERT = (
    "INSERT INTO contributions_payment (membership_id, lpa_id, region_id, amount, "
    "months_covered, period_from, period_to, channel, payer, paid_on, receipt_number, "
    "credit_applied, credit_created, recorded_at) SELECT id, lpa_id, region_id, 5000, 1, "
    "paid_through, paid_through, 'cash_officer', "
    "'member', paid_through, %s, 0, 0, created_at FROM membership_membership WHERE id = %s"
)
_FLOOR_UPDATE = "UPDATE membership_membership SET paid_through = paid_through WHERE id = %s"


def child(n: int) -> dict[str, object]:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from askesos.contributions.services import payment_record
    from askesos.lpa.models import FieldOfficer
    from bench.bench_cycle import generate

    settings.ASKESOS_NOTIFY_EAGER = False  # the outbox worker sends; posting only queues
    generate(3 * n + 2, payments_per_member=1)  # as measured in the third round
    _settle()
    officer = FieldOfficer.objects.get()
    today = dt.date(2027, 1, 10)

    def post(membership_id: int, receipt: str) -> None:
        payment_record(
            actor=None,
            membership_id=membership_id,
            amount=5000,
            channel="cash_officer",
            paid_on=today,
            receipt_number=receipt,
            today=today,
            collector=officer,
        )

    post(n + 1, "Q1")  # warms the process caches (chart of accounts, content types)
    with CaptureQueriesContext(connection) as captured:  # one payment's statements, outside the timing
        post(n + 2, "Q2")
    load_before = os.getloadavg()
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(1, n + 1):
        post(i, f"P{i}")
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    complete = _check_complete(n)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n + 3, 2 * n + 3):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(_FLOOR_INSERT, [f"F{i}", i])
            cur.execute(_FLOOR_UPDATE, [i])
    floor, floor_cpu = time.perf_counter() - t0, time.process_time() - c0
    statements = [q["sql"] for q in captured.captured_queries]
    concurrent = _concurrent(range(2 * n + 3, 3 * n + 3), officer.pk, today) if WORKERS > 1 else {}
    return {
        "n": n,
        "seconds": seconds,
        "floor_s": floor,
        "peak_mb": peak_rss_mb(),
        "queries_per_payment": len(statements),  # BEGIN and COMMIT included
        "statements_per_payment": sum(1 for q in statements if q.split()[0] not in ("BEGIN", "COMMIT")),
        "cpu_ms_per_payment": round(1000 * cpu / n, 3),  # this process only (the server's is apart)
        "floor_cpu_ms_per_payment": round(1000 * floor_cpu / n, 3),
        "loadavg": [load_before, os.getloadavg()],
        "complete": complete,
        **concurrent,
    }


_AUDIT = (
    "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_label, new, "
    "reason, request_id, region_id, lpa_id) "
)
_HISTORY = (
    # what a payment posted through the service leaves besides its row, for every generated payment:
    # its journal entry, the entry's two lines and the two audit events
    'INSERT INTO fund_journalentry ("on", memo, source_type, source_id, idempotency_key, fingerprint, '
    "region_id, created_at, lpa_id) SELECT paid_on, 'Iuran ' || receipt_number, 'contributions.payment', "
    "CAST(id AS TEXT), 'payment:' || receipt_number, receipt_number, region_id, recorded_at, lpa_id "
    "FROM contributions_payment ORDER BY id",
    'INSERT INTO fund_journalline (debit, credit, lpa_id, "on", region_id, account_id, entry_id) '
    "SELECT amount, 0, lpa_id, \"on\", region_id, '1100', id FROM fund_journalentry e "
    "JOIN (SELECT id AS pid, amount FROM contributions_payment) p ON CAST(p.pid AS TEXT) = e.source_id "
    "UNION ALL SELECT 0, 5000, lpa_id, \"on\", region_id, '4100', id FROM fund_journalentry",
    _AUDIT + "SELECT recorded_at, 'system', 'payment.record', 'contributions.payment', CAST(id AS TEXT), "
    "receipt_number, '{}', '', '', region_id, lpa_id FROM contributions_payment",
    _AUDIT + "SELECT created_at, 'system', 'journal.post', 'fund.journalentry', CAST(id AS TEXT), memo, "
    "'{}', '', '', region_id, lpa_id FROM fund_journalentry",
)


def _settle() -> None:
    """Outside the timing: give the generated payments the ledger and audit history the service would
    have written (entry, lines, two audit events each), then vacuum, analyze and checkpoint, as
    autovacuum and the checkpointer have long done by the time officers post against a production
    database.

    Without the history, PostgreSQL plans the journal's foreign-key check and its balance trigger
    while the journal is empty, keeps those plans for the connection's life (they are cached), and
    then scans the whole journal for every line: the sequential rate fell from 480/s to 210/s over
    6,000 payments, with 3 sequential scans of the journal entries and 2 of their lines per payment
    (pg_stat_user_tables).
    A production database has a journal as large as its payments, and a connection lives at most
    ``CONN_MAX_AGE`` (60 s), within which autovacuum's ANALYZE also invalidates such plans."""
    from django.db import connection

    with connection.cursor() as cur:
        for sql in _HISTORY:
            cur.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
            cur.execute("CHECKPOINT")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


WORKERS = int(os.environ.get("BENCH_PAYMENT_WORKERS", "4"))


def _concurrent(members: range, officer_id: int, today: dt.date) -> dict[str, object]:
    """Throughput with ``WORKERS`` processes posting at once (each its own connection and members,
    one transaction per payment, as field officers' phones do), then the raw floor the same way."""
    import multiprocessing

    from django.db import connections

    def post(worker: int, ids: list[int], start: object, floor: bool) -> None:
        from django.db import connection, transaction

        from askesos.contributions.services import payment_record
        from askesos.lpa.models import FieldOfficer

        officer = FieldOfficer.objects.get(pk=officer_id)
        start.wait()  # type: ignore[attr-defined]
        for i in ids:
            if floor:
                with transaction.atomic(), connection.cursor() as cur:
                    cur.execute(_FLOOR_INSERT, [f"CF{i}", i])
                    cur.execute(_FLOOR_UPDATE, [i])
                continue
            payment_record(
                actor=None, membership_id=i, amount=5000, channel="cash_officer", paid_on=today,
                receipt_number=f"C{i}", today=today, collector=officer,
            )  # fmt: skip
        connection.close()

    out: dict[str, object] = {"workers": WORKERS}
    ctx = multiprocessing.get_context("fork")
    for floor in (False, True):
        connections.close_all()  # each worker opens its own
        start = ctx.Barrier(WORKERS + 1)
        shares = [list(members)[w::WORKERS] for w in range(WORKERS)]
        procs = [ctx.Process(target=post, args=(w, shares[w], start, floor)) for w in range(WORKERS)]
        for p in procs:
            p.start()
        start.wait()
        t0 = time.perf_counter()
        for p in procs:
            p.join()
        seconds = time.perf_counter() - t0
        if any(p.exitcode for p in procs):
            raise SystemExit(f"a concurrent {'floor ' if floor else ''}worker failed")
        out["concurrent_floor_s" if floor else "concurrent_s"] = seconds
    from askesos.contributions.models import Payment

    posted = Payment.objects.filter(receipt_number__startswith="C").exclude(receipt_number__startswith="CF")
    assert posted.count() == len(members), posted.count()
    out["concurrent_n"] = len(members)
    return out


def _check_complete(n: int) -> dict[str, int]:
    """After the timed loop, outside the timing: every payment wrote all it must (one journal entry
    with balanced lines and two audit events each, an SMS for each member with a phone)."""
    from django.db.models import F, Sum

    from askesos.audit.models import AuditEvent
    from askesos.contributions.models import Payment
    from askesos.fund.models import JournalEntry, JournalLine
    from askesos.notifications.models import Message

    timed = Payment.objects.filter(receipt_number__startswith="P")
    facts = {
        "payments": timed.count(),
        "journal_entries": JournalEntry.objects.filter(idempotency_key__startswith="payment:P").count(),
        "audit_events": AuditEvent.objects.filter(action__in=["payment.record", "journal.post"])
        .exclude(object_label__startswith="B")  # the generated history (_HISTORY)
        .exclude(object_label__startswith="Iuran ")
        .count(),
        "messages": Message.objects.filter(related_type="contributions.payment").count(),
        "unbalanced_entries": JournalLine.objects.values("entry_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .exclude(d=F("c"))
        .count(),
    }
    assert facts["payments"] == facts["journal_entries"] == n, facts
    assert facts["audit_events"] == 2 * (n + 2), facts  # with the two warm-up payments
    assert facts["unbalanced_entries"] == 0, facts
    return facts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        setup_django(os.environ["DATABASE_URL"])
        print(json.dumps(child(args.child)))
        return
    results = []
    print(HEADER)
    for db in args.db.split(","):
        url = reset_database_fast(db, os.environ.get("BENCH_TAG", "payments"))
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_payments", "--child", str(args.n)],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "ASKESOS_TESTING": "1"},
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        r = Result(
            "post one payment (services)",
            db,
            args.n,
            float(data["seconds"]),
            float(data["floor_s"]),
            float(data["peak_mb"]),
            {
                "queries_per_payment": data.get("queries_per_payment"),
                **{k: data.get(k) for k in ("workers", "concurrent_n", "concurrent_s", "concurrent_floor_s")},
            },
        )
        results.append(r)
        print(
            r.row(),
            f"statements/payment: {data.get('statements_per_payment')},",
            f"CPU/payment: {data.get('cpu_ms_per_payment')} ms",
            f"(floor {data.get('floor_cpu_ms_per_payment')} ms),",
            f"load: {data.get('loadavg')}",
            flush=True,
        )
        if data.get("concurrent_s"):
            done, floor = int(data["concurrent_n"]), float(data["concurrent_floor_s"])
            print(
                f"| post one payment (services, {data['workers']} processes at once) | {db} | {done:,} | "
                f"{float(data['concurrent_s']):.2f} s | {done / float(data['concurrent_s']):,.0f}/s | "
                f"{floor:.2f} s ({done / floor:,.0f}/s) | {float(data['concurrent_s']) / floor:.2f}x | |",
                flush=True,
            )
    print(f"written {write_results('payments', results)}")


if __name__ == "__main__":
    main()
