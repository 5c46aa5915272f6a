"""``askesos match-leads``: link outreach leads to members who enrolled after the event (set-based)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from askesos.outreach.services import leads_match_enrolments


class Command(BaseCommand):
    help = "Link leads to the persons and memberships they became (by NIK, or by a unique phone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Date to record the follow-ups on (YYYY-MM-DD); default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        import datetime as dt

        today = dt.date.fromisoformat(options["today"]) if options.get("today") else timezone.localdate()
        linked = leads_match_enrolments(today=today)
        self.stdout.write(f"{linked} leads linked to their enrolment.")
