"""Demo fund postings: each LPA's seed grant and a year of officer honoraria and admin costs.

Premiums and claims come from the contributions and claims demos (through ``post_journal``). Every
entry has a fixed idempotency key, so running the demo again posts nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from askesos.core.months import add_months, month_start
from askesos.fund import rules
from askesos.fund.services import SEED_GRANT_AMOUNT, JournalDraft, post_journal_bulk
from askesos.lpa.models import Lpa

HONORARIUM = 500_000  # a month per LPA, PROGRAM.md §4 (BPJS TK agent analogue, M)
ADMIN_COST = 150_000  # stationery, transport, phone credit: a demo figure, not a program value


def demo_fund(*, lpas: Iterable[Lpa], today: dt.date, months: int = 12) -> int:
    """Seed grant 13 months before ``today``, then honoraria (from the bank) and admin costs (from
    the LPA's cash box) at the end of each of the last ``months`` full months. Returns entries posted."""
    first = add_months(month_start(today), -months)
    drafts: list[JournalDraft] = []
    for lpa in lpas:
        drafts.append(
            JournalDraft(
                lpa_id=lpa.pk,
                on=add_months(first, -1),
                memo="Seed grant (demo)",
                source_type="seed_grant",
                source_id=str(lpa.pk),
                lines=[(rules.BANK, SEED_GRANT_AMOUNT, 0), (rules.SEED_CAPITAL, 0, SEED_GRANT_AMOUNT)],
                idempotency_key=f"seed-grant-{lpa.pk}",
            )
        )
        for i in range(months):
            month = add_months(first, i)
            last_day = add_months(month, 1) - dt.timedelta(days=1)
            tag = f"{lpa.pk}-{month:%Y-%m}"
            drafts += [
                JournalDraft(
                    lpa_id=lpa.pk,
                    on=last_day,
                    memo=f"Honorarium petugas {month:%Y-%m}",
                    source_type="expense.honoraria",
                    source_id="demo",
                    lines=[(rules.HONORARIA, HONORARIUM, 0), (rules.BANK, 0, HONORARIUM)],
                    idempotency_key=f"demo-honoraria-{tag}",
                ),
                JournalDraft(
                    lpa_id=lpa.pk,
                    on=last_day,
                    memo=f"Biaya administrasi {month:%Y-%m}",
                    source_type="expense.admin",
                    source_id="demo",
                    lines=[(rules.CASH_LPA, ADMIN_COST, 0), (rules.BANK, 0, ADMIN_COST)],
                    idempotency_key=f"demo-cashbox-{tag}",
                ),
                JournalDraft(
                    lpa_id=lpa.pk,
                    on=last_day,
                    memo=f"Biaya administrasi {month:%Y-%m}",
                    source_type="expense.admin",
                    source_id="demo",
                    lines=[(rules.ADMIN_COSTS, ADMIN_COST, 0), (rules.CASH_LPA, 0, ADMIN_COST)],
                    idempotency_key=f"demo-admin-{tag}",
                ),
            ]
    from askesos.fund.models import JournalEntry

    before = JournalEntry.objects.filter(idempotency_key__in=[d.idempotency_key for d in drafts]).count()
    post_journal_bulk(drafts)
    return len(drafts) - before
