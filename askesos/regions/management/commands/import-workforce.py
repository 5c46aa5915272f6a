"""``askesos import-workforce FILE``: import informal-workforce denominators from CSV (all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from askesos.regions.services import CsvImportError, decode_csv_bytes, workforce_import_csv


class Command(BaseCommand):
    help = (
        "Import kode_wilayah,tahun,jumlah_pekerja_informal,sumber[,estimasi] rows. Nothing is stored "
        "unless every row is valid; re-importing the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file (UTF-8, comma or semicolon separated)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = decode_csv_bytes(path.read_bytes())
            result = workforce_import_csv(actor=None, text=text, filename=path.name)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        except CsvImportError as exc:
            raise CommandError(f"{path}: nothing imported.\n" + "\n".join(exc.errors)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: {result.total} rows: {result.created} added, {result.updated} changed, "
                f"{result.unchanged} unchanged."
            )
        )
