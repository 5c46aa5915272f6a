"""Shared fixtures: the region tree of East Jakarta (a slice of the real data) and the personas.

Personas: ``kemensos_admin`` (national), ``dinsos_jaktim`` (Dinas Sosial, region 31.75),
``dinsos_jakbar`` (Dinas Sosial, region 31.73, the neighbour who must not see East Jakarta),
``lpa_manager`` and ``officer`` (LPA "LPA-JT-01" in Jatinegara), ``other_lpa_manager``
(LPA "LPA-JT-02" in Cakung), ``auditor`` (region 31.75, read-only), ``member`` and ``outsider``
(a signed-in user with no role scope).
"""

from __future__ import annotations

import os

os.environ.setdefault("ASKESOS_TESTING", "1")

import pytest

_BLOCKER = []


def _load_test_regions() -> None:
    from askesos.regions.services import regions_load

    regions_load(province_codes=["31", "32"])
    _load_chart_of_accounts()


def _load_chart_of_accounts() -> None:
    """Data-migration rows are gone after a transactional test's flush: put the fund's chart back."""
    from importlib import import_module

    from django.apps import apps

    import_module("askesos.fund.migrations.0002_chart_of_accounts").seed(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the regions of DKI Jakarta and Jawa Barat once per session (real Kemendagri data)."""
    _BLOCKER.append(django_db_blocker)
    with django_db_blocker.unblock():
        _load_test_regions()


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction")) or "transactional_db" in names or "live_server" in names
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # type: ignore[no-untyped-def]
    """Transactional tests end by emptying every table; put the reference regions back.

    After the last test the session fixtures (and the test database) are already gone.
    """
    yield
    if _BLOCKER and nextitem is not None and _is_transactional(item):
        with _BLOCKER[0].unblock():
            _load_test_regions()


@pytest.fixture(autouse=True)
def _english_unless_marked(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Tests assert the English messages; the product's Indonesian default is tested where marked.

    A test marked ``indonesian`` (the language tests, every browser journey) sees the default
    language of the product exactly as a user does.
    """
    if request.node.get_closest_marker("indonesian") or request.node.get_closest_marker("browser"):
        yield
        return
    from django.test import override_settings
    from django.utils import translation

    with override_settings(LANGUAGE_CODE="en"), translation.override("en"):
        yield


@pytest.fixture
def region(db):  # type: ignore[no-untyped-def]
    from askesos.regions.models import Region

    def get(code: str) -> Region:
        return Region.objects.get(code=code)

    return get


def _user(username: str, role: str, *, regions=(), lpas=(), national=False):  # type: ignore[no-untyped-def]
    from askesos.accounts.models import User
    from askesos.regions.models import Region

    user = User.objects.create_user(
        username=username,
        password="correct-horse-9",
        role=role,
        national_scope=national,
        first_name=username.replace("_", " ").title(),
    )
    if regions:
        user.scope_regions.set(Region.objects.filter(code__in=regions))
    if lpas:
        user.scope_lpas.set(lpas)
    return user


@pytest.fixture
def lpa_jt01(db):  # type: ignore[no-untyped-def]
    from askesos.lpa.models import Lpa
    from askesos.regions.models import Region

    return Lpa.objects.create(
        code="LPA-JT-01",
        name="Yayasan Sejahtera Jatinegara",
        kelurahan=Region.objects.get(code="31.75.03.1001"),
        status=Lpa.Status.ACTIVE,
    )


@pytest.fixture
def lpa_jt02(db):  # type: ignore[no-untyped-def]
    from askesos.lpa.models import Lpa
    from askesos.regions.models import Region

    return Lpa.objects.create(
        code="LPA-JT-02",
        name="Koperasi Mandiri Cakung",
        kelurahan=Region.objects.get(code="31.75.06.1001"),
        status=Lpa.Status.ACTIVE,
    )


@pytest.fixture
def lpa_jb01(db):  # type: ignore[no-untyped-def]
    from askesos.lpa.models import Lpa
    from askesos.regions.models import Region

    return Lpa.objects.create(
        code="LPA-JB-01",
        name="Yayasan Peduli Jakarta Barat",
        kelurahan=Region.objects.get(code="31.73.01.1001"),
        status=Lpa.Status.ACTIVE,
    )


@pytest.fixture
def kemensos_admin(db):  # type: ignore[no-untyped-def]
    return _user("kemensos_admin", "kemensos_admin", national=True)


@pytest.fixture
def dinsos_jaktim(db):  # type: ignore[no-untyped-def]
    return _user("dinsos_jaktim", "dinsos_officer", regions=["31.75"])


@pytest.fixture
def dinsos_jakbar(db):  # type: ignore[no-untyped-def]
    return _user("dinsos_jakbar", "dinsos_officer", regions=["31.73"])


@pytest.fixture
def lpa_manager(db, lpa_jt01):  # type: ignore[no-untyped-def]
    return _user("lpa_manager", "lpa_manager", lpas=[lpa_jt01])


@pytest.fixture
def other_lpa_manager(db, lpa_jt02):  # type: ignore[no-untyped-def]
    return _user("other_lpa_manager", "lpa_manager", lpas=[lpa_jt02])


@pytest.fixture
def officer(db, lpa_jt01):  # type: ignore[no-untyped-def]
    return _user("officer", "field_officer", lpas=[lpa_jt01])


@pytest.fixture
def auditor(db):  # type: ignore[no-untyped-def]
    return _user("auditor", "auditor", regions=["31.75"])


@pytest.fixture
def member_user(db):  # type: ignore[no-untyped-def]
    return _user("member", "member")


@pytest.fixture
def outsider(db):  # type: ignore[no-untyped-def]
    """Signed in, but with a role and no scope at all."""
    return _user("outsider", "dinsos_officer")
