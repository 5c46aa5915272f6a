"""Writes for implementing organisations: proposal, profile, selection checklist, status machine,
seed grant, field officers. Every service is keyword-only, transactional and writes one audit
event per change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.accounts.models import Role, User
from askesos.audit.services import audit_record, changed_fields
from askesos.core.access import region_in_scope
from askesos.core.errors import DomainError, TransitionError
from askesos.core.uploads import DOCUMENTS, EXTENSIONS, check_upload
from askesos.lpa import rules
from askesos.lpa.models import Criterion, CriterionEvidence, FieldOfficer, Lpa, LpaCriterion, SeedGrant
from askesos.regions.models import Region

S = Lpa.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PROPOSED: frozenset({S.VERIFIED, S.CLOSED}),
    S.VERIFIED: frozenset({S.ACTIVE, S.CLOSED}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.CLOSED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.CLOSED}),
    S.CLOSED: frozenset(),
}

# Profile fields a Dinas Sosial / Kemensos user may set; an LPA's own manager may not move the
# LPA (code, kelurahan) and never touches its status.
PROFILE_FIELDS = (
    "name",
    "legal_form",
    "legal_registration_no",
    "npwp",
    "founded_on",
    "address",
    "phone",
    "email",
    "head_name",
    "bank_name",
    "bank_account_no",
    "bank_account_holder",
)
ADMIN_FIELDS = ("code", "kelurahan", *PROFILE_FIELDS)


def _audit_values(lpa: Lpa, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: (getattr(lpa, f"{f}_id") if f == "kelurahan" else getattr(lpa, f)) for f in fields}


def _check_kelurahan(actor: Any, kelurahan: Region) -> None:
    if kelurahan.level != Region.Level.VILLAGE:
        raise DomainError(
            _("Choose a kelurahan or desa, not a larger region."), code="not_kelurahan", field="kelurahan"
        )
    if actor is not None and not region_in_scope(actor, kelurahan.id):
        raise DomainError(_("This kelurahan is outside your region."), code="out_of_scope", field="kelurahan")


def _clean_profile(values: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    """Normalise phone and NPWP; refuse a founding date in the future."""
    if values.get("phone"):
        phone = rules.normalize_phone(values["phone"])
        if phone is None:
            raise DomainError(
                _("Enter an Indonesian phone number, e.g. 0812-3456-7890."), code="phone", field="phone"
            )
        values["phone"] = phone
    if values.get("npwp"):
        digits = "".join(ch for ch in values["npwp"] if ch.isdigit())
        if len(digits) not in (15, 16):
            raise DomainError(_("An NPWP has 15 or 16 digits."), code="npwp", field="npwp")
        values["npwp"] = digits
    founded_on = values.get("founded_on")
    if founded_on is not None and founded_on > today:
        raise DomainError(
            _("The founding date cannot be in the future."), code="founded_on", field="founded_on"
        )
    return values


@transaction.atomic
def lpa_propose(
    *, actor: Any, code: str, kelurahan: Region, profile: Mapping[str, Any], today: dt.date
) -> Lpa:
    """Propose an implementing organisation (status ``proposed``) with an empty seven-row checklist.

    Dinas Sosial selects LPAs in its area (PROGRAM.md §1), so the kelurahan must be in the
    proposer's region scope.
    """
    _check_kelurahan(actor, kelurahan)
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    code = code.strip().upper()
    if Lpa.objects.filter(code=code).exists():
        raise DomainError(_("An LPA with this code already exists."), code="duplicate_code", field="code")
    values = _clean_profile(dict(profile), today=today)
    lpa = Lpa.objects.create(
        code=code,
        kelurahan=kelurahan,
        status=S.PROPOSED,
        proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    LpaCriterion.objects.bulk_create(LpaCriterion(lpa=lpa, criterion=c) for c in Criterion.values)
    audit_record(
        actor=actor,
        action="lpa.propose",
        obj=lpa,
        new={"status": S.PROPOSED, **_audit_values(lpa, ADMIN_FIELDS)},
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.id,
    )
    return lpa


@transaction.atomic
def lpa_update(
    *, actor: Any, lpa: Lpa, changes: Mapping[str, Any], today: dt.date, own_profile: bool = False
) -> Lpa:
    """Edit an LPA's profile. ``own_profile`` (an LPA manager editing their own LPA) may change only
    the profile fields, never code, kelurahan or status; status changes have their own services."""
    allowed = PROFILE_FIELDS if own_profile else ADMIN_FIELDS
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    values = _clean_profile(dict(changes), today=today)
    if "kelurahan" in values and values["kelurahan"].pk != lpa.kelurahan_id:
        _check_kelurahan(actor, values["kelurahan"])
    if "code" in values:
        values["code"] = values["code"].strip().upper()
        if Lpa.objects.filter(code=values["code"]).exclude(pk=lpa.pk).exists():
            raise DomainError(_("An LPA with this code already exists."), code="duplicate_code", field="code")
    before = _audit_values(lpa, tuple(values))
    for field, value in values.items():
        setattr(lpa, field, value)
    old, new = changed_fields(before, _audit_values(lpa, tuple(values)))
    if not new:
        return lpa
    lpa.save(update_fields=[*values, "updated_at"])
    audit_record(
        actor=actor, action="lpa.update", obj=lpa, old=old, new=new, region_id=lpa.kelurahan_id, lpa_id=lpa.id
    )
    return lpa


def allowed_transitions(lpa: Lpa) -> frozenset[str]:
    return TRANSITIONS[lpa.status]


def available_actions(lpa: Lpa) -> list[str]:
    """Names of the transition services that apply to the LPA now (``ACTIONS`` keys), in a fixed
    order; suspended → active is "reinstate", verified → active is "activate"."""
    verbs = {S.VERIFIED: "verify", S.ACTIVE: "activate", S.SUSPENDED: "suspend", S.CLOSED: "close"}
    names = {
        "reinstate" if (lpa.status == S.SUSPENDED and target == S.ACTIVE) else verbs[S(target)]
        for target in TRANSITIONS[lpa.status]
    }
    return [name for name in ACTION_ORDER if name in names]


def _transition(*, actor: Any, lpa: Lpa, new: str, action: str, reason: str = "") -> Lpa:
    """Compare-and-set ``lpa.status`` from what the caller saw to ``new``; audit old/new."""
    old = lpa.status
    if new not in TRANSITIONS[old]:
        raise TransitionError(
            _("An LPA cannot go from %(old)s to %(new)s.") % {"old": S(old).label, "new": S(new).label}
        )
    now = timezone.now()
    updated = Lpa.objects.filter(pk=lpa.pk, status=old).update(
        status=new, status_reason=reason, status_changed_at=now, updated_at=now
    )
    if updated != 1:
        raise TransitionError(
            _("The LPA's status was changed by someone else; reload and try again."), code="stale_status"
        )
    lpa.status, lpa.status_reason, lpa.status_changed_at = new, reason, now
    audit_record(
        actor=actor,
        action=action,
        obj=lpa,
        old={"status": old},
        new={"status": new},
        reason=reason,
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.id,
        at=now,
    )
    return lpa


def verification_problems(lpa: Lpa, *, today: dt.date) -> list[str]:
    """Why the LPA cannot be verified yet (empty when it can): every one of the seven selection
    criteria must be recorded as met, and the founding date must lie at least three years before
    ``today`` (PROGRAM.md §1)."""
    met = set(LpaCriterion.objects.filter(lpa=lpa, met=True).values_list("criterion", flat=True))
    problems = [
        _("Criterion not met: %(criterion)s") % {"criterion": Criterion(c).label}
        for c in Criterion.values
        if c not in met
    ]
    if lpa.founded_on is None:
        problems.append(
            _(
                "The founding date is missing, so 3 consecutive years of social-service work "
                "cannot be checked."
            )
        )
    elif not rules.service_years_met(lpa.founded_on, today):
        problems.append(
            _(
                "Founded on %(founded)s: only %(years)s full year(s) of social-service work by %(today)s; "
                "at least 3 consecutive years are required."
            )
            % {
                "founded": lpa.founded_on.isoformat(),
                "years": rules.full_years_between(lpa.founded_on, today),
                "today": today.isoformat(),
            }
        )
    return problems


@transaction.atomic
def lpa_verify(*, actor: Any, lpa: Lpa, today: dt.date, reason: str = "") -> Lpa:
    """Dinas Sosial verifies a proposed LPA: only when all seven selection criteria are met."""
    if lpa.status == S.PROPOSED:
        problems = verification_problems(lpa, today=today)
        if problems:
            raise TransitionError(" ".join(problems), code="criteria_not_met")
    return _transition(actor=actor, lpa=lpa, new=S.VERIFIED, action="lpa.verify", reason=reason)


@transaction.atomic
def lpa_activate(*, actor: Any, lpa: Lpa, today: dt.date, reason: str = "") -> Lpa:
    """A verified LPA starts enrolling members."""
    if lpa.status == S.SUSPENDED:
        raise TransitionError(_("A suspended LPA is reinstated, not activated."), code="invalid_transition")
    return _transition(actor=actor, lpa=lpa, new=S.ACTIVE, action="lpa.activate", reason=reason)


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise DomainError(_("Give a reason."), code="reason_required", field="reason")
    return reason.strip()


@transaction.atomic
def lpa_suspend(*, actor: Any, lpa: Lpa, today: dt.date, reason: str) -> Lpa:
    """Suspend an active LPA (e.g. after a monitoring finding); a reason is required."""
    return _transition(
        actor=actor, lpa=lpa, new=S.SUSPENDED, action="lpa.suspend", reason=_require_reason(reason)
    )


@transaction.atomic
def lpa_reinstate(*, actor: Any, lpa: Lpa, today: dt.date, reason: str = "") -> Lpa:
    """Lift a suspension: suspended → active."""
    if lpa.status != S.SUSPENDED:
        raise TransitionError(_("Only a suspended LPA can be reinstated."), code="invalid_transition")
    return _transition(actor=actor, lpa=lpa, new=S.ACTIVE, action="lpa.reinstate", reason=reason)


@transaction.atomic
def lpa_close(*, actor: Any, lpa: Lpa, today: dt.date, reason: str) -> Lpa:
    """Close an LPA for good, from any open status; a reason is required."""
    return _transition(actor=actor, lpa=lpa, new=S.CLOSED, action="lpa.close", reason=_require_reason(reason))


ACTION_ORDER = ("verify", "activate", "reinstate", "suspend", "close")
ACTIONS_NEEDING_REASON = frozenset({"suspend", "close"})
ACTIONS = {
    "verify": lpa_verify,
    "activate": lpa_activate,
    "reinstate": lpa_reinstate,
    "suspend": lpa_suspend,
    "close": lpa_close,
}


def _open_lpa(lpa: Lpa) -> None:
    if lpa.status == S.CLOSED:
        raise DomainError(_("The LPA is closed."), code="lpa_closed")


@transaction.atomic
def criterion_assess(
    *, actor: Any, lpa: Lpa, criterion: str, met: bool, note: str, today: dt.date
) -> LpaCriterion:
    """Record Dinas Sosial's finding on one selection criterion (met or not, with a note)."""
    _open_lpa(lpa)
    row, _created = LpaCriterion.objects.select_for_update().get_or_create(
        lpa=lpa, criterion=Criterion(criterion)
    )
    before: dict[str, Any] = {"met": row.met, "note": row.note}
    after: dict[str, Any] = {"met": bool(met), "note": note.strip()}
    if before == after:
        return row
    row.met, row.note = bool(met), note.strip()
    row.checked_by = actor if getattr(actor, "is_authenticated", False) else None
    row.checked_at = timezone.now()
    row.save()
    audit_record(
        actor=actor,
        action="lpa.criterion_assess",
        obj=row,
        old={"criterion": row.criterion, **before},
        new={"criterion": row.criterion, **after},
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.id,
    )
    return row


@transaction.atomic
def evidence_add(
    *, actor: Any, lpa: Lpa, criterion: str, upload: UploadedFile, today: dt.date
) -> CriterionEvidence:
    """Attach a document to a selection criterion. The type is decided by the file's content
    (PDF/JPEG/PNG magic bytes), never by its name; the size limit is ``ASKESOS_MAX_UPLOAD_BYTES``
    (``core.uploads.check_upload``)."""
    _open_lpa(lpa)
    content_type = check_upload(upload, accept=DOCUMENTS).content_type
    row, _created = LpaCriterion.objects.get_or_create(lpa=lpa, criterion=Criterion(criterion))
    evidence = CriterionEvidence(
        lpa=lpa,
        criterion=row,
        original_name=(upload.name or "evidence")[-200:],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        uploaded_at=timezone.now(),
    )
    evidence.file.save(f"evidence{EXTENSIONS[content_type]}", upload, save=False)
    evidence.save()
    audit_record(
        actor=actor,
        action="lpa.evidence_add",
        obj=evidence,
        new={
            "criterion": row.criterion,
            "file": evidence.file.name,
            "name": evidence.original_name,
            "content_type": content_type,
            "size": evidence.size,
        },
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.id,
    )
    return evidence


@transaction.atomic
def seed_grant_record(
    *,
    actor: Any,
    lpa: Lpa,
    received_on: dt.date,
    reference: str,
    today: dt.date,
    amount: int = rules.SEED_GRANT_RUPIAH,
) -> SeedGrant:
    """Record the one-off seed grant (Rp 30,000,000 by default, PROGRAM.md §1) an LPA received.

    Only once per LPA, only after verification (Kemensos funds organisations it has appointed),
    never dated in the future.
    """
    if lpa.status not in (S.VERIFIED, S.ACTIVE, S.SUSPENDED):
        raise DomainError(
            _("A seed grant is recorded only for a verified or active LPA."), code="lpa_not_verified"
        )
    if amount <= 0:
        raise DomainError(_("The amount must be positive."), code="amount", field="amount")
    if received_on > today:
        raise DomainError(
            _("The date received cannot be in the future."), code="received_on", field="received_on"
        )
    if SeedGrant.objects.filter(lpa=lpa).exists():
        raise DomainError(_("This LPA's seed grant is already recorded."), code="seed_grant_exists")
    grant = SeedGrant.objects.create(
        lpa=lpa,
        amount=amount,
        received_on=received_on,
        reference=reference.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="seed_grant.record",
        obj=grant,
        new={"amount": amount, "received_on": received_on, "reference": grant.reference},
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.id,
    )
    return grant


# --- field officers -------------------------------------------------------------------------

OFFICER_FIELDS = ("full_name", "nik", "phone", "active_from", "active_to", "user", "education", "notes")


def _clean_officer(values: dict[str, Any]) -> dict[str, Any]:
    if "nik" in values:
        nik = rules.normalize_nik(values["nik"])
        if not rules.nik_is_valid(nik):
            raise DomainError(
                _("Enter a valid 16-digit NIK (region codes, birth date, serial)."), code="nik", field="nik"
            )
        values["nik"] = nik
    if values.get("phone"):
        phone = rules.normalize_phone(values["phone"])
        if phone is None:
            raise DomainError(
                _("Enter an Indonesian phone number, e.g. 0812-3456-7890."), code="phone", field="phone"
            )
        values["phone"] = phone
    if "full_name" in values:
        values["full_name"] = " ".join(values["full_name"].split())
    return values


def _check_officer_kelurahan(kelurahan: list[Region]) -> None:
    if any(k.level != Region.Level.VILLAGE for k in kelurahan):
        raise DomainError(
            _("Officers are assigned to kelurahan or desa only."), code="not_kelurahan", field="kelurahan"
        )


def _check_officer_user(user: User | None, officer: FieldOfficer | None) -> None:
    if user is None:
        return
    if user.role != Role.FIELD_OFFICER:
        raise DomainError(
            _("The linked user account must have the role field officer."), code="user_role", field="user"
        )
    other = FieldOfficer.objects.filter(user=user)
    if officer is not None:
        other = other.exclude(pk=officer.pk)
    if other.exists():
        raise DomainError(
            _("This user account is already linked to another field officer."),
            code="user_taken",
            field="user",
        )


def _officer_audit(officer: FieldOfficer, kelurahan_ids: list[int] | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {f: getattr(officer, f"{f}_id" if f == "user" else f) for f in OFFICER_FIELDS}
    values["nik"] = officer.nik_masked  # the audit log is read more widely than the NIK should be
    values["lpa"] = officer.lpa_id
    if kelurahan_ids is not None:
        values["kelurahan"] = sorted(kelurahan_ids)
    return values


@transaction.atomic
def officer_create(
    *, actor: Any, lpa: Lpa, kelurahan: list[Region], data: Mapping[str, Any], today: dt.date
) -> FieldOfficer:
    """Register a field officer of ``lpa`` (PROGRAM.md §1) assigned to kelurahan (level 4). A linked
    user account must have the field-officer role and gets the LPA added to its scope."""
    _open_lpa(lpa)
    values = _clean_officer({k: v for k, v in data.items() if k in OFFICER_FIELDS})
    _check_officer_kelurahan(kelurahan)
    _check_officer_user(values.get("user"), None)
    if FieldOfficer.objects.filter(lpa=lpa, nik=values["nik"]).exists():
        raise DomainError(
            _("This LPA already has a field officer with this NIK."), code="duplicate_nik", field="nik"
        )
    values.setdefault("active_from", today)
    _check_dates(values["active_from"], values.get("active_to"))
    officer = FieldOfficer.objects.create(lpa=lpa, **values)
    officer.kelurahan.set(kelurahan)
    if officer.user is not None:
        officer.user.scope_lpas.add(lpa)
    audit_record(
        actor=actor,
        action="officer.create",
        obj=officer,
        new=_officer_audit(officer, [k.pk for k in kelurahan]),
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.id,
    )
    return officer


def _check_dates(active_from: dt.date, active_to: dt.date | None) -> None:
    if active_to is not None and active_to < active_from:
        raise DomainError(_("The end date is before the start date."), code="dates", field="active_to")


@transaction.atomic
def officer_update(
    *,
    actor: Any,
    officer: FieldOfficer,
    changes: Mapping[str, Any],
    today: dt.date,
    kelurahan: list[Region] | None = None,
) -> FieldOfficer:
    """Edit an officer. Relinking the user account moves the LPA scope from the old user to the new."""
    unknown = set(changes) - set(OFFICER_FIELDS)
    if unknown:
        raise ValueError(f"not officer fields: {sorted(unknown)}")
    values = _clean_officer(dict(changes))
    if (
        "nik" in values
        and FieldOfficer.objects.filter(lpa_id=officer.lpa_id, nik=values["nik"])
        .exclude(pk=officer.pk)
        .exists()
    ):
        raise DomainError(
            _("This LPA already has a field officer with this NIK."), code="duplicate_nik", field="nik"
        )
    if "user" in values:
        _check_officer_user(values["user"], officer)
    old_kelurahan = sorted(officer.kelurahan.values_list("pk", flat=True))
    before = _officer_audit(officer, old_kelurahan)
    old_user = officer.user
    for field, value in values.items():
        setattr(officer, field, value)
    _check_dates(officer.active_from, officer.active_to)
    new_kelurahan = old_kelurahan
    if kelurahan is not None:
        _check_officer_kelurahan(kelurahan)
        new_kelurahan = sorted(k.pk for k in kelurahan)
    old, new = changed_fields(before, _officer_audit(officer, new_kelurahan))
    if not new:
        return officer
    officer.save()
    if kelurahan is not None and new_kelurahan != old_kelurahan:
        officer.kelurahan.set(kelurahan)
    if old_user != officer.user:
        if old_user is not None:
            old_user.scope_lpas.remove(officer.lpa_id)
        if officer.user is not None:
            officer.user.scope_lpas.add(officer.lpa_id)
    audit_record(
        actor=actor,
        action="officer.update",
        obj=officer,
        old=old,
        new=new,
        region_id=officer.lpa.kelurahan_id,
        lpa_id=officer.lpa_id,
    )
    return officer


@transaction.atomic
def officer_deactivate(
    *, actor: Any, officer: FieldOfficer, today: dt.date, reason: str = ""
) -> FieldOfficer:
    """End an officer's service today (compare-and-set on an open ``active_to``). A linked user
    account loses the LPA from its scope; the account itself is managed in accounts."""
    last_day = max(today, officer.active_from)
    if FieldOfficer.objects.filter(pk=officer.pk, active_to__isnull=True).update(active_to=last_day) != 1:
        raise TransitionError(_("This field officer is already inactive."), code="already_inactive")
    officer.active_to = last_day
    if officer.user is not None:
        officer.user.scope_lpas.remove(officer.lpa_id)
    audit_record(
        actor=actor,
        action="officer.deactivate",
        obj=officer,
        old={"active_to": None},
        new={"active_to": last_day},
        reason=reason,
        region_id=officer.lpa.kelurahan_id,
        lpa_id=officer.lpa_id,
    )
    return officer
