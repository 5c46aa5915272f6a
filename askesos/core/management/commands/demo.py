"""``askesos demo``: migrate, load the East Jakarta demo (idempotent) and serve it on 127.0.0.1:8000."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from askesos.core.demo import DEMO_PASSWORD, demo_build


class Command(BaseCommand):
    help = "Set up the East Jakarta demo on the default database and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--persons", type=int, default=3000)
        parser.add_argument("--no-serve", action="store_true", help="Set up the data, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        log = self.stdout.write
        log("Askesos demo: preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo_build(today=timezone.localdate(), persons=options["persons"], log=log)
        url = f"http://{options['addr']}/"
        log("")
        log(self.style.SUCCESS(f"Askesos is ready at {url}"))
        log(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            log(f"  {login.username:<10} {login.role_label:<28} {login.scope}")
        if options["no_serve"]:
            return
        call_command("runserver", options["addr"], use_reloader=False)
