"""``askesos seed-reference``: regions, labelled workforce estimates, schemes, evaluation instrument."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from askesos.core.reference import seed_reference


class Command(BaseCommand):
    help = (
        "Load Kemendagri regions, seed the informal-workforce ESTIMATES for DKI Jakarta and East Jakarta "
        "(PROGRAM.md §7), the reference schemes and the default evaluation instrument. Safe to run again: "
        "existing data is never overwritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="load only these provinces (default: all of Indonesia); 31 is always included",
        )
        parser.add_argument(
            "--year", type=int, default=2025, help="year of the seeded estimates (default 2025)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = seed_reference(
            province_codes=options["provinces"], year=options["year"], log=self.stdout.write
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.regions} regions loaded; workforce estimates {options['year']}: "
                f"{summary.estimates_added} added; schemes added: {summary.schemes_added}; "
                f"evaluation instruments added: {summary.instruments_added}."
            )
        )
