from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ASKESOS_NOTIFY_EAGER = False


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def personas(
    kemensos_admin,
    dinsos_jaktim,
    dinsos_jakbar,
    lpa_manager,
    other_lpa_manager,
    officer,
    auditor,
    member_user,
    outsider,
    lpa_jb01,
):
    return {
        "kemensos_admin": kemensos_admin,
        "dinsos_jaktim": dinsos_jaktim,
        "dinsos_jakbar": dinsos_jakbar,
        "lpa_manager": lpa_manager,
        "other_lpa_manager": other_lpa_manager,
        "officer": officer,
        "auditor": auditor,
        "member_user": member_user,
        "outsider": outsider,
    }


@pytest.fixture
def world(personas, lpa_jt01):
    from tests.security.world import build_world

    return build_world(
        lpa=lpa_jt01,
        manager=personas["lpa_manager"],
        officer_user=personas["officer"],
        member_user=personas["member_user"],
        dinsos=personas["dinsos_jaktim"],
    )
