"""Production-style server: gunicorn on $ASKESOS_BIND with static files served by WhiteNoise."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Askesos with gunicorn (production style)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ASKESOS_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ASKESOS_WORKERS", "3")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("ASKESOS_THREADS", "4")))
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        from gunicorn.app.wsgiapp import WSGIApplication

        argv = [
            "gunicorn",
            "askesos.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
        ]
        self.stdout.write(f"Askesos serving on http://{options['bind']}/")
        import sys

        sys.argv = argv
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
