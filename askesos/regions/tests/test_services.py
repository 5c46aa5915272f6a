from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError
from askesos.regions.models import WorkforceEstimate
from askesos.regions.services import (
    SEED_SOURCE_DKI,
    seed_east_jakarta_estimates,
    split_total,
    workforce_set,
)


def _set(actor, region, **changes):
    values = {"year": 2025, "informal_workers": 41000, "source": "Sakernas", "is_estimate": True, "note": ""}
    return workforce_set(actor=actor, region=region, **{**values, **changes})


def test_it_creates_an_estimate_and_audits_it(dinsos_jaktim, region):
    est = _set(dinsos_jaktim, region("31.75.03"))
    assert (est.region.code, est.year, est.informal_workers, est.is_estimate) == (
        "31.75.03",
        2025,
        41000,
        True,
    )
    event = AuditEvent.objects.get()
    assert event.action == "workforce.set"
    assert event.actor_label == "dinsos_jaktim"
    assert event.object_type == "regions.workforceestimate"
    assert event.object_id == str(est.pk)
    assert event.region_id == 3175030000
    assert event.old is None
    assert event.new == {
        "year": 2025,
        "informal_workers": 41000,
        "source": "Sakernas",
        "is_estimate": True,
        "note": "",
    }


def test_it_audits_only_changed_fields_and_skips_no_op(dinsos_jaktim, region):
    _set(dinsos_jaktim, region("31.75.03"))
    _set(dinsos_jaktim, region("31.75.03"))
    assert AuditEvent.objects.count() == 1
    est = _set(dinsos_jaktim, region("31.75.03"), informal_workers=45000, is_estimate=False)
    assert (est.informal_workers, est.is_estimate) == (45000, False)
    assert WorkforceEstimate.objects.count() == 1
    event = AuditEvent.objects.latest("id")
    assert (event.old, event.new) == (
        {"informal_workers": 41000, "is_estimate": True},
        {"informal_workers": 45000, "is_estimate": False},
    )


def test_it_refuses_regions_outside_the_actor_scope(dinsos_jakbar, region):
    with pytest.raises(DomainError) as caught:
        _set(dinsos_jakbar, region("31.75.03"))
    assert caught.value.code == "out_of_scope"
    assert WorkforceEstimate.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"year": 1989}, "invalid_year"),
        ({"informal_workers": -1}, "negative"),
        ({"source": "  "}, "source_required"),
    ],
)
def test_it_refuses_invalid_values(dinsos_jaktim, region, changes, code):
    with pytest.raises(DomainError) as caught:
        _set(dinsos_jaktim, region("31.75.03"), **changes)
    assert caught.value.code == code


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**7), st.lists(st.integers(1, 1000), min_size=1, max_size=80))
def test_it_splits_a_total_exactly_and_proportionally(total, weights):
    shares = split_total(total, weights)
    assert sum(shares) == total
    assert all(abs(s - total * w / sum(weights)) < 1 for s, w in zip(shares, weights, strict=True))


def test_it_seeds_consistent_labelled_east_jakarta_estimates(db):
    result = seed_east_jakarta_estimates(year=2025)
    assert (result.created, result.unchanged) == (77, 0)  # DKI + city + 10 kecamatan + 65 kelurahan
    counts = dict(WorkforceEstimate.objects.filter(year=2025).values_list("region__code", "informal_workers"))
    assert counts["31"] == 1_900_000
    assert counts["31.75"] == 430_000
    kecamatan = [c for c in counts if c.count(".") == 2]
    kelurahan = [c for c in counts if c.count(".") == 3]
    assert (len(kecamatan), len(kelurahan)) == (10, 65)
    assert sum(counts[c] for c in kecamatan) == 430_000
    for district in kecamatan:
        assert counts[district] == sum(counts[c] for c in kelurahan if c.startswith(district + "."))
    assert len({counts[c] for c in kelurahan}) > 10  # weighted, not all equal
    assert not WorkforceEstimate.objects.filter(is_estimate=False).exists()
    assert WorkforceEstimate.objects.get(region__code="31").source == SEED_SOURCE_DKI
    assert all("bukan angka resmi" in s for s in WorkforceEstimate.objects.values_list("source", flat=True))
    assert AuditEvent.objects.filter(action="workforce.set", actor_label="system").count() == 77


def test_it_seeds_idempotently_and_never_overwrites_user_numbers(dinsos_jaktim, region):
    seed_east_jakarta_estimates(year=2025)
    _set(dinsos_jaktim, region("31.75.03"), informal_workers=12345, source="Survei Dinsos", is_estimate=False)
    events = AuditEvent.objects.count()
    again = seed_east_jakarta_estimates(year=2025)
    assert (again.created, again.unchanged) == (0, 77)
    assert AuditEvent.objects.count() == events
    assert WorkforceEstimate.objects.get(region__code="31.75.03").informal_workers == 12345


def test_it_keeps_seed_shares_stable(db):
    seed_east_jakarta_estimates(year=2025)
    counts = dict(WorkforceEstimate.objects.values_list("region__code", "informal_workers"))
    # Fixed by a hash of the code: the same on every machine and every run.
    assert counts["31.75.01.1001"] == 7383
