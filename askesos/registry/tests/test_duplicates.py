# ruff: noqa: E501, PT018
from __future__ import annotations

import datetime as dt

import pytest

from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError, TransitionError
from askesos.registry.duplicates import duplicate_dismiss, duplicate_merge, duplicates_scan
from askesos.registry.models import DuplicateCandidate, Heir, KkMembership, Person
from askesos.registry.services import HeirInput, heir_add

from .conftest import CAKUNG_KEY, TODAY


@pytest.fixture
def planted(register):
    budi = register()
    # Same human, NIK serial typed differently, name order swapped, neighbouring kelurahan (same kecamatan).
    twin = register(nik="3175031708850002", full_name="Santoso Budi", kelurahan_id=3175031002,
                    kk_number="3175031203150008", phone="")  # fmt: skip
    return budi, twin


def test_it_flags_a_planted_pair_on_registration(planted):
    budi, twin = planted
    pair = DuplicateCandidate.objects.get()
    assert (pair.person_a_id, pair.person_b_id, pair.score) == (budi.pk, twin.pk, 100)
    assert pair.reasons == ["same_birth_date", "name_similarity:100", "same_kecamatan"]


def test_it_does_not_flag_unrelated_people(register):
    register()
    register(nik="3175031708850002", full_name="Siti Aminah", kk_number="")  # same block, other name
    register(
        nik="3175031708850003", full_name="Budi Santoso", kelurahan_id=CAKUNG_KEY, kk_number=""
    )  # other kecamatan
    register(nik="3175031808850001", full_name="Budi Santoso", birth_date=dt.date(1985, 8, 18), kk_number="")
    assert not DuplicateCandidate.objects.exists()


def test_a_rescan_adds_nothing_and_finds_pairs_in_bulk(planted, django_assert_max_num_queries):
    DuplicateCandidate.objects.all().delete()
    with django_assert_max_num_queries(3):
        assert duplicates_scan() == 1
    with django_assert_max_num_queries(4):
        duplicates_scan(person_ids=[p.pk for p in planted])
    assert DuplicateCandidate.objects.count() == 1


def test_scan_query_count_does_not_grow_with_persons(register, django_assert_max_num_queries):
    for i in range(30):
        register(nik=f"31750317088500{i + 10:02d}", full_name=f"Orang {i} Berbeda{'x' * i}", kk_number="")
    DuplicateCandidate.objects.all().delete()
    ids = list(Person.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(5):  # dates, one block read, one insert (+ savepoints)
        duplicates_scan(person_ids=ids)


def test_dismiss_is_audited_and_needs_a_note(planted, dinsos_jaktim):
    pair = DuplicateCandidate.objects.get()
    with pytest.raises(DomainError):
        duplicate_dismiss(actor=dinsos_jaktim, candidate=pair, note=" ", today=TODAY)
    duplicate_dismiss(actor=dinsos_jaktim, candidate=pair, note="twins", today=TODAY)
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by, pair.note) == ("dismissed", dinsos_jaktim, "twins")
    event = AuditEvent.objects.get(action="duplicate.dismiss")
    assert (event.reason, event.object_id) == ("twins", str(pair.pk))
    with pytest.raises(TransitionError):
        duplicate_dismiss(actor=dinsos_jaktim, candidate=pair, note="again", today=TODAY)
    assert duplicates_scan() == 1 and DuplicateCandidate.objects.get().status == "dismissed"


def test_merge_moves_kk_history_and_heirs_and_is_audited(planted, lpa_manager):
    budi, twin = planted
    heir_add(actor=None, person=twin, today=TODAY, data=HeirInput(
        full_name="Siti", nik="3175035708870002", relation="pasangan", share_bp=10000, payout_channel="tunai"))  # fmt: skip
    pair = DuplicateCandidate.objects.get()
    later = TODAY + dt.timedelta(days=1)
    duplicate_merge(actor=lpa_manager, candidate=pair, keep=budi, note="same KTP photo", today=later)
    twin.refresh_from_db()
    assert twin.merged_into_id == budi.pk
    assert Heir.objects.get().person_id == budi.pk
    rows = list(KkMembership.objects.filter(person=budi).order_by("household__kk_number").values_list(
        "household__kk_number", "until"))  # fmt: skip
    assert rows == [("3175031203150007", None), ("3175031203150008", later)]
    event = AuditEvent.objects.get(action="person.merge")
    assert (event.object_id, event.reason) == (str(twin.pk), "same KTP photo")
    assert event.new == {"merged_into": budi.pk, "kk_rows_moved": 1, "heirs_moved": 1, "memberships_moved": 0,
                         "candidate": pair.pk}  # fmt: skip
    pair.refresh_from_db()
    assert pair.status == "merged"


def test_merge_refuses_when_the_other_has_an_open_membership(planted, monkeypatch):
    budi, twin = planted
    from askesos.membership import models as membership_models

    class OpenOnly:
        @staticmethod
        def exists() -> bool:
            return True

    real = membership_models.Membership.objects.filter

    def fake_filter(*args, **kwargs):
        qs = real(*args, **kwargs)
        if kwargs.get("person") == twin:
            return type("Q", (), {"exclude": staticmethod(lambda **kw: OpenOnly())})()
        return qs

    monkeypatch.setattr(membership_models.Membership.objects, "filter", fake_filter)
    with pytest.raises(DomainError) as info:
        duplicate_merge(
            actor=None, candidate=DuplicateCandidate.objects.get(), keep=budi, note="", today=TODAY
        )
    assert info.value.code == "merge_open_membership"
    assert info.value.message == (
        "Santoso Budi has an open membership; terminate it or keep that person instead, then merge."
    )
