from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from askesos.fund import selectors
from askesos.fund.demo import demo_fund
from askesos.fund.models import JournalEntry


def test_demo_is_idempotent_and_balanced(lpa_jt01, lpa_jt02):
    today = dt.date(2027, 1, 10)
    assert demo_fund(lpas=[lpa_jt01, lpa_jt02], today=today) == 2 * (1 + 12 * 3)
    assert demo_fund(lpas=[lpa_jt01, lpa_jt02], today=today) == 0
    f = selectors.lpa_fund_figures(lpa_id=lpa_jt01.pk, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
    assert f.closing_cash == 30_000_000 - 12 * (500_000 + 150_000)
    assert f.expenses == {"5100": 0, "5200": 500_000, "5300": 150_000}
    assert JournalEntry.objects.get(idempotency_key=f"seed-grant-{lpa_jt01.pk}").on == dt.date(2025, 12, 1)


def test_seed_grant_command(lpa_jt01, capsys):
    from django.utils import timezone

    from askesos.lpa.models import SeedGrant

    SeedGrant.objects.create(lpa=lpa_jt01, received_on=dt.date(2026, 7, 1), recorded_at=timezone.now())
    call_command("fund-post-seed-grants")
    call_command("fund-post-seed-grants")
    assert capsys.readouterr().out == "posted 1 seed grant(s)\nposted 0 seed grant(s)\n"
