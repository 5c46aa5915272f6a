from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from askesos.core.months import parse_month
from askesos.reports.services import reports_generate_month


class Command(BaseCommand):
    help = "Generate the standard reports of a month (LPA monthly reports, Dinas Sosial packs, national summary)."  # noqa: E501

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        reports = reports_generate_month(
            month=month, today=timezone.localdate(), log=lambda m: self.stdout.write(m)
        )
        self.stdout.write(f"{len(reports)} files written")
