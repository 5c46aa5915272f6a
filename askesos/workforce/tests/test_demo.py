from __future__ import annotations

import pytest
from django.core.management import call_command

from askesos.lpa.demo import demo_lpas
from askesos.outreach.demo import demo_outreach
from askesos.outreach.models import Channel, Event, Lead
from askesos.workforce.demo import demo_workforce
from askesos.workforce.models import HonorariumStatement, HonorariumStatus, Training, TrainingRecord, Vehicle

pytestmark = pytest.mark.django_db


def test_it_builds_the_demo_once(today):
    lpas = demo_lpas(today=today)
    created = demo_outreach(lpas=lpas, today=today)
    demo_workforce(lpas=lpas, today=today)
    counts = (
        Event.objects.count(),
        Lead.objects.count(),
        Training.objects.count(),
        TrainingRecord.objects.count(),
        Vehicle.objects.count(),
        HonorariumStatement.objects.count(),
    )
    assert created == Event.objects.count() == 60
    assert len(set(Event.objects.values_list("channel", flat=True))) >= 10
    assert Event.objects.filter(channel__in=[Channel.MASJID, Channel.GEREJA], venue_name="").count() == 0
    officers = sum(lpa.officers.count() for lpa in lpas)
    assert Vehicle.objects.count() < officers
    assert HonorariumStatement.objects.filter(status=HonorariumStatus.PAID).count() == 2 * officers
    assert demo_outreach(lpas=lpas, today=today) == 0
    demo_workforce(lpas=lpas, today=today)
    assert counts == (
        Event.objects.count(),
        Lead.objects.count(),
        Training.objects.count(),
        TrainingRecord.objects.count(),
        Vehicle.objects.count(),
        HonorariumStatement.objects.count(),
    )
    call_command("match-leads", today=today.isoformat())
    call_command("compute-honoraria", month="2026-11")
