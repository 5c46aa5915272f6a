"""``askesos backup PATH``: the database and the uploaded files in one .tar.gz (safe while serving)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from askesos.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump -Fc for PostgreSQL) and MEDIA_ROOT into "
        "one .tar.gz archive. Consistent while the server runs. Restore with `askesos restore PATH`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help="archive to write, e.g. /var/backups/askesos-2026-11-24.tar.gz"
        )
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            manifest = backup_create(path, alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path}: {manifest['vendor']} database, "
                f"{manifest['media_files']} media files."
            )
        )
