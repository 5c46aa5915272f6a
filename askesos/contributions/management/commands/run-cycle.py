"""``askesos run-cycle --month YYYY-MM [--today YYYY-MM-DD]``: the monthly membership cycle.

After the statuses, the month's coverage rollup is rebuilt, so dashboards (which read rollups, never
raw rows) show the month the cycle just closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from askesos.analytics.services import rollups_refresh
from askesos.contributions.cycle import DEFAULT_CHUNK, cycle_run
from askesos.core.months import month_start, parse_month


class Command(BaseCommand):
    help = (
        "Update every membership's status for a month, write reminders and officers' follow-up lists, "
        "then rebuild the month's coverage rollup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: this month)")
        parser.add_argument("--today", help="YYYY-MM-DD the run is dated (default: today)")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
            month = parse_month(options["month"]) if options["month"] else month_start(today)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        run = cycle_run(month=month, today=today, chunk_size=options["chunk_size"])
        counts = ", ".join(f"{k} {v}" for k, v in sorted(run.counts.items()))
        self.stdout.write(f"Cycle {month:%Y-%m} done: {counts}")
        rows = rollups_refresh(month=month)
        self.stdout.write(f"Coverage rollup {month:%Y-%m}: {rows} rows")
