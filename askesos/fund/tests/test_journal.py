from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Sum, When
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError
from askesos.fund import rules
from askesos.fund.models import JournalEntry, JournalLine
from askesos.fund.services import (
    JournalDraft,
    fund_post_seed_grants,
    fund_record_expense,
    fund_record_seed_grant,
    journal_reverse,
    post_journal,
    post_journal_bulk,
)

D = dt.date(2027, 1, 15)


def _premium(lpa_id: int, key: str = "pay-1", amount: int = 15_000) -> JournalEntry:
    return post_journal(
        lpa_id=lpa_id,
        on=D,
        memo="Premium",
        source_type="payment",
        source_id="1",
        lines=[("1100", amount, 0), ("4100", 0, amount)],
        idempotency_key=key,
    )


def unbalanced_entries() -> list[int]:
    """Every entry whose debits differ from its credits (must always be empty)."""
    return list(
        JournalLine.objects.values("entry_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .exclude(d=F("c"))
        .values_list("entry_id", flat=True)
    )


def test_it_posts_a_balanced_entry_with_denormalised_lines(lpa_jt01):
    entry = _premium(lpa_jt01.pk)
    assert entry.region_id == lpa_jt01.kelurahan_id
    rows = list(
        entry.lines.order_by("account_id").values_list("account_id", "debit", "credit", "lpa_id", "on")
    )
    assert rows == [("1100", 15_000, 0, lpa_jt01.pk, D), ("4100", 0, 15_000, lpa_jt01.pk, D)]
    event = AuditEvent.objects.get(object_type="fund.journalentry", object_id=str(entry.pk))
    assert (event.action, event.lpa_id, event.region_id) == (
        "journal.post",
        lpa_jt01.pk,
        lpa_jt01.kelurahan_id,
    )


def test_it_refuses_an_unbalanced_entry(lpa_jt01):
    with pytest.raises(DomainError) as err:
        post_journal(
            lpa_id=lpa_jt01.pk,
            on=D,
            memo="x",
            source_type="t",
            source_id="1",
            lines=[("1100", 15_000, 0), ("4100", 0, 14_000)],
            idempotency_key="bad",
        )
    assert err.value.code == "unbalanced"
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([("1100", 5, 0)], "too_few_lines"),
        ([("9999", 5, 0), ("4100", 0, 5)], "unknown_account"),
        ([("1100", 5, 5), ("4100", 0, 0)], "invalid_line"),
        ([("1100", -5, 0), ("4100", 0, -5)], "invalid_line"),
        ([("1100", 5.0, 0), ("4100", 0, 5)], "invalid_amount"),
    ],
)
def test_it_refuses_malformed_lines(lpa_jt01, lines, code):
    with pytest.raises(DomainError) as err:
        post_journal(
            lpa_id=lpa_jt01.pk,
            on=D,
            memo="x",
            source_type="t",
            source_id="1",
            lines=lines,
            idempotency_key="k",
        )
    assert err.value.code == code


def test_it_is_idempotent_by_key(lpa_jt01):
    first = _premium(lpa_jt01.pk)
    again = _premium(lpa_jt01.pk)
    assert again.pk == first.pk
    assert JournalEntry.objects.count() == 1
    assert JournalLine.objects.count() == 2
    assert AuditEvent.objects.filter(action="journal.post").count() == 1


def test_it_refuses_a_key_reused_for_other_lines(lpa_jt01, lpa_jt02):
    _premium(lpa_jt01.pk)
    with pytest.raises(DomainError) as err:
        _premium(lpa_jt01.pk, amount=20_000)
    assert err.value.code == "idempotency_conflict"
    with pytest.raises(DomainError):
        _premium(lpa_jt02.pk)  # same lines, another LPA's books
    assert JournalEntry.objects.count() == 1


def test_it_posts_in_bulk_idempotently(lpa_jt01, lpa_jt02, django_assert_max_num_queries):
    _premium(lpa_jt01.pk, key="pay-0")
    drafts = [
        JournalDraft(
            lpa_id=lpa.pk,
            on=D,
            memo="Premium",
            source_type="payment",
            source_id=str(i),
            lines=[("1100", 5_000, 0), ("4100", 0, 5_000)],
            idempotency_key=f"pay-{i}",
        )
        for i, lpa in enumerate([lpa_jt01, lpa_jt02, lpa_jt01])
    ]
    drafts[0] = JournalDraft(
        lpa_id=lpa_jt01.pk,
        on=D,
        memo="Premium",
        source_type="payment",
        source_id="1",
        lines=[("1100", 15_000, 0), ("4100", 0, 15_000)],
        idempotency_key="pay-0",
    )
    with django_assert_max_num_queries(10):
        entries = post_journal_bulk(drafts)
    assert [e.idempotency_key for e in entries] == ["pay-0", "pay-1", "pay-2"]
    assert JournalEntry.objects.count() == 3
    assert JournalLine.objects.count() == 6
    assert AuditEvent.objects.filter(action="journal.post").count() == 3
    assert post_journal_bulk(drafts)[1].pk == entries[1].pk
    assert JournalEntry.objects.count() == 3


def test_bulk_accepts_mappings_and_refuses_unbalanced(lpa_jt01):
    good = {
        "lpa_id": lpa_jt01.pk,
        "on": D,
        "memo": "m",
        "source_type": "t",
        "source_id": "1",
        "lines": [("1100", 1, 0), ("4100", 0, 1)],
        "idempotency_key": "a",
    }
    bad = {**good, "idempotency_key": "b", "lines": [("1100", 2, 0), ("4100", 0, 1)]}
    with pytest.raises(DomainError) as err:
        post_journal_bulk([good, bad])
    assert err.value.code == "unbalanced"
    assert JournalEntry.objects.count() == 0
    assert len(post_journal_bulk([good])) == 1


def test_it_reverses_instead_of_editing(lpa_jt01, lpa_manager):
    entry = _premium(lpa_jt01.pk)
    reversal = journal_reverse(entry=entry, reason="wrong member", actor=lpa_manager)
    assert sorted(reversal.lines.values_list("account_id", "debit", "credit")) == [
        ("1100", 0, 15_000),
        ("4100", 15_000, 0),
    ]
    assert reversal.reverses_id == entry.pk
    assert journal_reverse(entry=entry, reason="again").pk == reversal.pk
    with pytest.raises(DomainError):
        journal_reverse(entry=reversal, reason="undo")
    assert AuditEvent.objects.filter(action="journal.reverse", actor=lpa_manager).count() == 1


def test_the_database_refuses_a_second_reversal_of_one_entry(lpa_jt01):
    entry = _premium(lpa_jt01.pk)
    first = journal_reverse(entry=entry, reason="wrong member")
    other = _premium(lpa_jt01.pk, key="pay-2")
    assert first.reverses_id == entry.pk
    assert other.reverses_id is None  # postings themselves reverse nothing
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.filter(pk=other.pk).update(reverses=entry)
    assert list(entry.reversals.values_list("pk", flat=True)) == [first.pk]


def test_seed_grant_and_expenses(lpa_jt01, lpa_manager):
    grant = fund_record_seed_grant(lpa=lpa_jt01, on=dt.date(2026, 7, 1), reference="SK-1", actor=lpa_manager)
    assert sorted(grant.lines.values_list("account_id", "debit", "credit")) == [
        ("1200", 30_000_000, 0),
        ("3100", 0, 30_000_000),
    ]
    assert fund_record_seed_grant(lpa=lpa_jt01, on=dt.date(2026, 7, 1), actor=lpa_manager).pk == grant.pk
    fee = fund_record_expense(
        lpa=lpa_jt01, kind="honoraria", amount=500_000, on=D, memo="Jan", actor=lpa_manager
    )
    assert sorted(fee.lines.values_list("account_id", "debit", "credit")) == [
        ("1110", 0, 500_000),
        ("5200", 500_000, 0),
    ]
    with pytest.raises(DomainError):
        fund_record_expense(lpa=lpa_jt01, kind="party", amount=1, on=D, memo="", actor=lpa_manager)


def test_it_posts_seed_grants_of_the_lpa_app(lpa_jt01, lpa_jt02):
    from django.utils import timezone

    from askesos.lpa.models import SeedGrant

    SeedGrant.objects.create(lpa=lpa_jt01, received_on=dt.date(2026, 7, 1), recorded_at=timezone.now())
    assert fund_post_seed_grants() == 1
    SeedGrant.objects.create(
        lpa=lpa_jt02, amount=25_000_000, received_on=dt.date(2026, 8, 1), recorded_at=timezone.now()
    )
    assert fund_post_seed_grants() == 1
    assert fund_post_seed_grants() == 0
    assert (
        JournalEntry.objects.get(idempotency_key=f"seed-grant-{lpa_jt02.pk}")
        .lines.get(account_id="1200")
        .debit
        == 25_000_000
    )


def test_database_refuses_a_line_on_both_sides(lpa_jt01):
    from django.db import IntegrityError, transaction

    entry = _premium(lpa_jt01.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.create(
            entry=entry,
            account_id="1100",
            debit=5,
            credit=5,
            lpa_id=lpa_jt01.pk,
            on=D,
            region_id=entry.region_id,
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="deferred trigger is PostgreSQL only")
def test_postgres_refuses_an_unbalanced_entry_at_commit(lpa_jt01):
    from django.db import IntegrityError, InternalError, transaction

    entry = _premium(lpa_jt01.pk)
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():  # noqa: PT012
        JournalLine.objects.create(
            entry=entry, account_id="1100", debit=5, lpa_id=lpa_jt01.pk, on=D, region_id=entry.region_id
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


line = st.tuples(
    st.sampled_from(sorted(rules.CHART_CODES)),
    st.integers(min_value=1, max_value=10**12),
    st.booleans(),
).map(lambda t: (t[0], t[1], 0) if t[2] else (t[0], 0, t[1]))


@given(st.lists(line, min_size=2, max_size=8))
@settings(max_examples=200)
def test_validate_lines_accepts_exactly_the_balanced_sets(lines):
    debits = sum(d for _c, d, _k in lines)
    credits = sum(k for _c, _d, k in lines)
    if debits == credits:
        assert rules.validate_lines(lines) == lines
    else:
        with pytest.raises(DomainError) as err:
            rules.validate_lines(lines)
        assert err.value.code == "unbalanced"


@given(st.lists(line, min_size=1, max_size=6))
@settings(max_examples=200)
def test_balancing_any_line_set_makes_it_valid_and_its_reversal_too(lines):
    gap = sum(d - k for _c, d, k in lines)
    balanced = [*lines, ("1200", 0, gap) if gap > 0 else ("1200", -gap, 0)] if gap else [*lines]
    assert rules.validate_lines(balanced) == balanced
    assert rules.validate_lines(rules.reversed_lines(balanced)) == rules.reversed_lines(balanced)


@given(st.lists(st.lists(line, min_size=2, max_size=5), min_size=1, max_size=5))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_entry_in_the_database_is_ever_unbalanced(lpa_jt01_id, line_sets):
    refused = []
    for i, lines in enumerate(line_sets):
        try:
            post_journal(
                lpa_id=lpa_jt01_id,
                on=D,
                memo="p",
                source_type="prop",
                source_id=str(i),
                lines=lines,
                idempotency_key=f"prop-{i}-{hash(tuple(lines))}",
            )
        except DomainError as err:
            refused.append(err.code)
    assert set(refused) <= {"unbalanced"}
    assert unbalanced_entries() == []
    totals = JournalLine.objects.aggregate(
        d=Sum("debit"),
        c=Sum("credit"),
        n=Sum(Case(When(debit__gt=0, credit__gt=0, then=1), default=0, output_field=IntegerField())),
    )
    assert totals["d"] == totals["c"] or totals["d"] is None
    assert totals["n"] in (0, None)


@pytest.fixture
def lpa_jt01_id(lpa_jt01):
    return lpa_jt01.pk


def test_journal_rows_are_the_rows_post_journal_writes(lpa_jt01, lpa_manager):
    from django.db import transaction

    from askesos.fund.services import journal_rows, with_entry_id

    with transaction.atomic():
        entry = post_journal(
            lpa_id=lpa_jt01.pk,
            on=D,
            memo="Premium",
            source_type="payment",
            source_id="9",
            lines=[("1100", 15_000, 0), ("4100", 0, 15_000)],
            idempotency_key="pay-9",
            actor=lpa_manager,
        )
        rows = journal_rows(
            entry_id=None,
            lpa_id=lpa_jt01.pk,
            region_id=lpa_jt01.kelurahan_id,
            on=D,
            memo="Premium",
            source_type="payment",
            source_id="9",
            lines=[("1100", 15_000, 0), ("4100", 0, 15_000)],
            idempotency_key="pay-9",
            actor=lpa_manager,
            at=entry.created_at,
        )
    rows = with_entry_id(rows, entry.pk)
    assert {k: getattr(entry, k) for k in rows.entry} == rows.entry
    stored = list(entry.lines.order_by("id").values(*rows.lines[0]))
    assert stored == rows.lines
    event = AuditEvent.objects.get(object_type="fund.journalentry", object_id=str(entry.pk))
    assert {k: getattr(event, k) for k in rows.audit if k != "at"} == {
        k: v for k, v in rows.audit.items() if k != "at"
    }


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([("1100", 15_000, 0), ("4100", 0, 14_000)], "unbalanced"),
        ([("1100", 15_000, 0)], "too_few_lines"),
        ([("9999", 15_000, 0), ("4100", 0, 15_000)], "unknown_account"),
    ],
)
def test_journal_rows_refuse_what_post_journal_refuses(lpa_jt01, lines, code):
    from askesos.fund.services import journal_rows

    with pytest.raises(DomainError) as err:
        journal_rows(
            entry_id=1,
            lpa_id=lpa_jt01.pk,
            region_id=lpa_jt01.kelurahan_id,
            on=D,
            memo="x",
            source_type="payment",
            source_id="1",
            lines=lines,
            idempotency_key="k",
        )
    assert err.value.code == code
