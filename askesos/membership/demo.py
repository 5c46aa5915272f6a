"""Demo data: enrol a share of the registry, set-based and idempotent."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from askesos.lpa.models import Lpa
from askesos.membership.services import membership_enrol_bulk
from askesos.registry.models import Person
from askesos.schemes.models import Scheme

CHUNK = 2000
_SPREAD = 1000
_STEP = 7919  # a prime: spreads consecutive ids over the 0..999 buckets


def chosen_for_demo(person_id: int, share: float) -> bool:
    """The same persons are chosen on every run, so a second run enrols nobody new."""
    return (person_id * _STEP) % _SPREAD < round(share * _SPREAD)


def demo_enrol(
    *, persons_qs: QuerySet[Person], lpa: Lpa, scheme: Scheme, today: dt.date, share: float = 0.8
) -> int:
    """Enrol about ``share`` of ``persons_qs`` (those eligible and not yet members) as the system.

    Returns how many memberships were created; 0 when run again.
    """
    ids = [
        pk
        for pk in persons_qs.filter(memberships__isnull=True).values_list("pk", flat=True).order_by("pk")
        if chosen_for_demo(pk, share)
    ]
    created = 0
    for start in range(0, len(ids), CHUNK):
        people = Person.objects.filter(pk__in=ids[start : start + CHUNK]).order_by("pk")
        result = membership_enrol_bulk(actor=None, persons=people, scheme=scheme, lpa=lpa, today=today)
        created += len(result.enrolled)
    return created
