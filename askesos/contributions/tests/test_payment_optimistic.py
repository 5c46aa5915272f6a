"""PAYMENT_OPTIMISTIC_WRITE: on PostgreSQL a payment outside a transaction reads without locking and
writes in one statement guarded by the membership's row version (``services.payment_record``).

These tests run outside a test transaction (``transaction=True``), as requests do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from askesos.audit.models import AuditEvent
from askesos.contributions import services
from askesos.contributions.models import Payment
from askesos.core.errors import DomainError
from askesos.fund.models import JournalEntry, JournalLine
from askesos.fund.services import post_journal
from askesos.membership.models import Membership
from askesos.notifications.models import Message

D = dt.date

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the optimistic write is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def reads(monkeypatch):
    """Records the ``lock`` argument of every membership read; ``meddle`` runs after each unlocked
    read, as a concurrent change committed between the read and the write would."""
    seen: list[bool] = []
    meddle: list = []
    read = services._membership_read

    def spy(cursor, **kwargs):
        row = read(cursor, **kwargs)
        seen.append(kwargs["lock"])
        if meddle and not kwargs["lock"]:
            meddle[0](row)
        return row

    monkeypatch.setattr(services, "_membership_read", spy)
    return seen, meddle


def _bump(row) -> None:
    """Another writer touches the member (same values, new row version), committed at once."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE membership_membership SET status = status WHERE id = %s", [row.id])


def test_a_payment_outside_a_transaction_is_one_read_and_one_write(
    make_membership, pay, reads, django_assert_num_queries, settings
):
    settings.ASKESOS_NOTIFY_EAGER = False  # the outbox worker sends the SMS (two more statements)
    m = make_membership(paid_through=D(2026, 12, 1), status="arrears")
    pay(m, 5000)  # warms the process caches (content types, accounts, id sequences)
    with django_assert_num_queries(2):
        result = pay(m, 10000, receipt="OPT-1")
    seen, _meddle = reads
    assert seen == [False, False]  # neither payment locked the member
    p = result.payment
    assert (result.created, p.period_from, p.period_to) == (True, D(2027, 2, 1), D(2027, 3, 1))
    m.refresh_from_db()
    assert (m.paid_through, m.status) == (D(2027, 3, 1), "active")
    entry = JournalEntry.objects.get(idempotency_key="payment:OPT-1")
    assert sorted(JournalLine.objects.filter(entry=entry).values_list("account_id", "debit", "credit")) == [
        ("1100", 10000, 0),
        ("4100", 0, 10000),
    ]
    events = AuditEvent.objects.filter(object_id__in=[str(p.pk), str(entry.pk)])
    assert sorted(events.values_list("action", "object_type")) == [
        ("journal.post", "fund.journalentry"),
        ("payment.record", "contributions.payment"),
    ]
    assert list(Message.objects.filter(related_id=str(p.pk)).values_list("status", flat=True)) == ["queued"]


def test_a_member_changed_after_the_read_is_read_and_computed_again(make_membership, pay, reads):
    m = make_membership(paid_through=D(2026, 12, 1))
    seen, meddle = reads

    def pay_through_january_meanwhile(row) -> None:
        meddle.clear()  # once
        Membership.objects.filter(pk=row.id).update(paid_through=D(2027, 1, 1))

    meddle.append(pay_through_january_meanwhile)
    p = pay(m, 5000, receipt="OPT-2").payment
    assert seen == [False, False]  # the first write found the member changed and wrote nothing
    assert (p.period_from, p.period_to) == (D(2027, 2, 1), D(2027, 2, 1))  # computed on the new coverage
    assert Payment.objects.count() == JournalEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action__in=["payment.record", "journal.post"]).count() == 2
    assert Membership.objects.get(pk=m.pk).paid_through == D(2027, 2, 1)


def test_a_member_changed_after_every_read_is_paid_under_its_lock(make_membership, pay, reads):
    m = make_membership(paid_through=D(2026, 12, 1))
    seen, meddle = reads
    meddle.append(_bump)
    p = pay(m, 5000, receipt="OPT-3").payment
    assert seen == [False] * services.OPTIMISTIC_ATTEMPTS + [True]
    assert (p.period_from, Payment.objects.count(), JournalLine.objects.count()) == (D(2027, 1, 1), 1, 2)
    assert Membership.objects.get(pk=m.pk).paid_through == D(2027, 1, 1)


def test_a_hand_posted_journal_key_is_booked_in_the_payment_s_transaction(make_membership, pay, reads):
    m = make_membership(paid_through=D(2026, 12, 1))
    kept = post_journal(
        lpa_id=m.lpa_id,
        on=D(2027, 1, 10),
        memo="posted by hand",
        source_type="contributions.payment",
        source_id="?",
        lines=[("1100", 5000, 0), ("4100", 0, 5000)],
        idempotency_key="payment:OPT-4",
    )
    seen, _meddle = reads
    pay(m, 5000, receipt="OPT-4")
    assert seen == [False, True]  # the optimistic read saw the key taken and left it to the lock
    assert list(JournalEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert Payment.objects.count() == 1


def test_a_payment_inside_a_caller_s_transaction_locks_the_member(make_membership, pay, reads):
    m = make_membership(paid_through=D(2026, 12, 1))
    seen, _meddle = reads
    with transaction.atomic():
        pay(m, 5000, receipt="OPT-5")
    assert seen == [True]
    assert Payment.objects.filter(receipt_number="OPT-5").count() == 1


def test_a_refused_guarded_write_leaves_nothing_behind(make_membership, pay, monkeypatch):
    m, other = make_membership(paid_through=D(2026, 12, 1)), make_membership(paid_through=D(2026, 12, 1))
    pay(other, 5000, receipt="OPT-6")
    read = services._membership_read

    def stale(cursor, **kwargs):  # as if the read ran before the other payment committed
        row = read(cursor, **kwargs)
        assert row is not None
        return row._replace(receipt_taken=False, journal_taken=False)

    monkeypatch.setattr(services, "_membership_read", stale)
    with pytest.raises(DomainError) as exc:  # the same receipt for another member
        pay(m, 5000, receipt="OPT-6")
    assert exc.value.code == "receipt_conflict"
    assert Payment.objects.count() == JournalEntry.objects.count() == Message.objects.count() == 1
    assert AuditEvent.objects.filter(action__in=["payment.record", "journal.post"]).count() == 2
    assert Membership.objects.get(pk=m.pk).paid_through == D(2026, 12, 1)
