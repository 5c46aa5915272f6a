"""Creating users (production setup, the demo). Role says what a user may do; scope says where."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from askesos.accounts.models import Role, User
from askesos.audit.services import audit_record
from askesos.core.errors import DomainError
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region


def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    region_codes: Sequence[str] = (),
    lpa_codes: Sequence[str] = (),
    national: bool = False,
    first_name: str = "",
    email: str = "",
) -> User:
    """Create a user with a role and a scope, audited as ``user.create``.

    Rules: the role must be known; the password must pass AUTH_PASSWORD_VALIDATORS; members have
    no scope (they see only their own data); every other role needs some scope (national, regions
    or LPAs), else they would see nothing; region and LPA codes must exist.
    """
    if role not in Role.values:
        raise DomainError(
            _("Unknown role %(role)s; choose one of %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            code="unknown_role",
            field="role",
        )
    if User.objects.filter(username=username).exists():
        raise DomainError(
            _("The username %(name)s is taken.") % {"name": username}, code="taken", field="username"
        )
    has_scope = national or bool(region_codes) or bool(lpa_codes)
    if role == Role.MEMBER and has_scope:
        raise DomainError(_("Members have no region or LPA scope."), code="member_scope", field="role")
    if role != Role.MEMBER and not has_scope:
        raise DomainError(
            _("Give the user a scope: national, regions or LPAs."), code="no_scope", field="scope"
        )
    regions = _regions(region_codes)
    lpas = _lpas(lpa_codes)
    user = User(username=username, role=role, national_scope=national, first_name=first_name, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password", field="password") from None
    user.set_password(password)
    with transaction.atomic():
        user.save()
        user.scope_regions.set(regions)
        user.scope_lpas.set(lpas)
        audit_record(
            actor=actor,
            action="user.create",
            obj=user,
            new={
                "username": username,
                "role": role,
                "national_scope": national,
                "regions": [r.code for r in regions],
                "lpas": [lpa.code for lpa in lpas],
            },
        )
    return user


def _regions(region_codes: Sequence[str]) -> list[Region]:
    try:
        wanted = [codes.normalize_code(c) for c in region_codes]
    except codes.RegionCodeError as exc:
        raise DomainError(str(exc), code="unknown_region", field="regions") from None
    found = {r.code: r for r in Region.objects.filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise DomainError(
            _("Unknown region code: %(codes)s") % {"codes": ", ".join(missing)},
            code="unknown_region",
            field="regions",
        )
    return [found[c] for c in wanted]


def _lpas(lpa_codes: Sequence[str]) -> list[Lpa]:
    found = {lpa.code: lpa for lpa in Lpa.objects.filter(code__in=lpa_codes)}
    missing = [c for c in lpa_codes if c not in found]
    if missing:
        raise DomainError(
            _("Unknown LPA code: %(codes)s") % {"codes": ", ".join(missing)}, code="unknown_lpa", field="lpas"
        )
    return [found[c] for c in lpa_codes]
