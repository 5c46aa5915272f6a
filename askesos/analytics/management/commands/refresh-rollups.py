from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from askesos.analytics.services import rollups_backfill, rollups_refresh
from askesos.core.months import add_months, month_start, parse_month


class Command(BaseCommand):
    help = (
        "Rebuild the monthly rollups the dashboards read (coverage, claims): by default the month "
        "that just closed and the current one; one month with --month, every month with --all-months."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument(
            "--all-months", action="store_true", help="every month from the first enrolment to now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all_months"]:
            for month, rows in rollups_backfill(until=timezone.localdate()):
                self.stdout.write(f"{month:%Y-%m}: {rows} rows")
            return
        if options["month"]:
            try:
                months = [parse_month(options["month"])]
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        else:
            # Payments, claims and status changes of a month keep arriving after the cycle that
            # opened it: refresh the month that just closed as well as the current one.
            current = month_start(timezone.localdate())
            months = [add_months(current, -1), current]
        for month in months:
            self.stdout.write(f"{month:%Y-%m}: {rollups_refresh(month=month)} rows")
