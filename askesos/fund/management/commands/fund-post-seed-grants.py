"""``askesos fund-post-seed-grants``: post every recorded LPA seed grant not yet in the fund ledger."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from askesos.fund.services import fund_post_seed_grants


class Command(BaseCommand):
    help = "Post recorded LPA seed grants to the fund ledger (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"posted {fund_post_seed_grants()} seed grant(s)")
