"""``askesos restore PATH``: replace the database and write back the media files from a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from askesos.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `askesos backup`: REPLACES the whole database (SQLite backup API, or "
        "pg_restore --clean --if-exists) and copies its media files into MEDIA_ROOT. Stop the server first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="archive written by `askesos backup`")
        parser.add_argument("--database", default="default", help="database alias (default: default)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not options["yes"] and options.get("interactive", True):
            answer = input(f"This replaces ALL data in the database with {path}. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            manifest = backup_restore(path, alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {path} (made {manifest['created_at']})."))
