"""Writing scheme rules: new effective-dated versions, and edits of versions not yet in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from askesos.accounts.permissions import Capability, has_capability
from askesos.audit.services import audit_record
from askesos.core.errors import DomainError
from askesos.schemes.models import (
    Benefit,
    ClaimDocument,
    ClaimType,
    Payer,
    ReinstatementRule,
    Scheme,
    SchemeVersion,
)
from askesos.schemes.rules import (
    BENEFIT_FIELDS,
    VERSION_FIELDS,
    effective_from_error,
    placeholders_after_change,
    version_values_errors,
)

BenefitChanges = Mapping[str, Mapping[str, Any] | None]


def _require_manager(actor: Any) -> None:
    """Only Kemensos sets the scheme (PROGRAM.md §1); ``actor=None`` is the system (seeding)."""
    if actor is not None and not has_capability(actor, Capability.MANAGE_SCHEMES):
        raise DomainError(_("You may not change scheme rules."), code="forbidden")


def _check_keys(changes: Mapping[str, Any], benefits: BenefitChanges) -> None:
    unknown = sorted(set(changes) - set(VERSION_FIELDS))
    if unknown:
        raise DomainError(f"unknown scheme version fields: {', '.join(unknown)}", code="unknown_field")
    for claim_type, fields in benefits.items():
        if claim_type not in ClaimType.values:
            raise DomainError(f"unknown claim type {claim_type!r}", code="unknown_field")
        bad = sorted(set(fields or {}) - set(BENEFIT_FIELDS))
        if bad:
            raise DomainError(f"unknown benefit fields: {', '.join(bad)}", code="unknown_field")


def _check_values(values: Mapping[str, Any], benefits: Mapping[str, Mapping[str, Any]]) -> None:
    errors = version_values_errors(dict(values))
    if set(values.get("payers") or []) - set(Payer.values):
        errors.append(_("Unknown payer."))
    if values.get("reinstatement_rule") not in ReinstatementRule.values:
        errors.append(_("Unknown reinstatement rule."))
    for fields in benefits.values():
        if set(fields.get("documents") or []) - set(ClaimDocument.values):
            errors.append(_("Unknown claim document."))
    if errors:
        raise DomainError(" ".join(errors), code="invalid_rules")


def _version_values(version: SchemeVersion) -> dict[str, Any]:
    return {name: getattr(version, name) for name in VERSION_FIELDS}


def _benefit_values(version: SchemeVersion | None) -> dict[str, dict[str, Any]]:
    if version is None or version.pk is None:
        return {}
    return {b.claim_type: {f: getattr(b, f) for f in BENEFIT_FIELDS} for b in version.benefits.all()}


def _merge(
    base_values: dict[str, Any],
    base_benefits: dict[str, dict[str, Any]],
    changes: Mapping[str, Any],
    benefits: BenefitChanges,
    *,
    has_base: bool = True,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Apply changes on top of a base version; drop placeholder marks of the values that changed.

    Without a base (a scheme's first version) every value is new and ``placeholders`` is taken
    as given.
    """
    values = {**base_values, **changes}
    changed_fields = [k for k, v in changes.items() if k != "placeholders" and base_values.get(k) != v]
    merged: dict[str, dict[str, Any]] = {k: dict(v) for k, v in base_benefits.items()}
    changed_benefit_fields: list[str] = []
    for claim_type, fields in benefits.items():
        if fields is None:
            merged.pop(claim_type, None)
            continue
        before = merged.get(claim_type, {})
        changed_benefit_fields += [
            f"benefits.{claim_type}.{k}"
            for k, v in fields.items()
            if k != "is_placeholder" and before.get(k) != v
        ]
        merged[claim_type] = {**before, **fields}
    placeholders = list(values.get("placeholders") or [])
    if has_base:
        placeholders = placeholders_after_change(placeholders, changed_fields, changed_benefit_fields)
    values["placeholders"] = [
        p for p in placeholders if not p.startswith("benefits.") or p.split(".")[1] in merged
    ]
    for claim_type, fields in merged.items():
        explicit = "is_placeholder" in (benefits.get(claim_type) or {})
        if not explicit:
            fields["is_placeholder"] = any(
                p.startswith(f"benefits.{claim_type}.") for p in values["placeholders"]
            )
    return values, merged


def _write_benefits(version: SchemeVersion, benefits: Mapping[str, Mapping[str, Any]]) -> None:
    version.benefits.all().delete()
    Benefit.objects.bulk_create(
        [
            Benefit(version=version, claim_type=claim_type, **fields)
            for claim_type, fields in sorted(benefits.items())
        ]
    )


def scheme_version_create(
    *,
    actor: Any,
    scheme: Scheme,
    effective_from: dt.date,
    changes: Mapping[str, Any] | None = None,
    benefits: BenefitChanges | None = None,
    today: dt.date,
) -> SchemeVersion:
    """Add a version of ``scheme`` starting ``effective_from``, copying the version it follows.

    Rules: a version starts on the first of a month after today's month (the first version of a
    scheme may start earlier); a version in force is never edited, so history is kept and a claim
    is judged by the rules of its date (PROGRAM.md §2). ``changes`` holds SchemeVersion fields;
    ``benefits`` maps a claim type to changed Benefit fields (merged into the copied benefit) or
    to None (the new version drops that benefit). Values that change lose their placeholder mark.
    """
    _require_manager(actor)
    changes, benefits = dict(changes or {}), dict(benefits or {})
    _check_keys(changes, benefits)
    with transaction.atomic():
        # Lock the scheme row so two new versions of one scheme are written one after the other.
        list(Scheme.objects.select_for_update().filter(pk=scheme.pk).values_list("pk", flat=True))
        existing = list(SchemeVersion.objects.filter(scheme=scheme).order_by("effective_from"))
        problem = effective_from_error(effective_from, today, has_versions=bool(existing))
        if problem:
            raise DomainError(problem, code="invalid_effective_from", field="effective_from")
        if any(v.effective_from == effective_from for v in existing):
            raise DomainError(
                _("A version starting %(month)s already exists; edit it instead.")
                % {"month": effective_from.strftime("%Y-%m")},
                code="version_exists",
                field="effective_from",
            )
        earlier = [v for v in existing if v.effective_from < effective_from]
        base = earlier[-1] if earlier else (existing[0] if existing else SchemeVersion())
        values, merged = _merge(
            _version_values(base), _benefit_values(base), changes, benefits, has_base=base.pk is not None
        )
        _check_values(values, merged)
        version = SchemeVersion(scheme=scheme, effective_from=effective_from, **values)
        if getattr(actor, "is_authenticated", False):
            version.created_by = actor
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            raise DomainError(_("These rules are not consistent."), code="invalid_rules") from None
        _write_benefits(version, merged)
        audit_record(
            actor=actor,
            action="scheme_version.create",
            obj=version,
            new={
                "effective_from": effective_from,
                "based_on": base.pk,
                "changes": changes,
                "benefits": benefits,
            },
        )
    return version


def scheme_version_update(
    *,
    actor: Any,
    version: SchemeVersion,
    changes: Mapping[str, Any] | None = None,
    benefits: BenefitChanges | None = None,
    today: dt.date,
) -> SchemeVersion:
    """Edit a version that has not started yet. A version in force (or past) is refused: its rules
    already judged contributions and claims, so a change must be a new version (PROGRAM.md §2)."""
    _require_manager(actor)
    changes, benefits = dict(changes or {}), dict(benefits or {})
    _check_keys(changes, benefits)
    with transaction.atomic():
        locked = SchemeVersion.objects.select_for_update().select_related("scheme").get(pk=version.pk)
        if locked.effective_from <= today:
            raise DomainError(
                _(
                    "This version has been in force since %(date)s and cannot be edited; "
                    "create a new version from a future month instead."
                )
                % {"date": locked.effective_from.strftime("%Y-%m-%d")},
                code="version_in_force",
            )
        before_values, before_benefits = _version_values(locked), _benefit_values(locked)
        values, merged = _merge(before_values, before_benefits, changes, benefits)
        _check_values(values, merged)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))
        _write_benefits(locked, merged)
        audit_record(
            actor=actor,
            action="scheme_version.update",
            obj=locked,
            old={k: before_values[k] for k in changes},
            new={"changes": changes, "benefits": benefits},
        )
    return locked


def scheme_create(
    *, actor: Any, code: str, name: str, description: str = "", is_benchmark: bool = False
) -> Scheme:
    """Register a scheme (its rules come as versions). Audited."""
    _require_manager(actor)
    with transaction.atomic():
        if Scheme.objects.filter(code=code).exists():
            raise DomainError(
                _("A scheme with this code already exists."), code="scheme_exists", field="code"
            )
        scheme = Scheme.objects.create(
            code=code, name=name, description=description, is_benchmark=is_benchmark
        )
        audit_record(actor=actor, action="scheme.create", obj=scheme, new={"code": code, "name": name})
    return scheme
