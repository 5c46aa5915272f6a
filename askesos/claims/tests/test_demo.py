from __future__ import annotations

from collections import Counter

from askesos.claims.demo import PLAN, demo_claims
from askesos.claims.models import Claim
from askesos.claims.tests.conftest import TODAY
from askesos.fund.models import JournalEntry


def test_it_makes_claims_in_every_state_once(make_membership):
    for _ in range(len(PLAN)):
        make_membership()
    assert demo_claims(today=TODAY) == len(PLAN)
    assert Counter(Claim.objects.values_list("status", flat=True)) == {
        "submitted": 2,
        "returned": 1,
        "verified": 2,
        "approved": 1,
        "paid": 2,
        "rejected": 1,
    }
    assert JournalEntry.objects.filter(source_type="claim").count() == 2
    assert demo_claims(today=TODAY) == 0
    assert Claim.objects.count() == len(PLAN)
