from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from askesos.analytics.services import rollups_backfill, rollups_refresh
from askesos.core.months import parse_month


class Command(BaseCommand):
    help = "Rebuild the monthly coverage rollups (one month, or every month with --all-months)."

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
        if not options["month"]:
            raise CommandError("give --month YYYY-MM or --all-months")
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{month:%Y-%m}: {rollups_refresh(month=month)} rows")
