from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
