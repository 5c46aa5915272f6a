from __future__ import annotations

from askesos.registry import rules
from askesos.registry.demo import demo_persons, demo_rows, east_jakarta_kelurahan
from askesos.registry.models import DuplicateCandidate, Heir, Person

from .conftest import TODAY


def test_demo_rows_are_deterministic(db):
    kelurahan = east_jakarta_kelurahan()
    assert len(kelurahan) == 65
    first = list(demo_rows(count=50, today=TODAY, kelurahan_codes=kelurahan))
    assert first == list(demo_rows(count=50, today=TODAY, kelurahan_codes=kelurahan))
    assert first != list(demo_rows(count=50, today=TODAY, seed=1, kelurahan_codes=kelurahan))


def test_demo_persons_are_valid_spread_and_idempotent(lpa_jt01, lpa_jt02):
    created = demo_persons(lpas=[lpa_jt01, lpa_jt02], count=400, today=TODAY)
    assert created == Person.objects.count() == 400
    assert Person.objects.values("kelurahan_id").distinct().count() == 65
    for nik, born, sex in Person.objects.values_list("nik", "birth_date", "sex"):
        check = rules.check_nik(nik, birth_date=born, sex=sex, today=TODAY)
        assert check.ok, nik
        assert check.warnings == ()
    assert Heir.objects.exists()
    assert DuplicateCandidate.objects.count() >= 4  # the planted 1 %
    assert demo_persons(lpas=[lpa_jt01, lpa_jt02], count=400, today=TODAY) == 0
    assert Person.objects.count() == 400
