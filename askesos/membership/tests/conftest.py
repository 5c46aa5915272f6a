from __future__ import annotations

import pytest

from askesos.membership.tests.helpers import TODAY


@pytest.fixture
def klasik(db):
    from askesos.schemes.models import Scheme
    from askesos.schemes.seed import KLASIK, seed_schemes

    seed_schemes(today=TODAY)
    return Scheme.objects.get(code=KLASIK)


@pytest.fixture
def benchmark(klasik):
    from askesos.schemes.models import Scheme
    from askesos.schemes.seed import BPJSTK_BPU

    return Scheme.objects.get(code=BPJSTK_BPU)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _only_resolvable_menu_items(monkeypatch):
    """Pages render the whole menu; other apps' entries may name URLs that are still being built.
    Keep this app's page tests about this app (the full suite still renders every entry)."""
    from django.urls import NoReverseMatch, reverse

    from askesos.core import navigation

    def resolvable(item):
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            return False
        return True

    monkeypatch.setattr(navigation, "MENU", [item for item in navigation.MENU if resolvable(item)])
