"""The cycle writes reminder SMS with one INSERT … SELECT; these tests hold it to the Python rules
(``notifications.rules.normalize_phone`` and ``render``) row by row, on whichever database runs them."""

from __future__ import annotations

import datetime as dt

import pytest

from askesos.contributions.cycle import cycle_run
from askesos.contributions.models import CycleReminder, FollowUpItem
from askesos.contributions.rules import risk_score
from askesos.core.errors import DomainError
from askesos.core.months import add_months, months_between
from askesos.membership.models import Membership
from askesos.notifications import rules as notification_rules
from askesos.notifications.models import Message

D = dt.date
MONTH, TODAY = D(2027, 1, 1), D(2027, 1, 1)

PHONES = [
    "081234567890",
    "+6281234567890",
    "6281234567890",
    "81234567890",
    "0812-3456-7890",
    " 0812 3456 789",
    "(021) 555 1234",
    "+6581234567",
    "+62",
    "+",
    "62",
    "0",
    "0812345",
    "08123456",
    "081234567",
    "0812345678901",
    "08123456789012",
    "620812345678",
    "+620812345678",
    "00812345678",
    "1234567890123",
    "12345678",
    "0812+3456789",
    "+62+81234567",
    "0812\t3456789",
    "\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",  # full-width digits
    "0812abc45678",
    "",
]


def _expected(reminder: CycleReminder, grace: int, premium: int) -> tuple | None:
    m = reminder.membership
    try:
        to = notification_rules.normalize_phone(m.person.phone) if m.person.phone else None
    except DomainError:
        to = None
    if to is None:
        return None
    if reminder.kind == "due":
        template = "due_reminder"
        context = {"month": MONTH.isoformat(), "amount": premium, "member_number": m.member_number}
    else:
        template = "lapse_warning"
        lapse_on = add_months(reminder.paid_through, grace + 1)
        context = {"member_number": m.member_number, "months_unpaid": grace, "lapse_on": lapse_on.isoformat()}
    body = notification_rules.render(template, context)
    return (str(reminder.pk), to, body, template, context, m.lpa_id, m.region_id)


@pytest.fixture
def phone_population(make_membership, pay):
    made = []
    for i, phone in enumerate(PHONES):
        due = i % 2 == 0
        m = make_membership(
            paid_through=D(2026, 12, 1) if due else D(2026, 10, 1), status="active", phone=phone
        )
        made.append(m)
    pay(make_membership(paid_through=D(2026, 11, 1)), 5000, receipt="P1", today=D(2026, 12, 5))
    return made


def test_it_writes_the_same_messages_as_the_python_rules(phone_population, scheme):
    cycle_run(month=MONTH, today=TODAY, chunk_size=7)
    version = scheme.versions.get()
    expected = sorted(
        e
        for r in CycleReminder.objects.select_related("membership__person")
        if (e := _expected(r, version.grace_months, version.premium_monthly)) is not None
    )
    got = sorted(
        Message.objects.filter(related_type="contributions.cyclereminder").values_list(
            "related_id", "to", "body", "template", "context", "lpa_id", "region_id"
        )
    )
    assert got == expected
    assert len(got) >= 10
    assert {m.channel for m in Message.objects.all()} == {"sms"}
    assert set(Message.objects.values_list("status", "attempts", "last_error")) == {("queued", 0, "")}


def test_it_ranks_followups_as_the_python_rules(phone_population, scheme, field_officer):
    cycle_run(month=MONTH, today=TODAY, chunk_size=5)
    version = scheme.versions.get()
    month_index = {}
    for m in Membership.objects.filter(status__in=["arrears", "lapsed"]):
        assert m.paid_through is not None
        unpaid = months_between(m.paid_through, MONTH)
        paid12 = sum(p.months_covered for p in m.payments.filter(paid_on__gte=add_months(MONTH, -12)))
        latest = m.payments.filter(collector__isnull=False).order_by("-paid_on", "-id").first()
        month_index[m.pk] = (
            latest.collector_id if latest else None,
            unpaid,
            paid12,
            risk_score(
                months_in_arrears=unpaid, months_paid_last_12=paid12, grace_months=version.grace_months
            ),
        )
    got = {
        i.membership_id: (i.officer_id, i.months_in_arrears, i.months_paid_last_12, i.risk_score)
        for i in FollowUpItem.objects.all()
    }
    assert got == month_index
    assert any(v[0] == field_officer.pk for v in got.values())
