from __future__ import annotations

import datetime as dt

import pytest

from askesos.accounts.models import User
from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError, TransitionError
from askesos.lpa import services
from askesos.lpa.models import FieldOfficer

NIK = "3175064101900001"


@pytest.fixture
def create(lpa_jt01, lpa_manager, region, today):
    def make(**data):
        values = {"full_name": "Siti  Aminah", "nik": "3175.0641-01900001", "phone": "0812-3456-7890"}
        values.update(data)
        kelurahan = [region("31.75.03.1001"), region("31.75.03.1002")]
        return services.officer_create(
            actor=lpa_manager, lpa=lpa_jt01, kelurahan=kelurahan, data=values, today=today
        )

    return make


def test_it_creates_an_officer_normalised_and_audited(create, lpa_jt01, lpa_manager, today):
    officer = create()
    assert (officer.full_name, officer.nik, officer.phone) == ("Siti Aminah", NIK, "+6281234567890")
    assert (officer.active_from, officer.active_to) == (today, None)
    assert sorted(officer.kelurahan.values_list("code", flat=True)) == ["31.75.03.1001", "31.75.03.1002"]
    event = AuditEvent.objects.get(action="officer.create")
    assert event.new is not None
    assert event.new["nik"] == "3175••••••••0001"
    assert event.new["kelurahan"] == [3175031001, 3175031002]
    assert (event.actor, event.region_id, event.lpa_id) == (lpa_manager, lpa_jt01.kelurahan_id, lpa_jt01.pk)


@pytest.mark.parametrize(
    ("data", "field"),
    [({"nik": "3175060000000000"}, "nik"), ({"nik": "12345"}, "nik"), ({"phone": "12-34"}, "phone")],
)
def test_it_refuses_bad_identity_data(create, data, field):
    with pytest.raises(DomainError) as info:
        create(**data)
    assert info.value.field == field


def test_it_refuses_a_duplicate_nik_in_the_same_lpa(create):
    create()
    with pytest.raises(DomainError) as info:
        create(full_name="Someone Else")
    assert info.value.code == "duplicate_nik"


def test_it_assigns_only_kelurahan(lpa_jt01, lpa_manager, region, today):
    with pytest.raises(DomainError) as info:
        services.officer_create(
            actor=lpa_manager,
            lpa=lpa_jt01,
            kelurahan=[region("31.75.03")],
            data={"full_name": "A", "nik": NIK},
            today=today,
        )
    assert info.value.code == "not_kelurahan"


def test_it_gives_a_linked_user_the_lpa_scope(create, officer, lpa_jt01):
    account = User.objects.create_user(username="petugas1", password="x" * 12, role="field_officer")
    linked = create(user=account)
    assert linked.user == account
    assert list(account.scope_lpas.values_list("pk", flat=True)) == [lpa_jt01.pk]


def test_it_refuses_to_link_a_user_without_the_officer_role(create, lpa_manager):
    with pytest.raises(DomainError) as info:
        create(user=lpa_manager)
    assert (info.value.code, info.value.field) == ("user_role", "user")


def test_it_refuses_to_link_one_user_to_two_officers(create, officer):
    create(user=officer)
    with pytest.raises(DomainError) as info:
        create(user=officer, nik="3175064101900002")
    assert info.value.code == "user_taken"


def test_it_moves_the_scope_when_the_user_is_relinked(create, lpa_jt01, lpa_manager, today):
    first = User.objects.create_user(username="p1", password="x" * 12, role="field_officer")
    second = User.objects.create_user(username="p2", password="x" * 12, role="field_officer")
    officer = create(user=first)
    services.officer_update(actor=lpa_manager, officer=officer, changes={"user": second}, today=today)
    assert list(first.scope_lpas.all()) == []
    assert list(second.scope_lpas.all()) == [lpa_jt01]
    event = AuditEvent.objects.get(action="officer.update")
    assert (event.old, event.new) == ({"user": first.pk}, {"user": second.pk})


def test_it_updates_kelurahan_and_audits_the_difference(create, lpa_manager, region, today):
    officer = create()
    services.officer_update(
        actor=lpa_manager,
        officer=officer,
        changes={"phone": "0812-3456-7890"},
        kelurahan=[region("31.75.03.1003")],
        today=today,
    )
    assert list(officer.kelurahan.values_list("code", flat=True)) == ["31.75.03.1003"]
    event = AuditEvent.objects.get(action="officer.update")
    assert (event.old, event.new) == ({"kelurahan": [3175031001, 3175031002]}, {"kelurahan": [3175031003]})


def test_it_refuses_an_end_before_the_start(create, lpa_manager, today):
    officer = create()
    with pytest.raises(DomainError) as info:
        services.officer_update(
            actor=lpa_manager,
            officer=officer,
            changes={"active_to": today - dt.timedelta(days=1)},
            today=today,
        )
    assert info.value.field == "active_to"


def test_it_deactivates_once_and_removes_the_scope(create, officer, lpa_manager, today):
    record = create(user=officer)
    services.officer_deactivate(actor=lpa_manager, officer=record, today=today, reason="moved away")
    assert FieldOfficer.objects.get(pk=record.pk).active_to == today
    assert list(officer.scope_lpas.all()) == []
    event = AuditEvent.objects.get(action="officer.deactivate")
    assert (event.old, event.new, event.reason) == (
        {"active_to": None},
        {"active_to": "2026-11-24"},
        "moved away",
    )
    with pytest.raises(TransitionError):
        services.officer_deactivate(actor=lpa_manager, officer=record, today=today)


def test_it_refuses_new_officers_for_a_closed_lpa(lpa_jt01, dinsos_jaktim, create, today):
    services.lpa_close(actor=dinsos_jaktim, lpa=lpa_jt01, today=today, reason="dissolved")
    with pytest.raises(DomainError) as info:
        create()
    assert info.value.code == "lpa_closed"
