from __future__ import annotations

import datetime as dt

import pytest

from askesos.contributions.models import MemberCredit, MembershipStatusChange, Payment
from askesos.contributions.services import payment_record
from askesos.core.errors import DomainError
from askesos.fund.models import JournalEntry, JournalLine
from askesos.membership.models import Membership
from askesos.notifications.models import Message

from .conftest import TODAY

D = dt.date


def test_it_records_a_cash_payment_and_advances_coverage(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1), status="arrears")
    result = pay(m, 15000, receipt="123")
    assert result.created is True
    assert result.message == "Rp 15.000 received for Jan\u2013Mar 2027, receipt 123"
    p = result.payment
    assert (p.months_covered, p.period_from, p.period_to) == (3, D(2027, 1, 1), D(2027, 3, 1))
    assert (p.lpa_id, p.region_id) == (m.lpa_id, m.region_id)
    m.refresh_from_db()
    assert (m.paid_through, m.status, m.status_since) == (D(2027, 3, 1), "active", TODAY)
    change = MembershipStatusChange.objects.get(membership=m)
    assert (change.from_status, change.to_status, change.reason) == ("arrears", "active", "payment")


def test_it_posts_the_fund_journal_and_queues_the_sms(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    p = pay(m, 15000, receipt="123").payment
    entry = JournalEntry.objects.get(idempotency_key="payment:123")
    assert (entry.lpa_id, entry.source_type, entry.source_id) == (
        m.lpa_id,
        "contributions.payment",
        str(p.pk),
    )
    lines = sorted(JournalLine.objects.filter(entry=entry).values_list("account__code", "debit", "credit"))
    assert lines == [("1100", 15000, 0), ("4100", 0, 15000)]
    msg = Message.objects.get(related_type="contributions.payment", related_id=str(p.pk))
    assert msg.body == "Rp 15.000 diterima untuk Jan\u2013Mar 2027, kuitansi 123"
    assert msg.to == "+6281234567890"


def test_it_posts_bank_payments_to_the_bank_account(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    pay(m, 5000, receipt="QR-1", channel="ewallet_qris")
    lines = sorted(
        JournalLine.objects.filter(entry__idempotency_key="payment:QR-1").values_list(
            "account__code", "debit", "credit"
        )
    )
    assert lines == [("1200", 5000, 0), ("4100", 0, 5000)]


def test_it_records_the_same_receipt_once(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    first = pay(m, 10000, receipt="123")
    again = pay(m, 10000, receipt="123")
    assert again.created is False
    assert again.payment.pk == first.payment.pk
    assert again.message == f"Receipt 123 was already recorded on {dt.date.today().isoformat()}."
    assert Payment.objects.count() == 1
    assert JournalEntry.objects.filter(source_type="contributions.payment").count() == 1
    m.refresh_from_db()
    assert m.paid_through == D(2027, 2, 1)


def test_it_refuses_the_same_receipt_with_different_data(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    pay(m, 10000, receipt="123")
    with pytest.raises(DomainError) as exc:
        pay(m, 15000, receipt="123")
    assert exc.value.code == "receipt_conflict"
    assert exc.value.message == (
        "Receipt 123 was already recorded with different data: amount (Rp) Rp 10.000 recorded, Rp 15.000 now."
    )


def test_it_refuses_amounts_that_are_not_whole_months(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    with pytest.raises(DomainError) as exc:
        pay(m, 12000)
    assert exc.value.code == "not_whole_months"
    assert exc.value.message == (
        "Rp 12.000 is not a whole number of months at Rp 5.000; 2 months = Rp 10.000, 3 months = Rp 15.000"
    )
    assert Payment.objects.count() == 0


def test_it_carries_a_remainder_forward_as_credit_and_uses_it_next_time(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    first = pay(m, 12000, carry_forward=True).payment
    assert (first.months_covered, first.credit_applied, first.credit_created) == (2, 0, 2000)
    assert MemberCredit.objects.get(pk=m.pk).balance == 2000
    second = pay(m, 3000).payment  # 3,000 + 2,000 credit = one month
    assert (second.months_covered, second.credit_applied, second.credit_created) == (1, 2000, 0)
    assert (second.period_from, second.period_to) == (D(2027, 3, 1), D(2027, 3, 1))
    assert MemberCredit.objects.get(pk=m.pk).balance == 0


def test_it_refuses_more_than_the_advance_limit(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    with pytest.raises(DomainError) as exc:
        pay(m, 13 * 5000)
    assert exc.value.code == "too_many_months"


def test_it_pays_arrears_first_within_grace(make_membership, pay):
    m = make_membership(paid_through=D(2026, 10, 1), status="arrears")  # Nov, Dec, Jan unpaid (grace 3)
    p = pay(m, 20000).payment
    assert (p.period_from, p.period_to) == (D(2026, 11, 1), D(2027, 2, 1))
    m.refresh_from_db()
    assert (m.status, m.reinstated_on) == ("active", None)


def test_it_reinstates_a_lapsed_member_with_a_new_waiting_period(make_membership, pay):
    m = make_membership(paid_through=D(2026, 8, 1), status="lapsed")  # 5 months unpaid > grace 3
    p = pay(m, 5000).payment
    assert (p.period_from, p.period_to) == (D(2027, 1, 1), D(2027, 1, 1))
    m.refresh_from_db()
    assert (m.status, m.reinstated_on, m.paid_through) == ("active", TODAY, D(2027, 1, 1))
    change = MembershipStatusChange.objects.get(membership=m)
    assert (change.from_status, change.to_status, change.reason) == ("lapsed", "active", "reinstated")


def test_it_makes_a_lapsed_member_pay_arrears_first_when_the_scheme_says_so(make_membership, pay, scheme):
    scheme.versions.update(reinstatement_rule="pay_arrears_continue")
    m = make_membership(paid_through=D(2026, 8, 1), status="lapsed")
    p = pay(m, 5000).payment  # pays September 2026 only: still 4 months unpaid, still lapsed
    assert (p.period_from, p.period_to) == (D(2026, 9, 1), D(2026, 9, 1))
    m.refresh_from_db()
    assert (m.status, m.reinstated_on) == ("lapsed", None)
    pay(m, 20000)  # Oct-Jan: paid up, continues without a new waiting period
    m.refresh_from_db()
    assert (m.status, m.paid_through, m.reinstated_on) == ("active", D(2027, 1, 1), None)


def test_it_starts_a_pending_membership_at_coverage_start(make_membership, pay):
    m = make_membership(paid_through=None, status="pending", coverage_start=D(2027, 1, 1))
    p = pay(m, 5000).payment
    assert (p.period_from, p.period_to) == (D(2027, 1, 1), D(2027, 1, 1))
    m.refresh_from_db()
    assert m.status == "active"


def test_it_refuses_payments_for_a_terminated_membership(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1), status="terminated")
    with pytest.raises(DomainError) as exc:
        pay(m, 5000)
    assert exc.value.code == "terminated"


def test_it_refuses_a_collector_of_another_lpa(make_membership, pay, other_officer):
    m = make_membership(paid_through=D(2026, 12, 1))
    with pytest.raises(DomainError) as exc:
        pay(m, 5000, collector=other_officer)
    assert exc.value.code == "collector_other_lpa"


def test_it_posts_a_payment_in_a_flat_number_of_queries(make_membership, pay, django_assert_num_queries):
    members = [make_membership(paid_through=D(2026, 12, 1)) for _ in range(3)]
    pay(members[0], 5000)  # warm caches (content types, accounts)
    # Ours: membership FOR UPDATE with credit, phone, LPA region, scheme version and the receipt and
    # journal-key checks in one read, payment insert, membership update, audit = 4, + 2 for our
    # savepoint (the test runs inside a transaction).
    # post_journal (fund app; accounts cached, region and key check passed in, no savepoint):
    # entry, lines, audit = 3. notify (notifications app; region passed in): message insert = 1.
    with django_assert_num_queries(10):
        pay(members[1], 5000)
    with django_assert_num_queries(10):
        pay(members[2], 10000)


def test_it_keeps_the_payment_when_the_member_has_no_phone(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1), phone="")
    pay(m, 5000)
    assert Message.objects.count() == 0
    assert Membership.objects.get(pk=m.pk).paid_through == D(2027, 1, 1)


def test_it_needs_a_collector_for_cash(make_membership, officer):
    m = make_membership(paid_through=D(2026, 12, 1))
    with pytest.raises(DomainError) as exc:
        payment_record(
            actor=officer,
            membership_id=m.pk,
            amount=5000,
            channel="cash_officer",
            paid_on=TODAY,
            receipt_number="9",
            today=TODAY,
        )
    assert exc.value.code == "collector_required"
