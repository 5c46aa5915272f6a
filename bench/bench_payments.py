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

from bench.harness import HEADER, ROOT, Result, peak_rss_mb, reset_database, setup_django, write_results


def child(n: int) -> dict[str, object]:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from askesos.contributions.services import payment_record
    from askesos.lpa.models import FieldOfficer
    from bench.bench_cycle import generate

    settings.ASKESOS_NOTIFY_EAGER = False  # the outbox worker sends; posting only queues
    generate(2 * n + 2)
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
            cur.execute(
                "INSERT INTO contributions_payment (membership_id, lpa_id, region_id, amount, "
                "months_covered, period_from, period_to, channel, payer, paid_on, receipt_number, "
                "credit_applied, credit_created, recorded_at) SELECT id, lpa_id, region_id, 5000, 1, "
                "paid_through, paid_through, 'cash_officer', "
                "'member', paid_through, %s, 0, 0, created_at FROM membership_membership WHERE id = %s",
                [f"F{i}", i],
            )
            cur.execute("UPDATE membership_membership SET paid_through = paid_through WHERE id = %s", [i])
    floor, floor_cpu = time.perf_counter() - t0, time.process_time() - c0
    statements = [q["sql"] for q in captured.captured_queries]
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
    }


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
        "audit_events": AuditEvent.objects.filter(action__in=["payment.record", "journal.post"]).count(),
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
        url = reset_database(db, os.environ.get("BENCH_TAG", "payments"))
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
            {"queries_per_payment": data.get("queries_per_payment")},
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
    print(f"written {write_results('payments', results)}")


if __name__ == "__main__":
    main()
