"""The East Jakarta demo: reference data, one user per role, LPAs, officers, workers, members,
payments and the fund. Every step is idempotent, so running the demo again reuses the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from askesos.lpa.models import Lpa

DEMO_PASSWORD = "askesos-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    scope: str


def demo_users(*, lpa_codes: list[str], officer_lpa_code: str) -> list[DemoLogin]:
    """One user per role, scoped like real users would be (idempotent)."""
    from askesos.accounts.models import Role, User
    from askesos.lpa.models import Lpa
    from askesos.regions.models import Region

    jaktim = Region.objects.get(code="31.75")
    specs: list[tuple[str, str, str, dict[str, object]]] = [
        ("kemensos", Role.KEMENSOS_ADMIN, "Indonesia", {"national": True}),
        ("dinsos", Role.DINSOS_OFFICER, "Jakarta Timur (31.75)", {"regions": [jaktim]}),
        ("lpa", Role.LPA_MANAGER, lpa_codes[0], {"lpas": [lpa_codes[0]]}),
        ("petugas", Role.FIELD_OFFICER, officer_lpa_code, {"lpas": [officer_lpa_code]}),
        ("auditor", Role.AUDITOR, "Jakarta Timur (31.75)", {"regions": [jaktim]}),
        ("anggota", Role.MEMBER, "own membership", {}),
    ]
    logins = []
    with transaction.atomic():
        for username, role, scope_label, scope in specs:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "national_scope": bool(scope.get("national")),
                    "first_name": username.title(),
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                if scope.get("regions"):
                    user.scope_regions.set(scope["regions"])  # type: ignore[arg-type]
                if scope.get("lpas"):
                    user.scope_lpas.set(Lpa.objects.filter(code__in=scope["lpas"]))  # type: ignore[misc]
            logins.append(DemoLogin(username, str(Role(role).label), scope_label))
    return logins


def demo_build(*, today: dt.date, persons: int, log: Callable[[str], None]) -> list[DemoLogin]:
    """Build (or reuse) the whole demo; every step is idempotent."""
    from askesos.claims.demo import demo_claims
    from askesos.contributions.demo import demo_payments
    from askesos.core.reference import seed_reference
    from askesos.fund.demo import demo_fund
    from askesos.lpa.demo import demo_lpas
    from askesos.membership.demo import demo_enrol
    from askesos.outreach.demo import demo_outreach
    from askesos.registry.demo import demo_persons
    from askesos.registry.models import Person
    from askesos.schemes.models import Scheme
    from askesos.workforce.demo import demo_workforce

    seed_reference(log=log)
    log("LPAs and field officers…")
    lpas = demo_lpas(today=today)
    log(f"{persons} informal workers…")
    demo_persons(lpas=lpas, count=persons, today=today)
    log("enrolment…")
    klasik = Scheme.objects.get(code="ASKESOS-KLASIK")
    for lpa in lpas:
        demo_enrol(persons_qs=Person.objects.filter(lpa=lpa), lpa=lpa, scheme=klasik, today=today)
    log("fund, 12 months of premiums and the monthly cycle…")
    demo_fund(lpas=lpas, today=today)
    demo_payments(today=today)
    log("claims…")
    demo_claims(today=today)
    log("outreach, training, vehicles and honoraria…")
    demo_outreach(lpas=lpas, today=today)
    demo_workforce(lpas=lpas, today=today)
    _demo_monitoring(today=today, log=log)
    logins = demo_users(lpa_codes=[lpa.code for lpa in lpas], officer_lpa_code=lpas[0].code)
    _link_demo_accounts(lpa=lpas[0], today=today)
    return logins


def _demo_monitoring(*, today: dt.date, log: Callable[[str], None]) -> None:
    log("coverage rollups, surveys and reports…")
    from askesos.analytics.demo import demo_analytics
    from askesos.reports.demo import demo_reports

    demo_analytics(today=today)
    demo_reports(today=today)


def _link_demo_accounts(*, lpa: Lpa, today: dt.date) -> None:
    """Tie the demo officer login to a real officer record, and the member login to a member."""
    from askesos.accounts.models import User
    from askesos.lpa.models import FieldOfficer
    from askesos.lpa.services import officer_update
    from askesos.membership.models import Membership, MembershipStatus
    from askesos.registry.models import Person

    petugas = User.objects.get(username="petugas")
    if not FieldOfficer.objects.filter(user=petugas).exists():
        officer = FieldOfficer.objects.filter(lpa=lpa, user__isnull=True).order_by("pk").first()
        if officer is not None:
            officer_update(actor=None, officer=officer, changes={"user": petugas}, today=today)
    anggota = User.objects.get(username="anggota")
    if not Person.objects.filter(account=anggota).exists():
        member = (
            Membership.objects.filter(status=MembershipStatus.ACTIVE, person__account__isnull=True)
            .order_by("pk")
            .values_list("person_id", flat=True)
            .first()
        )
        if member is not None:
            from django.db import transaction

            from askesos.audit.services import audit_record

            with transaction.atomic():
                person = Person.objects.select_for_update().get(pk=member)
                person.account = anggota
                person.save(update_fields=["account", "updated_at"])
                audit_record(
                    actor=None,
                    action="person.link_login",
                    obj=person,
                    old={"account": None},
                    new={"account": anggota.username},
                    reason="demo member login",
                    region_id=person.kelurahan_id,
                    lpa_id=person.lpa_id,
                )
