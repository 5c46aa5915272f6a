from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from askesos.contributions import cycle as cycle_module
from askesos.contributions.cycle import CycleInterrupted, cycle_run
from askesos.contributions.models import CycleReminder, CycleRun, FollowUpItem, MembershipStatusChange
from askesos.membership.models import Membership
from askesos.notifications.models import Message

D = dt.date
MONTH, TODAY = D(2027, 1, 1), D(2027, 1, 1)


@pytest.fixture
def population(make_membership, scheme, pay):
    scheme.versions.update(exit_age=65)
    # Payments so the follow-up list has an officer and a regularity figure.
    b = make_membership(paid_through=D(2026, 11, 1), status="active")
    pay(b, 5000, receipt="B1", today=D(2026, 12, 5))  # → paid through Dec 2026
    return {
        "a": make_membership(paid_through=D(2027, 1, 1), status="active"),
        "b": b,
        "c": make_membership(paid_through=D(2026, 10, 1), status="arrears"),
        "d": make_membership(paid_through=D(2026, 9, 1), status="arrears"),
        "e": make_membership(paid_through=None, status="pending"),
        "f": make_membership(paid_through=D(2026, 5, 1), status="terminated"),
        "g": make_membership(paid_through=D(2026, 6, 1), status="active"),
        "h": make_membership(paid_through=D(2027, 3, 1), status="active", birth_date=D(1961, 12, 1)),
    }


def snapshot():
    return {
        "members": sorted(
            Membership.objects.values_list(
                "member_number", "status", "status_since", "terminated_on", "termination_reason"
            )
        ),
        "changes": sorted(
            MembershipStatusChange.objects.values_list(
                "membership_id", "from_status", "to_status", "on", "reason", "cycle_month"
            )
        ),
        "reminders": sorted(
            CycleReminder.objects.values_list("cycle_month", "membership_id", "kind", "paid_through")
        ),
        "followups": sorted(
            FollowUpItem.objects.values_list(
                "cycle_month",
                "membership_id",
                "officer_id",
                "risk_score",
                "months_in_arrears",
                "months_paid_last_12",
                "reason",
            )
        ),
        "messages": sorted(
            Message.objects.filter(related_type="contributions.cyclereminder").values_list("to", "body")
        ),
    }


def test_it_sets_statuses_events_reminders_and_followups(population, field_officer):
    MembershipStatusChange.objects.all().delete()
    run = cycle_run(month=MONTH, today=TODAY, chunk_size=3)
    p = population
    status = dict(Membership.objects.values_list("id", "status"))
    assert [status[p[k].pk] for k in "abcdefgh"] == [
        "active",
        "arrears",
        "arrears",
        "lapsed",
        "pending",
        "terminated",
        "lapsed",
        "terminated",
    ]
    assert run.status == "done"
    assert {k: v for k, v in run.counts.items() if k != "chunks"} == {
        "terminated_age": 1,
        "status_changes": 3,
        "reminders": 2,
        "followups": 3,
    }
    changes = sorted(
        MembershipStatusChange.objects.values_list("membership_id", "from_status", "to_status", "reason")
    )
    assert changes == sorted(
        [
            (p["b"].pk, "active", "arrears", "cycle"),
            (p["d"].pk, "arrears", "lapsed", "cycle"),
            (p["g"].pk, "active", "lapsed", "cycle"),
            (p["h"].pk, "active", "terminated", "age_limit"),
        ]
    )
    assert Membership.objects.get(pk=p["h"].pk).termination_reason == "age_limit"
    assert sorted(CycleReminder.objects.values_list("membership_id", "kind")) == sorted(
        [(p["b"].pk, "due"), (p["c"].pk, "lapse_warning")]
    )
    bodies = sorted(
        Message.objects.filter(related_type="contributions.cyclereminder").values_list("body", flat=True)
    )
    assert bodies == sorted(
        [
            f"Iuran ASKESOS Jan 2027 sebesar Rp 5.000 belum dibayar. Nomor peserta {p['b'].member_number}.",
            f"Kepesertaan ASKESOS {p['c'].member_number} menunggak 3 bulan dan berakhir pada 1 Feb 2027 "
            "jika iuran "
            "belum dibayar.",
        ]
    )
    items = {i.membership_id: i for i in FollowUpItem.objects.all()}
    assert set(items) == {p["b"].pk, p["c"].pk, p["d"].pk}
    b = items[p["b"].pk]
    # one month in arrears of grace+1=4 → 70*1//4 = 17; one month paid in 12 → (12-1)*2 = 22
    assert (b.officer_id, b.months_in_arrears, b.months_paid_last_12, b.risk_score, b.reason) == (
        field_officer.pk,
        1,
        1,
        39,
        "due",
    )
    c, d = items[p["c"].pk], items[p["d"].pk]
    assert (c.officer_id, c.months_in_arrears, c.risk_score, c.reason) == (None, 3, 52 + 24, "lapse_warning")
    assert (d.months_in_arrears, d.risk_score, d.reason) == (4, 70 + 24, "lapsed")


def test_it_changes_nothing_when_run_twice(population):
    cycle_run(month=MONTH, today=TODAY, chunk_size=3)
    before = snapshot()
    second = cycle_run(month=MONTH, today=TODAY, chunk_size=3)
    assert snapshot() == before
    assert {k: v for k, v in second.counts.items() if k != "chunks"} == {
        "terminated_age": 0,
        "status_changes": 0,
        "reminders": 0,
        "followups": 3,
    }
    assert CycleRun.objects.filter(month=MONTH, status="done").count() == 2


class _Rollback(Exception):
    pass


def _run_and_snapshot() -> dict:
    with transaction.atomic():
        cycle_run(month=MONTH, today=TODAY, chunk_size=2)
        clean = snapshot()
        raise _Rollback(clean)


def _clean_run_snapshot():
    with pytest.raises(_Rollback) as caught:
        _run_and_snapshot()
    return caught.value.args[0]


@pytest.mark.parametrize("crash_after", [0, 1, 3])
def test_it_resumes_a_run_killed_between_chunks_to_the_same_state(population, crash_after):
    clean = _clean_run_snapshot()
    with pytest.raises(CycleInterrupted):
        cycle_run(month=MONTH, today=TODAY, chunk_size=2, stop_after_chunks=crash_after)
    assert CycleRun.objects.get(month=MONTH).status == "running"
    run = cycle_run(month=MONTH, today=TODAY, chunk_size=2)
    assert run.status == "done"
    assert snapshot() == clean


def test_it_rolls_back_a_chunk_killed_half_way_and_redoes_it(population, monkeypatch):
    clean = _clean_run_snapshot()
    real = cycle_module._insert_followups
    calls = {"n": 0}

    def dies_on_third_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(cycle_module, "_insert_followups", dies_on_third_chunk)
    with pytest.raises(RuntimeError):
        cycle_run(month=MONTH, today=TODAY, chunk_size=2)
    monkeypatch.setattr(cycle_module, "_insert_followups", real)
    cycle_run(month=MONTH, today=TODAY, chunk_size=2)
    assert snapshot() == clean


def test_it_runs_from_the_command_line(population):
    out = StringIO()
    call_command("run-cycle", "--month", "2027-01", "--today", "2027-01-01", stdout=out)
    assert out.getvalue().startswith(
        "Cycle 2027-01 done: chunks 1, followups 3, reminders 2, status_changes 3"
    )


def test_the_command_refreshes_the_months_coverage_rollup(population):
    from askesos.analytics.models import CoverageRollup
    from askesos.membership.models import Membership

    cells = set(Membership.objects.values_list("region_id", "lpa_id"))
    out = StringIO()
    call_command("run-cycle", "--month", "2027-01", "--today", "2027-01-01", stdout=out)
    rollup = CoverageRollup.objects.filter(month=D(2027, 1, 1))
    assert set(rollup.values_list("region_id", "lpa_id")) == cells
    assert out.getvalue().splitlines()[-1] == f"Coverage rollup 2027-01: {len(cells)} rows"


def test_it_runs_the_cycle_in_a_flat_number_of_queries_per_chunk(make_membership, django_assert_num_queries):
    for _ in range(6):
        make_membership(paid_through=D(2026, 12, 1), status="active", phone="")
    # run row lookup, id bounds, creation with its savepoint (4)
    # + per chunk: follow-up delete, status insert+update, reminders (INSERT … RETURNING), follow-ups,
    # reminder messages (INSERT … SELECT + the pass for odd numbers), run update, savepoint pair (10)
    # + finish (update, audit, savepoints: 4)
    with django_assert_num_queries(4 + 2 * 10 + 4):
        cycle_run(month=MONTH, today=TODAY, chunk_size=4)
