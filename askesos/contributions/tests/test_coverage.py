from __future__ import annotations

import datetime as dt

from askesos.contributions.selectors import covered_on
from askesos.contributions.services import membership_terminate
from askesos.membership.models import Membership

D = dt.date


def test_it_judges_coverage_from_payment_history_at_the_event_date(make_membership, pay):
    m = make_membership(paid_through=None, status="pending", coverage_start=D(2026, 1, 1))
    pay(m, 15000, receipt="A", paid_on=D(2026, 1, 5), today=D(2026, 1, 5))  # Jan-Mar 2026
    m.refresh_from_db()
    assert covered_on(m, D(2026, 2, 14)).state == "covered"
    assert covered_on(m, D(2026, 5, 3)).state == "grace"
    assert covered_on(m, D(2026, 5, 3)).reason == "2 of 3 grace months unpaid"
    assert covered_on(m, D(2026, 7, 1)).state == "not_covered"
    assert covered_on(m, D(2025, 12, 31)).reason == "before coverage start 2026-01"
    # Arrears paid after the event do not buy cover for it.
    pay(m, 10000, receipt="B", paid_on=D(2026, 5, 20), today=D(2026, 5, 20))  # Apr-May
    m.refresh_from_db()
    assert covered_on(m, D(2026, 5, 3)).state == "grace"
    assert covered_on(m, D(2026, 5, 25)).state == "covered"


def test_it_keeps_the_gap_of_a_lapse_uncovered_after_reinstatement(make_membership, pay):
    m = make_membership(paid_through=D(2026, 3, 1), status="lapsed", coverage_start=D(2026, 1, 1))
    pay(m, 5000, receipt="R", paid_on=D(2026, 10, 2), today=D(2026, 10, 2))  # reinstated Oct 2026
    m.refresh_from_db()
    answer = covered_on(m, D(2026, 8, 10))
    assert (answer.state, answer.reason) == ("not_covered", "no premium paid for this month by that date")
    answer = covered_on(m, D(2026, 10, 20))
    assert (answer.state, answer.reinstated_on) == ("covered", D(2026, 10, 2))


def test_it_ends_coverage_after_termination(make_membership, pay, officer):
    m = make_membership(paid_through=None, status="pending", coverage_start=D(2026, 1, 1))
    pay(m, 30000, receipt="T", paid_on=D(2026, 1, 5), today=D(2026, 1, 5))
    m.refresh_from_db()
    membership_terminate(actor=officer, membership=m, reason="death", on=D(2026, 3, 9))
    m = Membership.objects.get(pk=m.pk)
    assert (m.status, m.termination_reason) == ("terminated", "death")
    assert covered_on(m, D(2026, 3, 9)).state == "covered"
    assert covered_on(m, D(2026, 3, 10)).state == "not_covered"
    assert m.status_changes.filter(to_status="terminated").get().from_status == "active"
