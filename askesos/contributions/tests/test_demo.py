from __future__ import annotations

import datetime as dt

from askesos.contributions.demo import demo_payments
from askesos.contributions.models import CycleRun, Payment, ThirdPartyBatch
from askesos.fund.models import JournalEntry
from askesos.membership.models import Membership

D = dt.date


def test_it_builds_a_year_of_history_once_and_runs_the_cycle(make_membership, field_officer):
    for _ in range(60):
        make_membership(paid_through=None, status="pending", coverage_start=D(2027, 1, 1))
    created = demo_payments(today=D(2027, 1, 12))
    assert created == Payment.objects.count() > 60 * 4
    assert Payment.objects.filter(channel="cash_officer", collector=field_officer).exists()
    assert ThirdPartyBatch.objects.count() == 1
    statuses = set(Membership.objects.values_list("status", flat=True))
    assert {"active", "arrears", "lapsed"} <= statuses
    assert "pending" not in statuses
    assert Membership.objects.filter(coverage_start__lte=D(2026, 1, 1)).count() == 60
    entries = JournalEntry.objects.filter(source_type__startswith="contributions.").count()
    assert entries == Payment.objects.filter(batch__isnull=True).count() + 1
    assert CycleRun.objects.get().status == "done"
    assert demo_payments(today=D(2027, 1, 12)) == 0
    assert Payment.objects.count() == created
