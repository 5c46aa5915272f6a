"""Registry writes: registering and editing persons, their family card (KK) and their heirs.

Every service is keyword-only, runs in one transaction and writes one audit event per change
(``audit.services.audit_record``, scoped by the person's kelurahan and LPA). Identity rules come from
``registry.rules`` (PROGRAM.md §8): NIK errors block, NIK warnings are stored on the person; a NIK
exists once in the registry; a person is on one KK at a time and KK changes are kept as history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from askesos.audit.services import audit_record, changed_fields
from askesos.core.errors import DomainError
from askesos.core.masking import mask_nik
from askesos.lpa.models import Lpa
from askesos.regions.codes import LEVEL_VILLAGE
from askesos.regions.models import Region
from askesos.registry import rules
from askesos.registry.models import (
    Heir,
    Household,
    KkMembership,
    MaritalStatus,
    Occupation,
    Person,
    Sex,
)

FULL_SHARE_BP = 10_000


@dataclass(frozen=True)
class PersonInput:
    """What a form or an import row says about a person (values already parsed)."""

    nik: str
    full_name: str
    birth_date: dt.date
    sex: str
    marital_status: str
    occupation: str
    monthly_income: int
    is_breadwinner: bool
    address: str
    kelurahan_id: int
    kk_number: str = ""
    kk_relation: str = ""
    phone: str = ""


@dataclass(frozen=True)
class HeirInput:
    full_name: str
    nik: str
    relation: str
    share_bp: int
    payout_channel: str
    birth_date: dt.date | None = None
    phone: str = ""
    provider: str = ""
    account_number: str = ""
    account_holder: str = ""


# --- validation shared by register and update ------------------------------------------------------


def _clean_name(name: str, field: str = "full_name") -> str:
    cleaned = " ".join(str(name or "").split())
    if len(cleaned) < 2:
        raise DomainError(_("The name is missing."), code="name_missing", field=field)
    if len(cleaned) > 150:
        raise DomainError(_("The name is longer than 150 characters."), code="name_too_long", field=field)
    return cleaned


def nik_taken_error(nik: str, lpa_code: str) -> DomainError:
    """The message for a NIK that exists: the masked NIK and the LPA, never the other person's data."""
    return DomainError(
        _("NIK %(nik)s is already registered (LPA %(lpa)s).") % {"nik": mask_nik(nik), "lpa": lpa_code},
        code="nik_taken",
        field="nik",
    )


def _validated(data: PersonInput, *, today: dt.date) -> tuple[PersonInput, list[dict[str, str]]]:
    """Check every value; return the normalised input and the NIK warnings to store."""
    nik = rules.require_nik(data.nik, birth_date=data.birth_date, sex=data.sex, today=today)
    if data.birth_date > today:
        raise DomainError(_("The birth date is in the future."), code="birth_date_future", field="birth_date")
    if data.sex not in Sex.values:
        raise DomainError(_("Choose a sex."), code="sex_invalid", field="sex")
    if data.marital_status not in MaritalStatus.values:
        raise DomainError(_("Choose a marital status."), code="marital_invalid", field="marital_status")
    if data.occupation not in Occupation.values:
        raise DomainError(_("Choose an occupation."), code="occupation_invalid", field="occupation")
    if data.monthly_income < 0:
        raise DomainError(_("The income cannot be negative."), code="income_invalid", field="monthly_income")
    address = " ".join(data.address.split())
    if not address:
        raise DomainError(_("The address is missing."), code="address_missing", field="address")
    kk_number = ""
    if data.kk_number:
        kk = rules.check_kk(data.kk_number, today=today)
        if kk.errors:
            raise DomainError(kk.errors[0].message, code=kk.errors[0].code, field="kk_number")
        kk_number = kk.number or ""
    if data.kk_relation and data.kk_relation not in KkMembership.Relation.values:
        raise DomainError(
            _("Choose a relation to the head of family."), code="kk_relation", field="kk_relation"
        )
    if not Region.objects.filter(pk=data.kelurahan_id, level=LEVEL_VILLAGE).exists():
        raise DomainError(_("Choose a kelurahan/desa."), code="kelurahan_invalid", field="kelurahan")
    cleaned = PersonInput(
        **{
            **asdict(data),
            "nik": nik.nik or "",
            "full_name": _clean_name(data.full_name),
            "address": address[:300],
            "kk_number": kk_number,
            "phone": rules.normalize_phone(data.phone),
        }
    )
    return cleaned, [w.as_dict() for w in nik.warnings]


def _audit_values(person: Person) -> dict[str, Any]:
    """The person's fields as recorded in audit events (the NIK masked: audit readers see lists)."""
    return {
        "nik": mask_nik(person.nik),
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "marital_status": person.marital_status,
        "occupation": person.occupation,
        "monthly_income": person.monthly_income,
        "is_breadwinner": person.is_breadwinner,
        "phone": person.phone,
        "address": person.address,
        "kelurahan_id": person.kelurahan_id,
        "lpa_id": person.lpa_id,
    }


def _audit(actor: Any, action: str, person: Person, **kwargs: Any) -> None:
    audit_record(
        actor=actor, action=action, obj=person, region_id=person.kelurahan_id, lpa_id=person.lpa_id, **kwargs
    )


# --- households (KK) -------------------------------------------------------------------------------


def household_for_kk(*, kk_number: str, kelurahan_id: int) -> Household:
    """The household with this KK number, created at the person's kelurahan when it is new."""
    household, _created = Household.objects.get_or_create(
        kk_number=kk_number, defaults={"kelurahan_id": kelurahan_id}
    )
    return household


def current_kk(person: Person) -> KkMembership | None:
    return person.kk_history.filter(until__isnull=True).select_related("household").first()


def _move_to_kk(person: Person, *, kk_number: str, relation: str, today: dt.date) -> bool:
    """Put the person on the KK ``kk_number`` from today, closing the open row (history kept).

    Returns whether anything changed. An empty number closes the open row without opening one.
    """
    open_row = current_kk(person)
    if open_row is not None and open_row.household.kk_number == kk_number:
        if relation and open_row.relation != relation:
            KkMembership.objects.filter(pk=open_row.pk).update(relation=relation)
            return True
        return False
    if open_row is not None:
        # A row opened today and closed today would be empty history: replace it instead.
        if open_row.since >= today:
            open_row.delete()
        else:
            KkMembership.objects.filter(pk=open_row.pk).update(until=today)
    if kk_number:
        household = household_for_kk(kk_number=kk_number, kelurahan_id=person.kelurahan_id)
        KkMembership.objects.create(person=person, household=household, relation=relation, since=today)
    return True


# --- persons ---------------------------------------------------------------------------------------


def person_register(*, actor: Any, lpa: Lpa, data: PersonInput, today: dt.date) -> Person:
    """Register a person (worker) for an LPA, with their KK, and flag likely duplicates.

    Rules: the NIK passes ``check_nik`` (errors block, warnings stored, PROGRAM.md §8); one person per
    NIK in the whole registry (the error names only the masked NIK and the LPA that has it); only an
    active LPA registers people; domicile kelurahan is entered, never derived from the NIK.
    """
    if lpa.status != Lpa.Status.ACTIVE:
        raise DomainError(_("Only an active LPA can register people."), code="lpa_inactive", field="lpa")
    cleaned, warnings = _validated(data, today=today)
    fields = asdict(cleaned)
    kk_number, kk_relation = fields.pop("kk_number"), fields.pop("kk_relation")
    with transaction.atomic():
        existing = Person.objects.filter(nik=cleaned.nik).values_list("lpa__code", flat=True).first()
        if existing is not None:
            raise nik_taken_error(cleaned.nik, existing)
        try:
            # No savepoint: on a lost race the whole registration rolls back with the error.
            person = Person.objects.create(
                **fields, lpa=lpa, nik_warnings=warnings, created_by=_user_or_none(actor)
            )
        except IntegrityError:  # lost a race with another registration of the same NIK
            raise nik_taken_error(cleaned.nik, lpa.code) from None
        if kk_number:
            household = household_for_kk(kk_number=kk_number, kelurahan_id=person.kelurahan_id)
            KkMembership.objects.create(person=person, household=household, relation=kk_relation, since=today)
        _audit(actor, "person.register", person, new={**_audit_values(person), "kk_number": kk_number})
        from askesos.registry.duplicates import duplicates_for_person

        duplicates_for_person(person)
    return person


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def person_update(
    *, actor: Any, person: Person, data: PersonInput, today: dt.date, reason: str = ""
) -> Person:
    """Correct or update a person's data. A new KK number closes the open KK row and opens a new one.

    The NIK may be corrected (typos happen) but stays unique; the registering LPA does not change here.
    """
    cleaned, warnings = _validated(data, today=today)
    fields = asdict(cleaned)
    kk_number, kk_relation = fields.pop("kk_number"), fields.pop("kk_relation")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.merged_into_id is not None:
            raise DomainError(
                _("This person was merged into another record; edit that one."), code="person_merged"
            )
        if cleaned.nik != locked.nik:
            other = Person.objects.filter(nik=cleaned.nik).values_list("lpa__code", flat=True).first()
            if other is not None:
                raise nik_taken_error(cleaned.nik, other)
        before = _audit_values(locked)
        old_kk = current_kk(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.nik_warnings = warnings
        locked.save()
        kk_changed = _move_to_kk(locked, kk_number=kk_number, relation=kk_relation, today=today)
        old, new = changed_fields(before, _audit_values(locked))
        if kk_changed:
            old["kk_number"] = old_kk.household.kk_number if old_kk else ""
            new["kk_number"] = kk_number
        if old or new:
            _audit(actor, "person.update", locked, old=old, new=new, reason=reason)
        if {"full_name", "birth_date", "kelurahan_id", "phone"} & set(new):
            from askesos.registry.duplicates import duplicates_for_person

            duplicates_for_person(locked)
    return locked


# --- heirs -----------------------------------------------------------------------------------------


def heirs_share_total(person: Person) -> int:
    """The sum of the heirs' shares in basis points (10000 = 100 %)."""
    return int(person.heirs.aggregate(total=Sum("share_bp"))["total"] or 0)


def _validated_heir(person: Person, data: HeirInput, *, today: dt.date, exclude_pk: int | None) -> HeirInput:
    """Heir rules: a valid NIK that is not the member's own; shares 1-10000 bp whose total may not pass
    10000; bank and e-wallet payouts need the provider and the account number (claims are paid there)."""
    nik = rules.require_nik(data.nik, birth_date=data.birth_date, today=today).nik or ""
    if nik == person.nik:
        raise DomainError(_("The member cannot be their own heir."), code="heir_is_member", field="nik")
    if data.relation not in Heir.Relation.values:
        raise DomainError(_("Choose a relation."), code="heir_relation", field="relation")
    if not 1 <= data.share_bp <= FULL_SHARE_BP:
        raise DomainError(
            _("A share is between 0.01 % and 100 %."), code="heir_share_range", field="share_bp"
        )
    others = person.heirs.exclude(pk=exclude_pk) if exclude_pk else person.heirs.all()
    if others.filter(nik=nik).exists():
        raise DomainError(_("This heir is already listed."), code="heir_duplicate", field="nik")
    other_total = int(others.aggregate(total=Sum("share_bp"))["total"] or 0)
    if other_total + data.share_bp > FULL_SHARE_BP:
        raise DomainError(
            _("The shares would add up to %(total)s %%; at most %(left)s %% is left for this heir.")
            % {"total": (other_total + data.share_bp) / 100, "left": (FULL_SHARE_BP - other_total) / 100},
            code="heir_share_total",
            field="share_bp",
        )
    if data.payout_channel not in Heir.PayoutChannel.values:
        raise DomainError(_("Choose a payout channel."), code="heir_payout_channel", field="payout_channel")
    provider, account = data.provider.strip(), "".join(data.account_number.split())
    if data.payout_channel != Heir.PayoutChannel.CASH and not (provider and account):
        raise DomainError(
            _("A bank or e-wallet payout needs the provider and the account number."),
            code="heir_account_missing",
            field="account_number",
        )
    return HeirInput(
        full_name=_clean_name(data.full_name),
        nik=nik,
        relation=data.relation,
        share_bp=data.share_bp,
        payout_channel=data.payout_channel,
        birth_date=data.birth_date,
        phone=rules.normalize_phone(data.phone),
        provider=provider,
        account_number=account,
        account_holder=" ".join(data.account_holder.split()) or _clean_name(data.full_name),
    )


def _heir_audit(heir: Heir) -> dict[str, Any]:
    return {
        "full_name": heir.full_name,
        "nik": mask_nik(heir.nik),
        "relation": heir.relation,
        "share_bp": heir.share_bp,
        "payout_channel": heir.payout_channel,
        "provider": heir.provider,
        "account_number": heir.account_number[-4:].rjust(len(heir.account_number), "•"),
    }


def _audit_heir(actor: Any, action: str, heir: Heir, person: Person, **kwargs: Any) -> None:
    audit_record(
        actor=actor, action=action, obj=heir, region_id=person.kelurahan_id, lpa_id=person.lpa_id, **kwargs
    )


def heir_add(*, actor: Any, person: Person, data: HeirInput, today: dt.date) -> Heir:
    """Add an heir (ahli waris), who receives death benefits by share (PROGRAM.md §1, §3)."""
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # serialise share totals
        cleaned = _validated_heir(person, data, today=today, exclude_pk=None)
        heir = Heir.objects.create(person=person, **asdict(cleaned))
        _audit_heir(actor, "heir.add", heir, person, new=_heir_audit(heir))
    return heir


def heir_update(*, actor: Any, heir: Heir, data: HeirInput, today: dt.date) -> Heir:
    person = heir.person
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        cleaned = _validated_heir(person, data, today=today, exclude_pk=heir.pk)
        before = _heir_audit(heir)
        for name, value in asdict(cleaned).items():
            setattr(heir, name, value)
        heir.save()
        old, new = changed_fields(before, _heir_audit(heir))
        if old or new:
            _audit_heir(actor, "heir.update", heir, person, old=old, new=new)
    return heir


def heir_remove(*, actor: Any, heir: Heir, reason: str = "", today: dt.date) -> None:
    person = heir.person
    with transaction.atomic():
        _audit_heir(actor, "heir.remove", heir, person, old=_heir_audit(heir), reason=reason)
        heir.delete()
