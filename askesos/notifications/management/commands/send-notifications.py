"""``askesos send-notifications [--once] [--limit N] [--interval S]``: send due outbox messages.

Without ``--once`` it loops (a worker). Several workers may run at once: each message is claimed by a
compare-and-set, so none is sent twice.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from askesos.notifications.services import outbox_send_due


class Command(BaseCommand):
    help = "Send due messages from the notification outbox (retries with backoff)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due now, then exit.")
        parser.add_argument("--limit", type=int, default=100, help="At most this many messages per round.")
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between rounds.")

    def handle(self, *args: Any, once: bool, limit: int, interval: float, **options: Any) -> None:
        while True:
            counts = outbox_send_due(limit=limit)
            if counts or once:
                summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing due"
                self.stdout.write(summary)
            if once:
                return
            if not counts:
                time.sleep(interval)
