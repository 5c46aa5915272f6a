# ruff: noqa: RUF003  (en dashes are deliberate: Indonesian report text, ranges)
"""Demo data for coverage and evaluation: rollups for the last 13 months, the default instrument,
one survey round in East Jakarta with ~200 synthetic responses (weak communication and resources, as
the thesis found) and a coverage target per kecamatan. Idempotent."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from askesos.analytics.models import CoverageTarget
from askesos.analytics.services import rollups_refresh
from askesos.core.months import add_months, month_start
from askesos.evaluation.models import Item, ItemKind, RespondentGroup, SurveyRound
from askesos.evaluation.seed import seed_default_instrument
from askesos.evaluation.services import ResponseInput, _save
from askesos.lpa.models import Lpa
from askesos.regions.models import Region

ROUND_NAME = "Survei implementasi ASKESOS Jakarta Timur (demo)"
# Typical answer (1–4) per aspect: the thesis found communication and resources weakest.
CENTRE = {"communication": 1.7, "resources": 1.8, "disposition": 2.6, "bureaucratic_structure": 2.4}
GROUPS = [
    (RespondentGroup.LPA_MANAGER, 20),
    (RespondentGroup.OFFICER, 40),
    (RespondentGroup.MEMBER, 70),
    (RespondentGroup.NON_MEMBER, 70),
]
AWARE_SHARE = 0.2


def demo_analytics(*, today: dt.date) -> dict[str, int]:
    current = month_start(today)
    rows = sum(rollups_refresh(month=add_months(current, -i)) for i in range(12, -1, -1))
    instrument = seed_default_instrument()
    jaktim = Region.objects.get(code="31.75")
    responses = _demo_round(instrument.pk, jaktim, add_months(current, -1))
    targets = 0
    for kecamatan in Region.objects.filter(parent=jaktim):
        CoverageTarget.objects.get_or_create(
            region=kecamatan,
            year=today.year,
            defaults={"target_percent": Decimal("1.00"), "note": "demo: 1 % of informal workers"},
        )
        targets += 1
    CoverageTarget.objects.get_or_create(
        region=jaktim, year=today.year, defaults={"target_percent": Decimal("1.00"), "note": "demo"}
    )
    return {"rollup_rows": rows, "responses": responses, "targets": targets}


def _answer(rng: random.Random, item: Item) -> int:
    if item.kind == ItemKind.YES_NO:
        return 1 if rng.random() < AWARE_SHARE else 0
    value = min(4, max(1, round(rng.gauss(CENTRE[item.aspect], 0.7))))
    return 5 - value if item.reverse_scored else value


def _demo_round(instrument_id: int, area: Region, period: dt.date) -> int:
    survey, _created = SurveyRound.objects.get_or_create(
        name=ROUND_NAME, defaults={"instrument_id": instrument_id, "period": period, "region": area}
    )
    if survey.responses.exists():
        return survey.responses.count()
    rng = random.Random(2025)
    low, high = area.subtree
    villages = list(Region.objects.filter(id__gte=low, id__lt=high, level=4).values_list("id", flat=True))
    lpas = list(Lpa.objects.filter(kelurahan_id__gte=low, kelurahan_id__lt=high).values_list("id", flat=True))
    items = list(survey.instrument.items.all())
    rows = []
    for group, count in GROUPS:
        for n in range(count):
            asked = [i for i in items if i.asked_of(group)]
            rows.append(
                ResponseInput(
                    group,
                    rng.choice(villages),
                    rng.choice(lpas) if lpas and group != RespondentGroup.NON_MEMBER else None,
                    {i.code: _answer(rng, i) for i in asked},
                    f"demo-{group}-{n}",
                )
            )
    with transaction.atomic():
        return _save(None, survey, {i.code: i for i in items}, rows)
