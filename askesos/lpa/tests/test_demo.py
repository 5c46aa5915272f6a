from __future__ import annotations

import pytest

from askesos.lpa.demo import demo_lpas
from askesos.lpa.models import FieldOfficer, Lpa, LpaCriterion, SeedGrant
from askesos.lpa.rules import nik_is_valid

pytestmark = pytest.mark.django_db


def test_it_creates_four_active_east_jakarta_lpas_once(today):
    lpas = demo_lpas(today=today)
    again = demo_lpas(today=today)
    assert [lpa.pk for lpa in again] == [lpa.pk for lpa in lpas]
    assert Lpa.objects.count() == 4
    assert {lpa.status for lpa in Lpa.objects.all()} == {Lpa.Status.ACTIVE}
    assert len({lpa.kelurahan.parent_id for lpa in lpas}) == 4
    assert len({lpa.legal_form for lpa in lpas}) == 4
    assert all(str(lpa.kelurahan_id).startswith("3175") for lpa in lpas)
    assert LpaCriterion.objects.filter(met=True).exclude(note="").count() == 28
    assert sorted(SeedGrant.objects.values_list("amount", flat=True)) == [30_000_000] * 4


def test_it_gives_each_demo_lpa_three_to_five_officers(today):
    lpas = demo_lpas(today=today)
    demo_lpas(today=today)
    for lpa in lpas:
        officers = list(FieldOfficer.objects.filter(lpa=lpa).prefetch_related("kelurahan"))
        assert 3 <= len(officers) <= 5
        for officer in officers:
            assert officer.nik.startswith("3175")
            assert nik_is_valid(officer.nik)
            assert officer.phone.startswith("+62")
            assert [k.level for k in officer.kelurahan.all()] == [4] * officer.kelurahan.count()
            assert officer.kelurahan.exists()
            assert officer.is_active_on(today)
