from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from askesos.contributions.models import OfficerDeposit
from askesos.contributions.selectors import cash_book
from askesos.contributions.services import deposit_confirm, deposit_dispute, deposit_submit
from askesos.core.errors import TransitionError
from askesos.fund.models import JournalLine

D = dt.date
TODAY = D(2027, 1, 20)


@pytest.fixture
def receipts(make_membership, pay):
    m = make_membership(paid_through=D(2026, 12, 1), status="arrears")
    return [
        pay(m, 5000, receipt="C1", paid_on=D(2027, 1, 2), today=TODAY).payment,
        pay(m, 10000, receipt="C2", paid_on=D(2027, 1, 15), today=TODAY).payment,
    ]


def test_it_balances_collected_cash_against_confirmed_deposits(receipts, field_officer, officer, lpa_manager):
    book = cash_book(field_officer, today=TODAY)
    assert (book.collected, book.confirmed, book.balance, book.held_since, book.held_too_long) == (
        15000,
        0,
        15000,
        D(2027, 1, 2),
        True,
    )
    deposit = deposit_submit(
        actor=officer,
        officer=field_officer,
        amount=5000,
        deposited_on=D(2027, 1, 18),
        today=TODAY,
        payment_ids=[receipts[0].pk],
    )
    book = cash_book(field_officer, today=TODAY)
    assert (book.submitted, book.balance, book.held_since, book.held_too_long) == (
        5000,
        15000,
        D(2027, 1, 15),
        False,
    )
    deposit_confirm(actor=lpa_manager, deposit=deposit, today=TODAY)
    book = cash_book(field_officer, today=TODAY)
    assert (book.confirmed, book.balance, book.variance_deposits) == (5000, 10000, [])
    lines = sorted(
        JournalLine.objects.filter(entry__source_type="contributions.officerdeposit").values_list(
            "account__code", "debit", "credit"
        )
    )
    assert lines == [("1100", 0, 5000), ("1110", 5000, 0)]


def test_it_flags_a_confirmed_deposit_that_differs_from_its_receipts(
    receipts, field_officer, officer, lpa_manager
):
    deposit = deposit_submit(
        actor=officer,
        officer=field_officer,
        amount=14000,
        deposited_on=TODAY,
        today=TODAY,
        payment_ids=[r.pk for r in receipts],
    )
    deposit_confirm(actor=lpa_manager, deposit=deposit, today=TODAY)
    book = cash_book(field_officer, today=TODAY)
    assert [(d.pk, d.variance) for d in book.variance_deposits] == [(deposit.pk, -1000)]
    assert book.balance == 1000


def test_it_confirms_a_deposit_once(receipts, field_officer, officer, lpa_manager):
    deposit = deposit_submit(
        actor=officer, officer=field_officer, amount=15000, deposited_on=TODAY, today=TODAY
    )
    stale = OfficerDeposit.objects.get(pk=deposit.pk)
    deposit_confirm(actor=lpa_manager, deposit=deposit, today=TODAY)
    with pytest.raises(TransitionError):
        deposit_confirm(actor=lpa_manager, deposit=stale, today=TODAY)
    assert JournalLine.objects.filter(entry__source_type="contributions.officerdeposit").count() == 2


def test_it_frees_the_receipts_of_a_disputed_deposit(receipts, field_officer, officer, lpa_manager):
    deposit = deposit_submit(
        actor=officer,
        officer=field_officer,
        amount=15000,
        deposited_on=TODAY,
        today=TODAY,
        payment_ids=[r.pk for r in receipts],
    )
    deposit_dispute(actor=lpa_manager, deposit=deposit, reason="Uang kurang")
    assert OfficerDeposit.objects.get(pk=deposit.pk).status == "disputed"
    again = deposit_submit(
        actor=officer,
        officer=field_officer,
        amount=15000,
        deposited_on=TODAY,
        today=TODAY,
        payment_ids=[r.pk for r in receipts],
    )
    assert again.receipts_total == 15000


def test_it_lets_the_manager_confirm_in_the_browser_but_not_another_lpa(
    client, receipts, field_officer, officer, lpa_manager, other_lpa_manager
):
    deposit = deposit_submit(
        actor=officer, officer=field_officer, amount=15000, deposited_on=TODAY, today=TODAY
    )
    client.force_login(other_lpa_manager)
    assert (
        client.post(reverse("contributions:deposit_decide", args=[deposit.pk, "confirm"])).status_code == 404
    )
    client.force_login(officer)
    assert (
        client.post(reverse("contributions:deposit_decide", args=[deposit.pk, "confirm"])).status_code == 403
    )
    client.force_login(lpa_manager)
    response = client.post(reverse("contributions:deposit_decide", args=[deposit.pk, "confirm"]))
    assert response.status_code == 302
    assert OfficerDeposit.objects.get(pk=deposit.pk).status == "confirmed"


def test_it_lets_an_officer_submit_a_deposit_in_the_browser(client, receipts, field_officer, officer):
    client.force_login(officer)
    response = client.post(
        reverse("contributions:deposit_new"),
        {"amount": 5000, "deposited_on": dt.date.today().isoformat(), "receipts": [receipts[0].pk]},
    )
    assert response.status_code == 302
    deposit = OfficerDeposit.objects.get()
    assert (deposit.officer_id, deposit.amount, deposit.receipts_total, deposit.status) == (
        field_officer.pk,
        5000,
        5000,
        "submitted",
    )
