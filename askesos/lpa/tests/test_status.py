from __future__ import annotations

import datetime as dt

import pytest

from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError, TransitionError
from askesos.lpa import services
from askesos.lpa.models import Criterion, Lpa, LpaCriterion

S = Lpa.Status
FROM = {
    "verify": {S.PROPOSED},
    "activate": {S.VERIFIED},
    "reinstate": {S.SUSPENDED},
    "suspend": {S.ACTIVE},
    "close": {S.PROPOSED, S.VERIFIED, S.ACTIVE, S.SUSPENDED},
}
TO = {
    "verify": S.VERIFIED,
    "activate": S.ACTIVE,
    "reinstate": S.ACTIVE,
    "suspend": S.SUSPENDED,
    "close": S.CLOSED,
}


def _events(lpa, action):
    return list(AuditEvent.objects.filter(object_type="lpa.lpa", object_id=str(lpa.pk), action=action))


def test_it_has_an_explicit_transition_table():
    assert {
        S.PROPOSED: {S.VERIFIED, S.CLOSED},
        S.VERIFIED: {S.ACTIVE, S.CLOSED},
        S.ACTIVE: {S.SUSPENDED, S.CLOSED},
        S.SUSPENDED: {S.ACTIVE, S.CLOSED},
        S.CLOSED: set(),
    } == services.TRANSITIONS


@pytest.mark.parametrize("action", sorted(FROM))
@pytest.mark.parametrize("start", S.values)
def test_it_allows_exactly_the_table(action, start, proposed, dinsos_jaktim, meet_all, today):
    meet_all(proposed, dinsos_jaktim)
    Lpa.objects.filter(pk=proposed.pk).update(status=start)
    lpa = Lpa.objects.get(pk=proposed.pk)
    service = services.ACTIONS[action]
    if start in FROM[action]:
        service(actor=dinsos_jaktim, lpa=lpa, today=today, reason="monitoring visit")
        assert Lpa.objects.get(pk=lpa.pk).status == TO[action]
        [event] = _events(lpa, f"lpa.{action}")
        assert (event.old, event.new) == ({"status": start}, {"status": TO[action]})
        assert (event.actor, event.reason) == (dinsos_jaktim, "monitoring visit")
        assert (event.region_id, event.lpa_id) == (3175021003, lpa.pk)
    else:
        with pytest.raises(TransitionError):
            service(actor=dinsos_jaktim, lpa=lpa, today=today, reason="monitoring visit")
        assert Lpa.objects.get(pk=lpa.pk).status == start
        assert _events(lpa, f"lpa.{action}") == []


@pytest.mark.parametrize("status", S.values)
def test_it_lists_the_actions_that_apply(status):
    lpa = Lpa(status=status)
    expected = [a for a in services.ACTION_ORDER if status in FROM[a]]
    assert services.available_actions(lpa) == expected


def test_it_refuses_a_transition_that_lost_a_race(lpa_jt01, dinsos_jaktim, today):
    stale = Lpa.objects.get(pk=lpa_jt01.pk)
    services.lpa_suspend(actor=dinsos_jaktim, lpa=lpa_jt01, today=today, reason="late reports")
    with pytest.raises(TransitionError) as info:
        services.lpa_suspend(actor=dinsos_jaktim, lpa=stale, today=today, reason="late reports")
    assert info.value.code == "stale_status"
    assert len(_events(lpa_jt01, "lpa.suspend")) == 1


def test_it_needs_a_reason_to_suspend_or_close(lpa_jt01, dinsos_jaktim, today):
    with pytest.raises(DomainError) as info:
        services.lpa_suspend(actor=dinsos_jaktim, lpa=lpa_jt01, today=today, reason="  ")
    assert info.value.code == "reason_required"
    with pytest.raises(DomainError):
        services.lpa_close(actor=dinsos_jaktim, lpa=lpa_jt01, today=today, reason="")
    assert Lpa.objects.get(pk=lpa_jt01.pk).status == S.ACTIVE


def test_it_records_the_close_reason(lpa_jt01, dinsos_jaktim, today):
    services.lpa_close(actor=dinsos_jaktim, lpa=lpa_jt01, today=today, reason="Organisation dissolved")
    lpa = Lpa.objects.get(pk=lpa_jt01.pk)
    assert (lpa.status, lpa.status_reason) == (S.CLOSED, "Organisation dissolved")
    assert _events(lpa, "lpa.close")[0].reason == "Organisation dissolved"


# --- the criteria gate on verification ------------------------------------------------------


def test_it_refuses_verification_until_every_criterion_is_met(proposed, dinsos_jaktim, meet_all, today):
    meet_all(proposed, dinsos_jaktim)
    services.criterion_assess(
        actor=dinsos_jaktim,
        lpa=proposed,
        criterion=Criterion.REPUTATION,
        met=False,
        note="complaints from members",
        today=today,
    )
    with pytest.raises(TransitionError) as info:
        services.lpa_verify(actor=dinsos_jaktim, lpa=proposed, today=today)
    assert info.value.code == "criteria_not_met"
    assert info.value.message == "Criterion not met: Good reputation"
    assert Lpa.objects.get(pk=proposed.pk).status == S.PROPOSED


def test_it_refuses_verification_of_an_lpa_with_no_checklist_rows(proposed, dinsos_jaktim, today):
    LpaCriterion.objects.filter(lpa=proposed).delete()
    with pytest.raises(TransitionError) as info:
        services.lpa_verify(actor=dinsos_jaktim, lpa=proposed, today=today)
    assert info.value.message.count("Criterion not met") == 7


def test_it_computes_the_three_year_rule_from_the_founding_date(proposed, dinsos_jaktim, meet_all, today):
    meet_all(proposed, dinsos_jaktim)
    services.lpa_update(
        actor=dinsos_jaktim, lpa=proposed, changes={"founded_on": dt.date(2023, 11, 25)}, today=today
    )
    with pytest.raises(TransitionError) as info:
        services.lpa_verify(actor=dinsos_jaktim, lpa=proposed, today=today)
    assert info.value.message == (
        "Founded on 2023-11-25: only 2 full year(s) of social-service work by 2026-11-24; "
        "at least 3 consecutive years are required."
    )
    services.lpa_verify(actor=dinsos_jaktim, lpa=proposed, today=today + dt.timedelta(days=1))
    assert Lpa.objects.get(pk=proposed.pk).status == S.VERIFIED


def test_it_refuses_verification_without_a_founding_date(proposed, dinsos_jaktim, meet_all, today):
    meet_all(proposed, dinsos_jaktim)
    services.lpa_update(actor=dinsos_jaktim, lpa=proposed, changes={"founded_on": None}, today=today)
    with pytest.raises(TransitionError) as info:
        services.lpa_verify(actor=dinsos_jaktim, lpa=proposed, today=today)
    assert "founding date is missing" in info.value.message


# --- proposal, profile, checklist, seed grant -----------------------------------------------


def test_it_proposes_with_a_seven_row_checklist_and_an_audit_event(proposed, dinsos_jaktim):
    assert (proposed.code, proposed.status, proposed.phone) == ("LPA-JT-09", S.PROPOSED, "+6281234567890")
    assert sorted(LpaCriterion.objects.filter(lpa=proposed).values_list("criterion", flat=True)) == sorted(
        Criterion.values
    )
    [event] = _events(proposed, "lpa.propose")
    assert event.new["status"] == "proposed"
    assert (event.actor, event.region_id, event.lpa_id) == (dinsos_jaktim, 3175021003, proposed.pk)


def test_it_refuses_a_proposal_outside_the_proposers_region(dinsos_jakbar, region, today):
    with pytest.raises(DomainError) as info:
        services.lpa_propose(
            actor=dinsos_jakbar,
            code="X-1",
            kelurahan=region("31.75.02.1003"),
            profile={"name": "X"},
            today=today,
        )
    assert (info.value.code, info.value.field) == ("out_of_scope", "kelurahan")


def test_it_refuses_a_kecamatan_as_kelurahan_and_duplicate_codes(kemensos_admin, region, proposed, today):
    with pytest.raises(DomainError) as info:
        services.lpa_propose(
            actor=kemensos_admin, code="X-1", kelurahan=region("31.75.02"), profile={"name": "X"}, today=today
        )
    assert info.value.code == "not_kelurahan"
    with pytest.raises(DomainError) as info:
        services.lpa_propose(
            actor=kemensos_admin,
            code="LPA-JT-09",
            kelurahan=region("31.75.02.1001"),
            profile={"name": "X"},
            today=today,
        )
    assert info.value.code == "duplicate_code"


def test_it_audits_only_changed_profile_fields(proposed, dinsos_jaktim, today):
    services.lpa_update(
        actor=dinsos_jaktim,
        lpa=proposed,
        changes={"name": "Yayasan Cipinang Peduli", "head_name": "Ibu Ani"},
        today=today,
    )
    [event] = _events(proposed, "lpa.update")
    assert (event.old, event.new) == ({"head_name": ""}, {"head_name": "Ibu Ani"})


def test_it_keeps_own_profile_editors_away_from_code_and_kelurahan(lpa_jt01, lpa_manager, region, today):
    with pytest.raises(DomainError) as info:
        services.lpa_update(
            actor=lpa_manager, lpa=lpa_jt01, changes={"code": "MINE"}, today=today, own_profile=True
        )
    assert info.value.code == "not_editable"
    services.lpa_update(
        actor=lpa_manager, lpa=lpa_jt01, changes={"email": "info@ysj.or.id"}, today=today, own_profile=True
    )
    assert Lpa.objects.get(pk=lpa_jt01.pk).email == "info@ysj.or.id"


def test_it_refuses_a_future_founding_date(proposed, dinsos_jaktim, today):
    with pytest.raises(DomainError) as info:
        services.lpa_update(
            actor=dinsos_jaktim,
            lpa=proposed,
            changes={"founded_on": today + dt.timedelta(days=1)},
            today=today,
        )
    assert info.value.field == "founded_on"


def test_it_records_a_criterion_with_who_and_when(proposed, dinsos_jaktim, today):
    row = services.criterion_assess(
        actor=dinsos_jaktim,
        lpa=proposed,
        criterion=Criterion.FACILITIES,
        met=True,
        note=" Office visited ",
        today=today,
    )
    assert (row.met, row.note, row.checked_by) == (True, "Office visited", dinsos_jaktim)
    assert row.checked_at is not None
    event = AuditEvent.objects.get(action="lpa.criterion_assess")
    assert event.old == {"criterion": "facilities", "met": False, "note": ""}
    assert event.new == {"criterion": "facilities", "met": True, "note": "Office visited"}
    assert event.lpa_id == proposed.pk


def test_it_records_the_seed_grant_once(lpa_jt01, kemensos_admin, today):
    grant = services.seed_grant_record(
        actor=kemensos_admin,
        lpa=lpa_jt01,
        received_on=dt.date(2026, 3, 2),
        reference="SP2D-0042",
        today=today,
    )
    assert (grant.amount, grant.recorded_by) == (30_000_000, kemensos_admin)
    event = AuditEvent.objects.get(action="seed_grant.record")
    assert event.new == {"amount": 30_000_000, "received_on": "2026-03-02", "reference": "SP2D-0042"}
    assert event.lpa_id == lpa_jt01.pk
    with pytest.raises(DomainError) as info:
        services.seed_grant_record(
            actor=kemensos_admin, lpa=lpa_jt01, received_on=today, reference="", today=today
        )
    assert info.value.code == "seed_grant_exists"


def test_it_refuses_a_seed_grant_before_verification_or_in_the_future(
    proposed, lpa_jt01, kemensos_admin, today
):
    with pytest.raises(DomainError) as info:
        services.seed_grant_record(
            actor=kemensos_admin, lpa=proposed, received_on=today, reference="", today=today
        )
    assert info.value.code == "lpa_not_verified"
    with pytest.raises(DomainError) as info:
        services.seed_grant_record(
            actor=kemensos_admin,
            lpa=lpa_jt01,
            received_on=today + dt.timedelta(days=1),
            reference="",
            today=today,
        )
    assert info.value.code == "received_on"
