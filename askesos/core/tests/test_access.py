from __future__ import annotations

import pytest
from django.http import Http404

from askesos.core.access import get_in_scope_or_404, scoped
from askesos.lpa.models import Lpa


@pytest.fixture
def three_lpas(lpa_jt01, lpa_jt02, lpa_jb01):
    return lpa_jt01, lpa_jt02, lpa_jb01


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_it_gives_national_scope_everything(kemensos_admin, three_lpas):
    assert codes(scoped(kemensos_admin, Lpa.objects.all())) == ["LPA-JB-01", "LPA-JT-01", "LPA-JT-02"]


def test_it_limits_dinsos_to_its_region_subtree(dinsos_jaktim, dinsos_jakbar, three_lpas):
    assert codes(scoped(dinsos_jaktim, Lpa.objects.all())) == ["LPA-JT-01", "LPA-JT-02"]
    assert codes(scoped(dinsos_jakbar, Lpa.objects.all())) == ["LPA-JB-01"]


def test_it_limits_lpa_manager_to_own_lpa(lpa_manager, other_lpa_manager, three_lpas):
    assert codes(scoped(lpa_manager, Lpa.objects.all())) == ["LPA-JT-01"]
    assert codes(scoped(other_lpa_manager, Lpa.objects.all())) == ["LPA-JT-02"]


def test_it_gives_outsider_and_member_nothing(outsider, member_user, three_lpas):
    assert codes(scoped(outsider, Lpa.objects.all())) == []
    assert codes(scoped(member_user, Lpa.objects.all())) == []


def test_it_answers_404_outside_scope(lpa_manager, three_lpas):
    _, jt02, _ = three_lpas
    assert get_in_scope_or_404(lpa_manager, Lpa, code="LPA-JT-01").code == "LPA-JT-01"
    with pytest.raises(Http404):
        get_in_scope_or_404(lpa_manager, Lpa, pk=jt02.pk)
    with pytest.raises(Http404):
        get_in_scope_or_404(lpa_manager, Lpa, pk="not-a-number")
