from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from askesos.audit.models import AuditEvent
from askesos.contributions.models import MemberCredit, MembershipStatusChange, Payment
from askesos.contributions.services import BatchRow, payment_record, third_party_batch_record
from askesos.core.errors import DomainError
from askesos.fund import rules as fund_rules
from askesos.fund.models import JournalEntry, JournalLine
from askesos.fund.services import post_journal
from askesos.membership.models import Membership
from askesos.notifications.models import Message, MessageStatus

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


# Statements of one new payment, beside the 2 of the savepoint (the tests run inside a transaction).
# The locking read (membership FOR UPDATE with credit, phone, LPA region, scheme version in force and
# the receipt and journal-key checks; on PostgreSQL also the new ids) is one; then SQLite runs the
# writes one by one: payment, journal entry, its lines (one statement), the audit events of both
# (one statement), the membership, the SMS = 6; PostgreSQL sends them as one statement.
def _writes(sqlite: int, postgres: int = 1) -> int:
    return sqlite if connection.vendor == "sqlite" else postgres


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are a PostgreSQL feature")
def test_the_payment_s_statements_are_planned_once_per_connection(make_membership, pay):
    members = [make_membership(paid_through=D(2026, 12, 1)) for _ in range(3)]
    for m in members:
        pay(m, 5000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        runs = {sql.split()[0] + " " + sql.split()[-1]: n for sql, n in cursor.fetchall()}
    # the locking read (ends with its lock clause) and the writes (one statement of CTEs), three each
    assert runs == {"SELECT m": 3, "WITH 1": 3}


def test_it_posts_a_payment_in_a_flat_number_of_queries(make_membership, pay, django_assert_num_queries):
    members = [make_membership(paid_through=D(2026, 12, 1)) for _ in range(3)]
    pay(members[0], 5000)  # warm caches (content types, accounts)
    with django_assert_num_queries(2 + 1 + _writes(6)):
        pay(members[1], 5000)
    with django_assert_num_queries(2 + 1 + _writes(6)):
        pay(members[2], 10000)


def test_it_counts_the_status_event_and_credit_among_the_same_writes(
    make_membership, pay, django_assert_num_queries
):
    members = [make_membership(paid_through=D(2026, 11, 1), status="arrears") for _ in range(2)]
    pay(members[0], 5000)
    # + the status event (arrears → active) and the new credit row: still one statement of writes on
    # PostgreSQL, after a fresh read of the credit (a payment that may carry a remainder forward).
    with django_assert_num_queries(2 + 1 + _writes(6 + 2, postgres=1 + 1)):
        pay(members[1], 12000, carry_forward=True)
    assert MembershipStatusChange.objects.filter(membership=members[1]).count() == 1
    assert MemberCredit.objects.get(pk=members[1].pk).balance == 2000


def test_a_known_receipt_costs_the_locking_read_and_one_lookup(
    make_membership, pay, django_assert_num_queries
):
    m = make_membership(paid_through=D(2026, 12, 1))
    pay(m, 5000, receipt="R-1")
    with django_assert_num_queries(2 + 2):
        assert pay(m, 5000, receipt="R-1").created is False


def test_it_writes_the_audit_events_of_the_payment_and_its_journal_entry(make_membership, pay, officer):
    m = make_membership(paid_through=D(2026, 12, 1))
    p = pay(m, 10000, receipt="A-1").payment
    entry = JournalEntry.objects.get(idempotency_key="payment:A-1")
    event = AuditEvent.objects.get(action="payment.record")
    assert (event.object_type, event.object_id, event.object_label) == (
        "contributions.payment",
        str(p.pk),
        "A-1",
    )
    assert (event.actor_id, event.actor_label, event.region_id, event.lpa_id) == (
        officer.pk,
        officer.username,
        m.region_id,
        m.lpa_id,
    )
    assert event.new == {
        "membership": m.member_number,
        "amount": 10000,
        "months": 2,
        "period_from": "2027-01-01",
        "period_to": "2027-02-01",
        "channel": "cash_officer",
        "credit_applied": 0,
        "credit_created": 0,
    }
    posted = AuditEvent.objects.get(action="journal.post")
    assert (posted.object_type, posted.object_id, posted.object_label) == (
        "fund.journalentry",
        str(entry.pk),
        str(entry),
    )
    assert posted.new == {
        "on": "2027-01-10",
        "memo": f"Iuran {m.member_number} kuitansi A-1",
        "source": f"contributions.payment:{p.pk}",
        "key": "payment:A-1",
        "lines": [["1100", 10000, 0], ["4100", 0, 10000]],
    }
    assert event.at == posted.at == entry.created_at == Payment.objects.get().recorded_at


def test_the_journal_entry_balances_and_carries_its_fingerprint(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    pay(m, 15000, receipt="B-1", channel="bank_transfer")
    entry = JournalEntry.objects.get(idempotency_key="payment:B-1")
    lines = list(entry.lines.values_list("account_id", "debit", "credit"))
    assert sum(d for _a, d, _c in lines) == sum(c for _a, _d, c in lines) == 15000
    assert entry.fingerprint == fund_rules.fingerprint(m.lpa_id, lines)
    assert (entry.region_id, entry.created_by_id) == (
        m.lpa.kelurahan_id,
        Payment.objects.get().recorded_by_id,
    )
    assert set(entry.lines.values_list("region_id", "lpa_id", "on")) == {(entry.region_id, m.lpa_id, TODAY)}


def test_the_returned_payment_is_the_row_written(make_membership, pay, field_officer):
    m = make_membership(paid_through=D(2026, 12, 1))
    p = pay(m, 10000, receipt="C-1").payment
    stored = Payment.objects.get(pk=p.pk)
    fields = [f.attname for f in Payment._meta.concrete_fields]
    assert [getattr(p, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert p._state.adding is False
    assert p.collector is field_officer  # no query: the officer given is kept


def test_nothing_is_written_when_a_later_step_fails(make_membership, pay, monkeypatch):
    from askesos.notifications import services as notifications

    def broken(**kwargs):
        raise RuntimeError("outbox down")

    m = make_membership(paid_through=D(2026, 12, 1), status="arrears")
    monkeypatch.setattr(notifications, "message_row", broken)
    with pytest.raises(RuntimeError):
        pay(m, 5000, receipt="F-1")
    assert not Payment.objects.exists()
    assert not JournalEntry.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["payment.record", "journal.post"]).exists()
    assert not MembershipStatusChange.objects.exists()
    assert Membership.objects.get(pk=m.pk).paid_through == D(2026, 12, 1)


def test_a_receipt_won_by_a_concurrent_post_is_answered_as_a_replay(make_membership, pay, monkeypatch):
    from askesos.contributions import services

    m, other = make_membership(paid_through=D(2026, 12, 1)), make_membership(paid_through=D(2026, 12, 1))
    first = pay(other, 5000, receipt="RACE")
    read = services._membership_read

    def stale(cursor, **kwargs):  # the read ran before the other post committed
        locked = read(cursor, **kwargs)
        assert locked is not None
        return locked._replace(receipt_taken=False, journal_taken=False)

    monkeypatch.setattr(services, "_membership_read", stale)
    with pytest.raises(DomainError) as exc:  # the same receipt for another member: a conflict
        pay(m, 5000, receipt="RACE")
    assert exc.value.code == "receipt_conflict"
    again = pay(other, 5000, receipt="RACE")
    assert (again.created, again.payment.pk) == (False, first.payment.pk)
    assert Payment.objects.count() == JournalEntry.objects.count() == 1
    assert Membership.objects.get(pk=m.pk).paid_through == D(2026, 12, 1)


def test_it_reuses_a_journal_entry_already_posted_under_the_receipt_key(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    lines = [("1100", 5000, 0), ("4100", 0, 5000)]
    kept = post_journal(
        lpa_id=m.lpa_id,
        on=TODAY,
        memo="by hand",
        source_type="manual",
        source_id="",
        lines=lines,
        idempotency_key="payment:K-1",
    )
    p = pay(m, 5000, receipt="K-1").payment
    assert list(JournalEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert Payment.objects.get().pk == p.pk


def test_it_refuses_a_receipt_whose_journal_key_books_something_else(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1))
    post_journal(
        lpa_id=m.lpa_id,
        on=TODAY,
        memo="by hand",
        source_type="manual",
        source_id="",
        lines=[("1100", 7000, 0), ("4100", 0, 7000)],
        idempotency_key="payment:K-2",
    )
    with pytest.raises(DomainError) as exc:
        pay(m, 5000, receipt="K-2")
    assert exc.value.code == "idempotency_conflict"
    assert not Payment.objects.exists()
    assert Membership.objects.get(pk=m.pk).paid_through == D(2026, 12, 1)


def test_it_sends_the_receipt_sms_after_commit(
    make_membership, pay, settings, django_capture_on_commit_callbacks
):
    settings.ASKESOS_NOTIFY_EAGER = True
    m = make_membership(paid_through=D(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        p = pay(m, 5000, receipt="S-1").payment
        assert Message.objects.get().status == MessageStatus.QUEUED
    assert len(callbacks) == 1
    msg = Message.objects.get(related_id=str(p.pk))
    assert (msg.status, msg.attempts, msg.provider_message_id) == (MessageStatus.SENT, 1, f"console-{msg.pk}")


def test_it_records_a_third_party_batch_with_one_journal_for_the_transfer(make_membership, lpa_jt01, officer):
    a, b = make_membership(paid_through=D(2026, 12, 1)), make_membership(paid_through=D(2026, 12, 1))
    batch = third_party_batch_record(
        actor=officer,
        lpa=lpa_jt01,
        payer="apbd",
        payer_name="Pemprov DKI",
        reference="TRF-9",
        paid_on=TODAY,
        total=15000,
        rows=[BatchRow(1, a.member_number, 1), BatchRow(2, b.member_number, 2)],
        today=TODAY,
    )
    payments = Payment.objects.filter(batch=batch).order_by("receipt_number")
    assert [(p.receipt_number, p.amount, p.payer, p.channel) for p in payments] == [
        (f"TP{batch.pk}-1", 5000, "apbd", "third_party"),
        (f"TP{batch.pk}-2", 10000, "apbd", "third_party"),
    ]
    entry = JournalEntry.objects.get()
    assert (entry.idempotency_key, entry.source_id) == (f"tp-batch:{batch.pk}", str(batch.pk))
    assert sorted(entry.lines.values_list("account_id", "debit", "credit")) == [
        ("1200", 15000, 0),
        ("4200", 0, 15000),
    ]
    assert AuditEvent.objects.filter(action="payment.record").count() == 2
    event = AuditEvent.objects.get(action="payment.record", object_id=str(payments[0].pk))
    assert event.new is not None
    assert event.new["channel"] == "third_party"
    assert Message.objects.count() == 2
    assert Membership.objects.get(pk=b.pk).paid_through == D(2027, 2, 1)


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's BEGIN IMMEDIATE serialises payments")
@pytest.mark.django_db(transaction=True)
def test_a_payment_that_waited_for_the_member_s_lock_sees_the_credit_left(make_membership, pay):
    import threading
    import time

    from django.db import connections, transaction

    m = make_membership(paid_through=D(2026, 12, 1))
    pay(m, 7000, receipt="C-0", carry_forward=True)  # one month, Rp 2,000 credit
    first_done, release = threading.Event(), threading.Event()

    def first():  # uses the credit and holds the member's lock until released
        try:
            with transaction.atomic():
                pay(m, 3000, receipt="C-1")
                first_done.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_done.wait(10)
    threading.Timer(0.5, release.set).start()  # let the second payment block on the lock first
    started = time.monotonic()
    with pytest.raises(DomainError) as exc:  # Rp 3,000 without the credit already used
        pay(m, 3000, receipt="C-2")
    thread.join(10)
    assert time.monotonic() - started >= 0.4  # it did wait for the lock
    assert exc.value.code == "not_whole_months"
    assert MemberCredit.objects.get(pk=m.pk).balance == 0
    assert list(Payment.objects.order_by("id").values_list("credit_applied", "credit_created")) == [
        (0, 2000),
        (2000, 0),
    ]
