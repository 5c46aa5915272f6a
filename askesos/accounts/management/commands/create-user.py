"""``askesos create-user USERNAME --role ROLE [--region CODE ...] [--lpa CODE ...] [--national]``."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from askesos.accounts.models import Role
from askesos.accounts.services import user_create
from askesos.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create a user with a role and a scope. The password comes from --password or is asked "
        "for (twice) on the terminal; it must pass the password rules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--region",
            action="append",
            default=[],
            dest="regions",
            metavar="CODE",
            help="Kemendagri code of a region in scope, e.g. 31.75; repeatable",
        )
        parser.add_argument(
            "--lpa",
            action="append",
            default=[],
            dest="lpas",
            metavar="CODE",
            help="code of an LPA in scope, e.g. LPA-JT-01; repeatable",
        )
        parser.add_argument("--national", action="store_true", help="national scope: every region and LPA")
        parser.add_argument(
            "--password", help="the password (avoid on shared machines: it stays in the history)"
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or self._ask_password()
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                password=password,
                role=options["role"],
                region_codes=options["regions"],
                lpa_codes=options["lpas"],
                national=options["national"],
                first_name=options["first_name"],
                email=options["email"],
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        scope = (
            "national" if user.national_scope else ", ".join([*options["regions"], *options["lpas"]]) or "-"
        )
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({user.role}; scope: {scope})."))

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask for the password; pass --password.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first
