"""Demonstration workforce data, shaped by the thesis: trainings that reached only some officers,
too few vehicles (several worn out), honorarium statements for past months (some paid late).

Idempotent: trainings by title, vehicles by plate, equipment by serial, statements by officer and
month (``honorarium_compute`` leaves approved and paid statements alone).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from askesos.core.errors import DomainError
from askesos.core.months import add_months
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.regions.models import Region
from askesos.workforce import services
from askesos.workforce.models import (
    Condition,
    Equipment,
    HonorariumStatement,
    HonorariumStatus,
    RequiredTraining,
    Training,
    TrainingRecord,
    TrainingTopic,
    Vehicle,
    WorkloadNorm,
)

_TRAININGS = [
    (
        "diklat",
        TrainingTopic.ASKESOS_BASICS,
        "Diklat Petugas Lapangan ASKESOS Angkatan I",
        32,
        "Kemensos RI",
        26,
    ),
    (
        "workshop",
        TrainingTopic.OUTREACH,
        "Workshop Teknik Sosialisasi kepada Pekerja Informal",
        8,
        "Dinas Sosial DKI Jakarta",
        14,
    ),
    (
        "seminar",
        TrainingTopic.CLAIMS,
        "Seminar Pendampingan Klaim Ahli Waris",
        4,
        "Dinas Sosial Jakarta Timur",
        7,
    ),
    ("diklat", TrainingTopic.COLLECTION, "Diklat Penagihan Iuran dan Pengelolaan Kas", 16, "Kemensos RI", 3),
]


def demo_workforce(*, lpas: list[Lpa], today: dt.date, seed: int = 2026) -> None:
    rng = random.Random(seed)
    services.seed_national_formula()
    _requirements(lpas)
    officers = list(FieldOfficer.objects.filter(lpa__in=lpas).order_by("lpa_id", "id"))
    _trainings(officers, today=today, rng=rng)
    _facilities(lpas, officers, today=today, rng=rng)
    for lpa in lpas:
        WorkloadNorm.objects.get_or_create(lpa=lpa)
    _honoraria(lpas, today=today, rng=rng)


def _requirements(lpas: list[Lpa]) -> None:
    RequiredTraining.objects.get_or_create(
        lpa=None, topic=TrainingTopic.ASKESOS_BASICS, defaults={"refresh_months": 24}
    )
    RequiredTraining.objects.get_or_create(
        lpa=None, topic=TrainingTopic.OUTREACH, defaults={"refresh_months": 12}
    )
    if lpas:
        RequiredTraining.objects.get_or_create(lpa=lpas[0], topic=TrainingTopic.COLLECTION)


@transaction.atomic
def _trainings(officers: list[FieldOfficer], *, today: dt.date, rng: random.Random) -> None:
    jaktim = Region.objects.get(code="31.75")
    for type_, topic, title, hours, provider, months_ago in _TRAININGS:
        training, created = Training.objects.get_or_create(
            title=title,
            defaults={
                "region": jaktim,
                "type": type_,
                "topic": topic,
                "hours": hours,
                "provider": provider,
                "held_on": add_months(today.replace(day=1), -months_ago),
            },
        )
        if not created:
            continue
        # Only some officers could attend (the thesis: under-trained officers).
        attendees = [o for o in officers if rng.random() < 0.55]
        TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(
                    training=training,
                    officer=o,
                    attended=True,
                    score=rng.randint(48, 95),
                    certificate_number=f"{training.pk:03d}/{o.pk:04d}/{training.held_on.year}",
                )
                for o in attendees
            ]
        )


@transaction.atomic
def _facilities(lpas: list[Lpa], officers: list[FieldOfficer], *, today: dt.date, rng: random.Random) -> None:
    conditions = [Condition.GOOD, Condition.GOOD, Condition.MINOR_DAMAGE, Condition.MAJOR_DAMAGE]
    for index, lpa in enumerate(lpas):
        own = [o for o in officers if o.lpa_id == lpa.pk]
        # About one vehicle for every three officers: short of vehicles, as the thesis found.
        for n in range(max(1, len(own) // 3)):
            plate = f"B {3100 + index * 10 + n} {'TJKLMN'[index % 6]}{'AUX'[n % 3]}"
            Vehicle.objects.get_or_create(
                plate=plate,
                defaults={
                    "lpa": lpa,
                    "type": "motor",
                    "condition": conditions[(index + n) % len(conditions)],
                    "acquired_on": dt.date(2012 + (index + n) % 10, 3, 1),
                    "assigned_officer": own[n] if n < len(own) else None,
                },
            )
        for n, officer in enumerate(own[:2]):
            Equipment.objects.get_or_create(
                lpa=lpa,
                serial=f"{lpa.code}-HP-{n + 1}",
                defaults={
                    "type": "ponsel",
                    "condition": rng.choice(conditions),
                    "acquired_on": dt.date(2020, 1, 15),
                    "assigned_officer": officer,
                },
            )


def _honoraria(lpas: list[Lpa], *, today: dt.date, rng: random.Random) -> None:
    this_month = today.replace(day=1)
    for months_back in (3, 2, 1):
        month = add_months(this_month, -months_back)
        for lpa in lpas:
            services.honorarium_compute(actor=None, lpa=lpa, month=month, today=today)
            if months_back == 1:
                continue  # last month stays in draft for the demo
            for statement in HonorariumStatement.objects.filter(
                lpa=lpa, month=month, status=HonorariumStatus.DRAFT
            ):
                services.honorarium_approve(actor=None, statement=statement, today=today)
                paid_on = add_months(month, 1).replace(day=rng.choice([5, 9, 10, 18, 25]))
                try:
                    services.honorarium_pay(
                        actor=None,
                        statement=statement,
                        paid_on=min(paid_on, today),
                        paid_from="1110",
                        today=today,
                    )
                except DomainError:
                    continue  # e.g. the fund's chart of accounts is not seeded: leave it approved
