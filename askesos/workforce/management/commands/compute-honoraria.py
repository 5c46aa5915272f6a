"""``askesos compute-honoraria --month YYYY-MM [--lpa CODE]``: draft statements for every officer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from askesos.core.errors import DomainError
from askesos.core.months import parse_month
from askesos.lpa.models import Lpa
from askesos.workforce.services import honorarium_compute


class Command(BaseCommand):
    help = "Compute (or recompute) draft honorarium statements of a month; approved and paid ones are kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--lpa", help="LPA code; default every active LPA")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        lpas = Lpa.objects.filter(status=Lpa.Status.ACTIVE)
        if options.get("lpa"):
            lpas = lpas.filter(code=options["lpa"])
        today = timezone.localdate()
        for lpa in lpas.order_by("code"):
            try:
                statements = honorarium_compute(actor=None, lpa=lpa, month=month, today=today)
            except DomainError as error:
                raise CommandError(f"{lpa.code}: {error.message}") from None
            self.stdout.write(f"{lpa.code}: {len(statements)} draft statements for {month:%Y-%m}.")
