"""Writes for the field workforce: trainings and records, norms, honoraria, vehicles and equipment.
One transaction and one audit event per change; status changes are compare-and-set."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.audit.models import AuditEvent
from askesos.audit.services import audit_bulk, audit_record
from askesos.core.errors import DomainError, TransitionError
from askesos.core.uploads import DOCUMENTS, EXTENSIONS, check_upload
from askesos.fund.services import post_journal
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.regions.models import Region
from askesos.workforce import rules
from askesos.workforce.models import (
    Condition,
    Equipment,
    HonorariumFormula,
    HonorariumStatement,
    HonorariumStatus,
    MaintenanceRecord,
    PaidFrom,
    Training,
    TrainingRecord,
    Vehicle,
    WorkloadNorm,
)
from askesos.workforce.selectors import kpis_for, month_end


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Training ------------------------------------------------------------------------------------


@transaction.atomic
def training_create(
    *,
    actor: Any,
    region: Region,
    lpa: Lpa | None,
    type: str,
    topic: str,
    title: str,
    hours: int,
    provider: str,
    held_on: dt.date,
    today: dt.date,
    certificate: UploadedFile | None = None,
) -> Training:
    """Record a training (diklat, workshop, seminar) that took place; the thesis asks for more."""
    if held_on > today:
        raise DomainError(_("A training is recorded after it took place."), code="future", field="held_on")
    if hours <= 0:
        raise DomainError(_("Hours must be more than zero."), code="hours", field="hours")
    training = Training(
        lpa=lpa,
        region=region,
        type=type,
        topic=topic,
        title=title.strip(),
        hours=hours,
        provider=provider.strip(),
        held_on=held_on,
        created_by=_user(actor),
    )
    if certificate is not None:
        content_type = check_upload(certificate, accept=DOCUMENTS, field="certificate").content_type
        training.certificate_content_type = content_type
        training.certificate_file.save(f"certificate{EXTENSIONS[content_type]}", certificate, save=False)
    training.save()
    audit_record(
        actor=actor,
        action="workforce.training_create",
        obj=training,
        new={
            "type": type,
            "topic": topic,
            "title": training.title,
            "hours": hours,
            "on": held_on,
            "certificate": training.certificate_file.name or "",
        },
        region_id=region.pk,
        lpa_id=lpa.pk if lpa else None,
    )
    return training


@transaction.atomic
def training_record_set(
    *,
    actor: Any,
    training: Training,
    officer: FieldOfficer,
    attended: bool,
    score: int | None,
    certificate_number: str = "",
) -> TrainingRecord:
    """Record (or correct) one officer's attendance, competence score (0 to 100) and certificate."""
    if score is not None and not 0 <= score <= 100:
        raise DomainError(_("The score is between 0 and 100."), code="score_range", field="score")
    record, created = TrainingRecord.objects.update_or_create(
        training=training,
        officer=officer,
        defaults={"attended": attended, "score": score, "certificate_number": certificate_number.strip()},
    )
    audit_record(
        actor=actor,
        action="workforce.training_record",
        obj=record,
        new={
            "training": training.pk,
            "officer": officer.pk,
            "attended": attended,
            "score": score,
            "certificate": record.certificate_number,
            "created": created,
        },
        region_id=officer.lpa.kelurahan_id,
        lpa_id=officer.lpa_id,
    )
    return record


@transaction.atomic
def workload_norm_set(*, actor: Any, lpa: Lpa, members_per_officer: int) -> WorkloadNorm:
    """Set how many members one officer of ``lpa`` can serve."""
    if members_per_officer <= 0:
        raise DomainError(_("The norm must be more than zero."), code="norm", field="members_per_officer")
    norm, _created = WorkloadNorm.objects.get_or_create(lpa=lpa)
    old = norm.members_per_officer
    WorkloadNorm.objects.filter(pk=norm.pk).update(members_per_officer=members_per_officer)
    norm.members_per_officer = members_per_officer
    audit_record(
        actor=actor,
        action="workforce.norm_set",
        obj=norm,
        old={"members_per_officer": old},
        new={"members_per_officer": members_per_officer},
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.pk,
    )
    return norm


# --- Honorarium ----------------------------------------------------------------------------------


def formula_for(lpa_id: int, month: dt.date) -> HonorariumFormula:
    """The LPA's formula in force for ``month``, else the national default in force; else an error."""
    for lpa_filter in ({"lpa_id": lpa_id}, {"lpa__isnull": True}):
        formula = (
            HonorariumFormula.objects.filter(effective_from__lte=month, **lpa_filter)
            .order_by("-effective_from")
            .first()
        )
        if formula is not None:
            return formula
    raise DomainError(_("No honorarium formula is in force for this month."), code="no_formula")


def seed_national_formula(*, effective_from: dt.date = dt.date(2020, 1, 1)) -> HonorariumFormula:
    """The national default, clearly an ANALOGUE (PROGRAM.md §4, BPJS TK Perisai agents, M):
    Rp 500,000 a month for 50 new members + 7.5 % of contributions collected. Idempotent."""
    formula, _created = HonorariumFormula.objects.get_or_create(
        lpa=None,
        effective_from=effective_from,
        defaults={
            "base_monthly": 500_000,
            "base_min_new_members": 50,
            "per_new_member": 0,
            "collection_bp": 750,
            "note": "Analogue: BPJS TK Perisai agents (PROGRAM.md §4, confidence M). Set your own.",
        },
    )
    return formula


def _lines(formula: HonorariumFormula, new_members: int, collections: int) -> rules.HonorariumLines:
    return rules.honorarium(
        base_monthly=formula.base_monthly,
        base_min_new_members=formula.base_min_new_members,
        per_new_member=formula.per_new_member,
        collection_bp=formula.collection_bp,
        new_members=new_members,
        collections=collections,
    )


@transaction.atomic
def honorarium_compute(*, actor: Any, lpa: Lpa, month: dt.date, today: dt.date) -> list[HonorariumStatement]:
    """Compute draft statements for every officer of ``lpa`` active in ``month``: new members
    (enrolments) and premiums collected from the KPIs, lines from the formula in force. Drafts are
    recomputed; approved and paid statements are never touched. Set-based: bulk insert/update."""
    month = month.replace(day=1)
    if month > today.replace(day=1):
        raise DomainError(_("A month is paid after it has begun."), code="future_month", field="month")
    formula = formula_for(lpa.pk, month)
    officers = list(
        FieldOfficer.objects.filter(lpa=lpa, active_from__lte=month_end(month))
        .exclude(active_to__lt=month)
        .select_related("lpa")
    )
    existing = {
        s.officer_id: s for s in HonorariumStatement.objects.select_for_update().filter(lpa=lpa, month=month)
    }
    now = timezone.now()
    create, update, events = [], [], []
    for kpi in kpis_for(officers, month):
        lines = _lines(formula, kpi.enrolments, kpi.collected)
        values = {
            "formula": formula,
            "new_members": kpi.enrolments,
            "collections": kpi.collected,
            "base_amount": lines.base,
            "new_member_amount": lines.new_members,
            "collection_amount": lines.collections,
            "total": lines.total,
            "computed_at": now,
        }
        statement = existing.get(kpi.officer.pk)
        if statement is None:
            statement = HonorariumStatement(officer=kpi.officer, lpa=lpa, month=month, **values)
            create.append(statement)
        elif statement.status == HonorariumStatus.DRAFT:
            for name, value in values.items():
                setattr(statement, name, value)
            update.append(statement)
        else:
            continue
        events.append((statement, {k: v for k, v in values.items() if k not in ("formula", "computed_at")}))
    HonorariumStatement.objects.bulk_create(create)
    HonorariumStatement.objects.bulk_update(
        update,
        [
            "formula",
            "new_members",
            "collections",
            "base_amount",
            "new_member_amount",
            "collection_amount",
            "total",
            "computed_at",
        ],
    )
    if not all(s.pk for s in create):  # backends without RETURNING on bulk insert
        ids = dict(HonorariumStatement.objects.filter(lpa=lpa, month=month).values_list("officer_id", "pk"))
        for s in create:
            s.pk = ids[s.officer_id]
    audit_bulk(
        AuditEvent(
            at=now,
            actor=_user(actor),
            actor_label=str(getattr(actor, "username", "system")),
            action="workforce.honorarium_compute",
            object_type="workforce.honorariumstatement",
            object_id=str(s.pk),
            object_label=f"{s.officer.full_name} {month:%Y-%m}",
            new={**v, "formula": formula.pk},
            region_id=lpa.kelurahan_id,
            lpa_id=lpa.pk,
        )
        for s, v in events
    )
    return create + update


def _cas(statement: HonorariumStatement, old: str, new: str, **changes: Any) -> None:
    if statement.status != old:
        raise TransitionError(
            _("The statement is %(status)s; it cannot become %(new)s.")
            % {"status": statement.get_status_display(), "new": new}
        )
    if HonorariumStatement.objects.filter(pk=statement.pk, status=old).update(status=new, **changes) != 1:
        raise TransitionError(_("The statement was changed by someone else; reload and try again."))
    statement.status = new
    for name, value in changes.items():
        setattr(statement, name, value)


@transaction.atomic
def honorarium_approve(*, actor: Any, statement: HonorariumStatement, today: dt.date) -> HonorariumStatement:
    """draft → approved (compare-and-set, audited): the amounts are frozen from here on."""
    _cas(
        statement,
        HonorariumStatus.DRAFT,
        HonorariumStatus.APPROVED,
        approved_by=_user(actor),
        approved_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="workforce.honorarium_approve",
        obj=statement,
        old={"status": HonorariumStatus.DRAFT},
        new={"status": HonorariumStatus.APPROVED, "total": statement.total},
        region_id=statement.lpa.kelurahan_id,
        lpa_id=statement.lpa_id,
    )
    return statement


@transaction.atomic
def honorarium_pay(
    *, actor: Any, statement: HonorariumStatement, paid_on: dt.date, paid_from: str, today: dt.date
) -> HonorariumStatement:
    """approved → paid (compare-and-set, audited) and post the expense to the LPA's fund: debit 5200
    honoraria / credit 1200 bank or 1110 cash, idempotent by ``honorarium-<id>``. ``paid_on_time``
    records whether it was paid by the 10th of the next month."""
    if paid_from not in PaidFrom.values:
        raise DomainError(_("Choose bank or cash."), code="paid_from", field="paid_from")
    if paid_on > today:
        raise DomainError(_("The payment date cannot be in the future."), code="future", field="paid_on")
    on_time = rules.paid_on_time(statement.month, paid_on)
    _cas(
        statement,
        HonorariumStatus.APPROVED,
        HonorariumStatus.PAID,
        paid_on=paid_on,
        paid_from=paid_from,
        paid_on_time=on_time,
    )
    entry_id = honorarium_post(statement=statement, actor=actor)
    audit_record(
        actor=actor,
        action="workforce.honorarium_pay",
        obj=statement,
        old={"status": HonorariumStatus.APPROVED},
        new={
            "status": HonorariumStatus.PAID,
            "paid_on": paid_on,
            "paid_from": paid_from,
            "on_time": on_time,
            "journal_entry": entry_id,
            "total": statement.total,
        },
        region_id=statement.lpa.kelurahan_id,
        lpa_id=statement.lpa_id,
    )
    return statement


def honorarium_post(*, statement: HonorariumStatement, actor: Any = None) -> int | None:
    """Post a paid statement to the fund (safe to repeat: the key makes it idempotent). A zero
    statement posts nothing."""
    if statement.total == 0 or statement.paid_on is None:
        return None
    entry = post_journal(
        lpa_id=statement.lpa_id,
        on=statement.paid_on,
        memo=f"Honorarium {statement.officer.full_name} {statement.month:%Y-%m}",
        source_type="workforce.honorarium",
        source_id=str(statement.pk),
        lines=[("5200", statement.total, 0), (statement.paid_from, 0, statement.total)],
        idempotency_key=f"honorarium-{statement.pk}",
        actor=actor,
    )
    HonorariumStatement.objects.filter(pk=statement.pk).update(journal_entry_id=entry.pk)
    statement.journal_entry_id = entry.pk
    return entry.pk


# --- Facilities ----------------------------------------------------------------------------------


def _check_assignee(lpa: Lpa, officer: FieldOfficer | None) -> None:
    if officer is not None and officer.lpa_id != lpa.pk:
        raise DomainError(
            _("The officer belongs to another LPA."), code="officer_lpa", field="assigned_officer"
        )


@transaction.atomic
def vehicle_add(
    *,
    actor: Any,
    lpa: Lpa,
    type: str,
    plate: str,
    condition: str,
    acquired_on: dt.date,
    assigned_officer: FieldOfficer | None = None,
) -> Vehicle:
    """Register an operational vehicle of an LPA (plates are unique, stored upper-case)."""
    _check_assignee(lpa, assigned_officer)
    clean = " ".join(plate.upper().split())
    if Vehicle.objects.filter(plate=clean).exists():
        raise DomainError(
            _("A vehicle with plate %(plate)s exists.") % {"plate": clean}, code="plate_taken", field="plate"
        )
    vehicle = Vehicle.objects.create(
        lpa=lpa,
        type=type,
        plate=clean,
        condition=condition,
        acquired_on=acquired_on,
        assigned_officer=assigned_officer,
    )
    audit_record(
        actor=actor,
        action="workforce.vehicle_add",
        obj=vehicle,
        new={
            "type": type,
            "plate": clean,
            "condition": condition,
            "officer": assigned_officer.pk if assigned_officer else None,
        },
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.pk,
    )
    return vehicle


@transaction.atomic
def equipment_add(
    *,
    actor: Any,
    lpa: Lpa,
    type: str,
    serial: str,
    condition: str,
    acquired_on: dt.date,
    assigned_officer: FieldOfficer | None = None,
) -> Equipment:
    """Register a piece of equipment of an LPA."""
    _check_assignee(lpa, assigned_officer)
    item = Equipment.objects.create(
        lpa=lpa,
        type=type,
        serial=serial.strip(),
        condition=condition,
        acquired_on=acquired_on,
        assigned_officer=assigned_officer,
    )
    audit_record(
        actor=actor,
        action="workforce.equipment_add",
        obj=item,
        new={"type": type, "serial": item.serial, "condition": condition},
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.pk,
    )
    return item


Asset = Vehicle | Equipment


@transaction.atomic
def asset_update(
    *, actor: Any, asset: Asset, condition: str, assigned_officer: FieldOfficer | None, reason: str = ""
) -> Asset:
    """Change an asset's condition or assignee; both changes are audited (old → new)."""
    if condition not in Condition.values:
        raise DomainError(_("Unknown condition."), code="condition", field="condition")
    lpa = asset.lpa
    _check_assignee(lpa, assigned_officer)
    old = {"condition": asset.condition, "officer": asset.assigned_officer_id}
    new = {"condition": condition, "officer": assigned_officer.pk if assigned_officer else None}
    type(asset).objects.filter(pk=asset.pk).update(condition=condition, assigned_officer=assigned_officer)
    asset.condition, asset.assigned_officer = condition, assigned_officer
    if old != new:
        audit_record(
            actor=actor,
            action=f"workforce.{asset._meta.model_name}_update",
            obj=asset,
            old=old,
            new=new,
            reason=reason,
            region_id=lpa.kelurahan_id,
            lpa_id=lpa.pk,
        )
    return asset


@transaction.atomic
def maintenance_record(
    *,
    actor: Any,
    asset: Asset,
    on: dt.date,
    description: str,
    cost: int,
    condition_after: str,
    today: dt.date,
) -> MaintenanceRecord:
    """Log maintenance of an asset and set its condition to the condition after the work (audited)."""
    if on > today:
        raise DomainError(_("Maintenance is recorded after it was done."), code="future", field="on")
    record = MaintenanceRecord.objects.create(
        lpa_id=asset.lpa_id,
        vehicle=asset if isinstance(asset, Vehicle) else None,
        equipment=asset if isinstance(asset, Equipment) else None,
        on=on,
        description=description.strip(),
        cost=cost,
        condition_after=condition_after,
        recorded_by=_user(actor),
    )
    asset_update(
        actor=actor,
        asset=asset,
        condition=condition_after,
        assigned_officer=asset.assigned_officer,
        reason=_("maintenance on %(on)s") % {"on": on.isoformat()},
    )
    return record
