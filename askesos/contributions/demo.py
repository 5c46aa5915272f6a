"""Demo premiums: 12+ months of payment history for the demo memberships, then the monthly cycle.

Most members pay monthly in cash to an officer; some pay 3/6/12 months ahead; some by bank transfer or
QRIS; a CSR donor pays six months for a group of members per LPA; some fell into arrears and some
lapsed. Written in bulk (a few statements per 2,000 rows), one transaction; memberships that already
have payments are left alone, so running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from askesos.contributions.cycle import cycle_run
from askesos.contributions.models import Channel, Payment, ThirdPartyBatch
from askesos.core.months import add_months, month_start
from askesos.fund.services import JournalDraft, post_journal_bulk
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.membership.models import Membership, MembershipStatus
from askesos.schemes.models import Payer
from askesos.schemes.selectors import version_in_force


@dataclass
class _Plan:
    membership_id: int
    lpa_id: int
    region_id: int
    start: dt.date
    premium: int
    payments: list[tuple[dt.date, int, str, dt.date]]  # period_from, months, channel, paid_on


def _schedule(
    rng: random.Random, start: dt.date, current: dt.date
) -> tuple[list[tuple[dt.date, int, str]], bool]:
    """(payments as (period_from, months, channel), CSR-funded first six months?)."""
    roll = rng.random()
    if roll < 0.08:  # lapsed: stopped 5-9 months ago
        stop = add_months(current, -rng.randint(5, 9))
    elif roll < 0.20:  # in arrears: stopped 1-3 months ago
        stop = add_months(current, -rng.randint(1, 3))
    else:
        stop = current if rng.random() < 0.75 else add_months(current, -1)
    channel = (
        Channel.CASH_OFFICER
        if rng.random() < 0.8
        else rng.choice([Channel.BANK_TRANSFER, Channel.EWALLET_QRIS])
    )
    step = 1 if rng.random() < 0.8 else rng.choice([3, 6, 12])
    csr = rng.random() < 0.06
    out: list[tuple[dt.date, int, str]] = []
    month = add_months(start, 6) if csr else start
    while month <= stop:
        out.append((month, step, channel))
        month = add_months(month, step)
    return out, csr


def demo_payments(*, today: dt.date, seed: int = 2026) -> int:
    """Generate the history and run this month's cycle; returns payments created (0 when run again)."""
    rng = random.Random(seed)
    current = month_start(today)
    members = list(
        Membership.objects.filter(payments__isnull=True)
        .exclude(status=MembershipStatus.TERMINATED)
        .order_by("id")
        .values_list("id", "lpa_id", "region_id", "scheme_id")
    )
    if not members:
        return 0
    officers: dict[int, list[int]] = defaultdict(list)
    for pk, lpa_id in FieldOfficer.objects.order_by("id").values_list("id", "lpa_id"):
        officers[lpa_id].append(pk)
    premiums = {s: version_in_force(s, current).premium_monthly for s in {m[3] for m in members}}
    now = timezone.now()
    payments: list[Payment] = []
    csr_members: dict[int, list[_Plan]] = defaultdict(list)
    starts: dict[int, dt.date] = {}
    for membership_id, lpa_id, region_id, scheme_id in members:
        start = add_months(current, -rng.randint(12, 17))
        starts[membership_id] = start
        schedule, csr = _schedule(rng, start, current)
        plan = _Plan(membership_id, lpa_id, region_id, start, premiums[scheme_id], [])
        if csr:
            csr_members[lpa_id].append(plan)
        for k, (period_from, months, channel) in enumerate(schedule):
            paid_on = min(period_from + dt.timedelta(days=rng.randint(0, 20)), today)
            use = (
                channel if officers.get(lpa_id) or channel != Channel.CASH_OFFICER else Channel.BANK_TRANSFER
            )
            payments.append(
                Payment(
                    membership_id=membership_id,
                    lpa_id=lpa_id,
                    region_id=region_id,
                    amount=months * plan.premium,
                    months_covered=months,
                    period_from=period_from,
                    period_to=add_months(period_from, months - 1),
                    channel=use,
                    payer=Payer.MEMBER,
                    paid_on=paid_on,
                    collector_id=rng.choice(officers[lpa_id]) if use == Channel.CASH_OFFICER else None,
                    receipt_number=f"D{membership_id}-{k}",
                    recorded_at=now,
                )
            )
    with transaction.atomic():
        batches = _csr_batches(csr_members, payments, now)
        Payment.objects.bulk_create(payments, batch_size=2000)
        paid_through: dict[int, dt.date] = {}
        for p in payments:
            paid_through[p.membership_id] = max(p.period_to, paid_through.get(p.membership_id, p.period_to))
        rows = list(Membership.objects.filter(pk__in=list(starts)))
        for m in rows:
            m.enrolled_on = m.coverage_start = m.status_since = starts[m.pk]
            m.paid_through = paid_through.get(m.pk)
        Membership.objects.bulk_update(
            rows, ["enrolled_on", "coverage_start", "status_since", "paid_through"], batch_size=2000
        )
        post_journal_bulk(_journal_drafts(payments, batches))
    cycle_run(month=current, today=today)
    return len(payments)


def _csr_batches(
    csr_members: dict[int, list[_Plan]], payments: list[Payment], now: dt.datetime
) -> list[ThirdPartyBatch]:
    """One CSR transfer per LPA paying the first six months of its CSR-funded members."""
    batches = []
    lpas = {lpa.pk: lpa for lpa in Lpa.objects.filter(pk__in=list(csr_members))}
    for lpa_id, plans in sorted(csr_members.items()):
        start = min(p.start for p in plans)
        batch = ThirdPartyBatch.objects.create(
            lpa_id=lpa_id,
            region_id=lpas[lpa_id].kelurahan_id,
            payer=Payer.CSR,
            payer_name="PT Bank Peduli (CSR)",
            reference=f"CSR-DEMO-{lpa_id}",
            total=sum(6 * p.premium for p in plans),
            member_count=len(plans),
            paid_on=start + dt.timedelta(days=3),
            recorded_at=now,
        )
        batches.append(batch)
        for p in plans:
            payments.append(
                Payment(
                    membership_id=p.membership_id,
                    lpa_id=lpa_id,
                    region_id=p.region_id,
                    amount=6 * p.premium,
                    months_covered=6,
                    period_from=p.start,
                    period_to=add_months(p.start, 5),
                    channel=Channel.THIRD_PARTY,
                    payer=Payer.CSR,
                    paid_on=batch.paid_on,
                    batch=batch,
                    receipt_number=f"TP{batch.pk}-{p.membership_id}",
                    recorded_at=now,
                )
            )
    return batches


def _journal_drafts(payments: list[Payment], batches: list[ThirdPartyBatch]) -> list[JournalDraft]:
    debit = {Channel.CASH_OFFICER: "1100", Channel.BANK_TRANSFER: "1200", Channel.EWALLET_QRIS: "1200"}
    drafts = [
        JournalDraft(
            lpa_id=p.lpa_id,
            on=p.paid_on,
            memo=f"Iuran kuitansi {p.receipt_number}",
            source_type="contributions.payment",
            source_id=str(p.pk),
            idempotency_key=f"payment:{p.receipt_number}",
            lines=[(debit[Channel(p.channel)], p.amount, 0), ("4100", 0, p.amount)],
        )
        for p in payments
        if p.batch_id is None
    ]
    drafts += [
        JournalDraft(
            lpa_id=b.lpa_id,
            on=b.paid_on,
            memo=f"CSR {b.payer_name} {b.reference}",
            source_type="contributions.thirdpartybatch",
            source_id=str(b.pk),
            idempotency_key=f"tp-batch:{b.pk}",
            lines=[("1200", b.total, 0), ("4200", 0, b.total)],
        )
        for b in batches
    ]
    return drafts
