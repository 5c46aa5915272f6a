"""Fixtures for the LPA tests: a fixed ``today``, a proposed LPA ready for verification, media in tmp."""

from __future__ import annotations

import datetime as dt

import pytest

from askesos.lpa import services
from askesos.lpa.models import Criterion, Lpa

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def proposed(dinsos_jaktim, region):
    """A proposed LPA in Cipinang (Pulogadung), founded well over three years ago."""
    return services.lpa_propose(
        actor=dinsos_jaktim,
        code="lpa-jt-09",
        kelurahan=region("31.75.02.1003"),
        profile={
            "name": "Yayasan Cipinang Peduli",
            "legal_form": Lpa.LegalForm.YAYASAN,
            "founded_on": dt.date(2015, 5, 1),
            "phone": "0812-3456-7890",
        },
        today=TODAY,
    )


@pytest.fixture
def meet_all():
    """Record all seven selection criteria as met."""

    def meet(lpa: Lpa, actor: object) -> None:
        for criterion in Criterion.values:
            services.criterion_assess(
                actor=actor, lpa=lpa, criterion=criterion, met=True, note="ok", today=TODAY
            )

    return meet
