"""``askesos import-members FILE --lpa LPA_CODE``: bulk-register persons from a CSV or XLSX file.

Prints a progress bar on stderr and one summary line: ``imported N, rejected N, already registered N
(errors: PATH)``. Exits non-zero when nothing could be read (unknown LPA, bad format, missing columns).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from askesos.core.errors import DomainError
from askesos.lpa.models import Lpa
from askesos.registry.importer import file_sha256, import_job_create, import_run, previous_imports


class ProgressBar:
    """A one-line progress bar on stderr (no dependency): ``[#####.....]  52% 52000/100000 rows``."""

    def __init__(self, stream: Any = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()

    def __call__(self, done: int, total: int | None, imported: int, rejected: int, already: int) -> None:
        rate = done / max(time.monotonic() - self.started, 1e-6)
        if total:
            filled = min(self.width, self.width * done // total)
            bar = "#" * filled + "." * (self.width - filled)
            text = f"[{bar}] {min(100, 100 * done // total):3d}% {done}/{total} rows"
        else:
            text = f"{done} rows"
        self.stream.write(f"\r{text}, {rate:,.0f}/s ")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Register persons from a CSV or XLSX file (template columns) for one LPA."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file with the template columns")
        parser.add_argument("--lpa", required=True, help="LPA code, e.g. LPA-JT-01")
        parser.add_argument("--user", default="", help="username recorded as the actor (default: system)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        lpa = Lpa.objects.filter(code=options["lpa"]).first()
        if lpa is None:
            raise CommandError(f"unknown LPA {options['lpa']!r}")
        actor = None
        if options["user"]:
            from django.contrib.auth import get_user_model

            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"unknown user {options['user']!r}")
        with path.open("rb") as binary:
            sha = file_sha256(binary)
            with transaction.atomic():
                job = import_job_create(
                    actor=actor, lpa=lpa, file_name=path.name, sha256=sha, source_path=str(path)
                )
            for earlier in previous_imports(job):
                self.stderr.write(
                    f"note: this file was imported before (job #{earlier.pk}, {earlier.finished_at})"
                )
            bar = None if options["no_progress"] else ProgressBar(self.stderr._out)
            try:
                result = import_run(
                    job=job, actor=actor, binary=binary, today=timezone.localdate(), progress=bar
                )
            except DomainError as exc:
                raise CommandError(str(exc.message)) from None
            finally:
                if bar:
                    bar.close()
        self.stdout.write(result.summary())
