"""Demonstration outreach: a campaign per LPA and about 60 events over the last 12 months, across the
thesis's channels, concentrated in a few kelurahan (so others show up as low coverage with no
outreach), with leads; leads of people who later enrolled are linked by ``leads_match_enrolments``.

Idempotent: an LPA that already has demo events is left alone. Bulk inserts (no per-row saves).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from askesos.core.months import add_months
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.membership.models import Membership
from askesos.outreach.models import HOUSES_OF_WORSHIP, Campaign, Channel, Event, Lead
from askesos.outreach.services import leads_match_enrolments

DEMO_NOTE = "demo"
_VENUES = {
    Channel.MASJID: ["Masjid Al-Ikhlas", "Masjid Jami' Nurul Huda", "Musholla Al-Amin"],
    Channel.GEREJA: ["Gereja HKBP Jatinegara", "Gereja Santo Antonius"],
    Channel.PURA: ["Pura Aditya Jaya Rawamangun"],
    Channel.VIHARA: ["Vihara Dharma Bhakti"],
    Channel.KLENTENG: ["Klenteng Hok Lay Kiong"],
}
_COST = {
    Channel.TV: 2_500_000,
    Channel.RADIO: 750_000,
    Channel.MASS_MEDIA: 1_000_000,
    Channel.SEMINAR: 1_500_000,
    Channel.WORKSHOP: 1_200_000,
    Channel.SOCIAL_MEDIA: 100_000,
    Channel.DOOR_TO_DOOR: 50_000,
}
_NAMES = [
    "Siti Aminah",
    "Budi Santoso",
    "Dewi Sartika",
    "Joko Susilo",
    "Rina Marlina",
    "Agus Wibowo",
    "Sri Rahayu",
    "Hendra Gunawan",
    "Yuni Astuti",
    "Wahyu Hidayat",
    "Nurhayati",
    "Slamet Riyadi",
]


def demo_outreach(*, lpas: list[Lpa], today: dt.date, seed: int = 2026) -> int:
    """Create demo outreach for ``lpas``; returns the number of events created (0 when present)."""
    rng = random.Random(seed)
    created = 0
    for lpa in lpas:
        if Event.objects.filter(lpa=lpa, notes=DEMO_NOTE).exists():
            continue
        created += _demo_lpa(lpa, today=today, rng=rng, count=max(1, 60 // max(1, len(lpas))))
    leads_match_enrolments(today=today)
    return created


@transaction.atomic
def _demo_lpa(lpa: Lpa, *, today: dt.date, rng: random.Random, count: int) -> int:
    officers = list(
        FieldOfficer.objects.filter(lpa=lpa, active_to__isnull=True).prefetch_related("kelurahan")
    )
    kelurahan = sorted({k.pk for o in officers for k in o.kelurahan.all()} or {lpa.kelurahan_id})
    # Outreach concentrates where the LPA sits: most events in its first two kelurahan.
    weights = [6 if i < 2 else 1 for i in range(len(kelurahan))]
    start = add_months(today.replace(day=1), -12)
    campaign = Campaign.objects.create(
        lpa=lpa,
        name=f"Sosialisasi ASKESOS {start.year}/{today.year}",
        starts_on=start,
        ends_on=today,
        goal_enrolments=120,
        budget=25_000_000,
    )
    channels = list(Channel)
    events = []
    for _ in range(count):
        channel = rng.choice(channels)
        held_on = start + dt.timedelta(days=rng.randrange((today - start).days))
        venue = rng.choice(_VENUES[channel]) if channel in HOUSES_OF_WORSHIP else ""
        reached = {Channel.TV: 5000, Channel.RADIO: 1500, Channel.MASS_MEDIA: 2000}.get(
            channel, rng.randint(15, 120)
        )
        events.append(
            Event(
                lpa=lpa,
                campaign=campaign if rng.random() < 0.7 else None,
                channel=channel,
                venue_name=venue,
                kelurahan_id=rng.choices(kelurahan, weights)[0],
                held_on=held_on,
                cost=_COST.get(channel, 300_000),
                attendance=reached,
                notes=DEMO_NOTE,
            )
        )
    Event.objects.bulk_create(events)
    events = list(Event.objects.filter(lpa=lpa, notes=DEMO_NOTE).order_by("held_on"))
    through = Event.officers.through
    through.objects.bulk_create(
        [
            through(event_id=e.pk, fieldofficer_id=o.pk)
            for e in events
            for o in rng.sample(officers, k=min(len(officers), rng.randint(1, 2)))
        ]
    )
    Lead.objects.bulk_create(_leads(lpa, events, officers, rng=rng))
    return len(events)


def _leads(lpa: Lpa, events: list[Event], officers: list[FieldOfficer], *, rng: random.Random) -> list[Lead]:
    now = timezone.now()
    members: list[Any] = list(
        Membership.objects.filter(lpa=lpa).select_related("person").order_by("enrolled_on")[:500]
    )
    leads = []
    for event in events:
        for _ in range(rng.randint(0, 4)):
            consent = rng.random() < 0.8
            phone, nik, name = f"+62812{rng.randrange(10**7, 10**8)}", "", rng.choice(_NAMES)
            later = [m for m in members if m.enrolled_on >= event.held_on and m.person.phone]
            if consent and later and rng.random() < 0.35:  # someone who enrolled after the event
                member = rng.choice(later)
                phone, nik, name = member.person.phone, member.person.nik, member.person.full_name
            leads.append(
                Lead(
                    event=event,
                    lpa=lpa,
                    kelurahan_id=event.kelurahan_id,
                    full_name=name,
                    phone=phone if consent else "",
                    nik=nik if consent else "",
                    consent=consent,
                    consent_at=now if consent else None,
                    captured_by=rng.choice(officers) if officers else None,
                )
            )
    return leads
