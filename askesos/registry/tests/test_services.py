# ruff: noqa: PT018
from __future__ import annotations

import datetime as dt

import pytest

from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError
from askesos.registry.models import Heir, KkMembership, Person
from askesos.registry.selectors import heirs_status, heirs_valid
from askesos.registry.services import (
    HeirInput,
    heir_add,
    heir_remove,
    heir_update,
    heirs_share_total,
    person_update,
)

from .conftest import CAKUNG_KEY, TODAY, person_input


def test_it_registers_a_person_with_household_and_audit(register, lpa_manager):
    person = register(actor=lpa_manager)
    assert (person.nik, person.phone, person.nik_warnings) == ("3175031708850001", "+6281234567890", [])
    row = KkMembership.objects.get(person=person)
    assert (row.household.kk_number, row.since, row.until) == ("3175031203150007", TODAY, None)
    event = AuditEvent.objects.get(action="person.register")
    assert (event.object_id, event.region_id, event.lpa_id, event.actor) == (
        str(person.pk),
        3175031001,
        person.lpa_id,
        lpa_manager,
    )
    assert (event.new or {}).get("nik") == "3175••••••••0001"


def test_it_blocks_nik_errors_with_code_and_field(register):
    with pytest.raises(DomainError) as info:
        register(nik="3175033208850001")
    assert (info.value.code, info.value.field) == ("nik_day", "nik")
    assert not Person.objects.exists()


def test_it_stores_nik_warnings(register):
    person = register(birth_date=dt.date(1985, 8, 18))
    assert [w["code"] for w in person.nik_warnings] == ["nik_birth_date_mismatch"]


def test_it_names_only_the_masked_nik_and_lpa_when_the_nik_exists(register, lpa_jt02):
    register(lpa=lpa_jt02)
    with pytest.raises(DomainError) as info:
        register(full_name="Someone Else")
    assert info.value.code == "nik_taken"
    assert info.value.message == "NIK 3175••••••••0001 is already registered (LPA LPA-JT-02)."


def test_it_refuses_an_inactive_lpa(register, lpa_jt01):
    lpa_jt01.status = "suspended"
    with pytest.raises(DomainError) as info:
        register(lpa=lpa_jt01)
    assert info.value.code == "lpa_inactive"


def test_it_refuses_a_kelurahan_that_is_not_a_village(register):
    with pytest.raises(DomainError) as info:
        register(kelurahan_id=3175030000)
    assert info.value.field == "kelurahan"


def test_register_queries_stay_flat(register, django_assert_max_num_queries):
    register()
    with django_assert_max_num_queries(12):
        register(nik="3175031708850002", full_name="Siti Aminah", sex="P", kk_number="3175031203150008")


def test_it_keeps_kk_history_when_the_kk_changes(register, lpa_manager):
    person = register()
    later = TODAY + dt.timedelta(days=30)
    person_update(
        actor=lpa_manager,
        person=person,
        data=person_input(kk_number="3175032001260003"),
        today=later,
        reason="split",
    )
    rows = list(KkMembership.objects.filter(person=person).order_by("since").values_list(
        "household__kk_number", "since", "until"))  # fmt: skip
    assert rows == [("3175031203150007", TODAY, later), ("3175032001260003", later, None)]
    event = AuditEvent.objects.get(action="person.update")
    assert (event.old, event.new, event.reason) == (
        {"kk_number": "3175031203150007"},
        {"kk_number": "3175032001260003"},
        "split",
    )


def test_update_records_only_changed_fields(register, lpa_manager):
    person = register()
    person_update(actor=lpa_manager, person=person, data=person_input(monthly_income=2_000_000), today=TODAY)
    event = AuditEvent.objects.get(action="person.update")
    assert (event.old, event.new) == ({"monthly_income": 1_500_000}, {"monthly_income": 2_000_000})


def test_update_refuses_a_nik_of_another_person(register, lpa_manager):
    register()
    other = register(nik="3175031708850002", kk_number="")
    with pytest.raises(DomainError) as info:
        person_update(actor=lpa_manager, person=other, data=person_input(), today=TODAY)
    assert info.value.code == "nik_taken"


def heir(**overrides):
    values = {"full_name": "Siti Aminah", "nik": "3175035708870002", "relation": "pasangan", "share_bp": 5000,
              "payout_channel": "bank", "provider": "BRI", "account_number": "0123 4567 89"}  # fmt: skip
    values.update(overrides)
    return HeirInput(**values)  # type: ignore[arg-type]


def test_heirs_share_total_and_validity(register, lpa_manager):
    person = register()
    first = heir_add(actor=lpa_manager, person=person, data=heir(), today=TODAY)
    assert first.account_number == "0123456789" and first.account_holder == "Siti Aminah"
    assert heirs_share_total(person) == 5000 and not heirs_valid(person)
    assert heirs_status(list(person.heirs.all())).problems == ["The shares add up to 50.0 %, not 100 %."]
    heir_add(actor=lpa_manager, person=person,
             data=heir(full_name="Andi", nik="3175031505100003", relation="anak", payout_channel="tunai",
                       provider="", account_number=""), today=TODAY)  # fmt: skip
    assert heirs_share_total(person) == 10000 and heirs_valid(person)
    assert AuditEvent.objects.filter(action="heir.add").count() == 2


@pytest.mark.parametrize(
    ("overrides", "code"),
    [({"nik": "3175031708850001"}, "heir_is_member"), ({"nik": "123"}, "nik_format"),
     ({"share_bp": 0}, "heir_share_range"), ({"share_bp": 12000}, "heir_share_range"),
     ({"payout_channel": "ewallet", "account_number": ""}, "heir_account_missing"),
     ({"relation": "tetangga"}, "heir_relation")],
)  # fmt: skip
def test_heir_validation(register, overrides, code):
    person = register()
    with pytest.raises(DomainError) as info:
        heir_add(actor=None, person=person, data=heir(**overrides), today=TODAY)
    assert info.value.code == code


def test_heir_shares_cannot_pass_100_percent(register):
    person = register()
    heir_add(actor=None, person=person, data=heir(share_bp=7000), today=TODAY)
    with pytest.raises(DomainError) as info:
        heir_add(actor=None, person=person, data=heir(nik="3175031505100003", share_bp=4000), today=TODAY)
    assert (info.value.code, info.value.message) == (
        "heir_share_total",
        "The shares would add up to 110.0 %; at most 30.0 % is left for this heir.",
    )
    with pytest.raises(DomainError) as dup:
        heir_add(actor=None, person=person, data=heir(share_bp=1000), today=TODAY)
    assert dup.value.code == "heir_duplicate"


def test_heir_update_and_remove_are_audited(register, lpa_manager):
    person = register()
    added = heir_add(actor=lpa_manager, person=person, data=heir(), today=TODAY)
    heir_update(actor=lpa_manager, heir=added, data=heir(share_bp=10000), today=TODAY)
    assert Heir.objects.get().share_bp == 10000
    heir_remove(actor=lpa_manager, heir=added, reason="died", today=TODAY)
    assert not Heir.objects.exists()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["heir.add", "heir.update", "heir.remove"]
    assert AuditEvent.objects.get(action="heir.update").new == {"share_bp": 10000}


def test_other_kecamatan_is_fine_for_domicile(register):
    assert register(kelurahan_id=CAKUNG_KEY).kelurahan_id == CAKUNG_KEY


# REFERENCE_KEYS_CHECKED_BY_THE_APPLICATION: the database does not check Person.kelurahan, Person.lpa
# and Household.kelurahan; the service refuses a key that is not a kelurahan, the ORM refuses to
# delete what a person points at.


@pytest.mark.parametrize("kelurahan_id", [9_999_999_999, 3175030000])  # unknown; a kecamatan, not a kelurahan
def test_the_service_refuses_a_kelurahan_key_that_is_not_a_kelurahan(register, kelurahan_id):
    with pytest.raises(DomainError) as caught:
        register(kelurahan_id=kelurahan_id)
    assert (caught.value.code, caught.value.field) == ("kelurahan_invalid", "kelurahan")
    assert Person.objects.count() == 0


def test_the_orm_refuses_to_delete_the_lpa_or_kelurahan_of_a_person(register, lpa_jt02):
    from django.db.models import ProtectedError

    from askesos.regions.models import Region

    person = register(lpa=lpa_jt02, kelurahan_id=CAKUNG_KEY)
    with pytest.raises(ProtectedError) as caught:
        lpa_jt02.delete()
    assert person in caught.value.protected_objects
    with pytest.raises(ProtectedError) as caught:
        Region.objects.get(pk=CAKUNG_KEY).delete()
    assert person in caught.value.protected_objects
