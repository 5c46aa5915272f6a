"""The API's writes: parse the request, find the objects in the caller's scope, call the domain
service, and shape the answer. Used by the REST endpoints and by the field-device sync alike, so
both follow the same rules as the web pages (capability → 403, outside scope → 404)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.accounts.permissions import Capability, has_capability
from askesos.api import schemas, serializers
from askesos.api.errors import ApiError, ErrorCode
from askesos.api.schemas import AttendanceIn, EnrolmentIn, LeadIn, PaymentIn, PersonIn
from askesos.core.access import get_in_scope_or_404, scoped
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.membership.models import Membership
from askesos.regions import codes
from askesos.registry.models import Person


def require(user: Any, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied


def person_by_nik(user: Any, nik: str) -> Person:
    """Exact NIK match inside the caller's scope (404 otherwise; never a prefix or fuzzy match)."""
    return get_in_scope_or_404(user, Person.objects.select_related("kelurahan", "lpa"), nik=nik.strip())


def member_by_number(user: Any, number: str) -> Membership:
    from askesos.membership.rules import normalize_member_number

    canonical = normalize_member_number(number)
    if canonical is None:
        raise Http404
    return get_in_scope_or_404(
        user, Membership.objects.select_related("person", "lpa", "scheme"), member_number=canonical
    )


def _region_key(code: str, field: str) -> int:
    try:
        return codes.code_to_key(code)
    except codes.RegionCodeError:
        raise ApiError(
            422, ErrorCode.VALIDATION_ERROR, _("Not a Kemendagri region code."), field=field
        ) from None


def person_create(user: Any, data: PersonIn) -> dict[str, Any]:
    """Register a person through ``registry.services.person_register`` (LPA in the caller's scope)."""
    from askesos.registry.services import PersonInput, person_register

    require(user, Capability.EDIT_REGISTRY)
    lpa = get_in_scope_or_404(user, Lpa, code=data.lpa)
    values = data.dict(exclude={"lpa", "kelurahan"})
    person = person_register(
        actor=user,
        lpa=lpa,
        data=PersonInput(**values, kelurahan_id=_region_key(data.kelurahan, "kelurahan")),
        today=timezone.localdate(),
    )
    person = Person.objects.select_related("kelurahan", "lpa").get(pk=person.pk)
    return serializers.person(person, show_nik=has_capability(user, Capability.VIEW_NIK), member_number=None)


def enrol(user: Any, data: EnrolmentIn) -> dict[str, Any]:
    """Enrol through ``membership.services.membership_enrol``; person, LPA and scheme in scope."""
    from askesos.membership.services import membership_enrol
    from askesos.schemes.models import Scheme

    require(user, Capability.ENROL)
    if data.person_id is not None:
        person = get_in_scope_or_404(user, Person, pk=data.person_id)
    elif data.nik:
        person = person_by_nik(user, data.nik)
    else:
        raise ApiError(422, ErrorCode.VALIDATION_ERROR, _("Give person_id or nik."), field="person_id")
    lpa = get_in_scope_or_404(user, Lpa, code=data.lpa)
    scheme = get_in_scope_or_404(user, Scheme, code=data.scheme)
    membership = membership_enrol(
        actor=user, person=person, scheme=scheme, lpa=lpa, today=timezone.localdate()
    )
    membership = Membership.objects.select_related("person", "lpa", "scheme").get(pk=membership.pk)
    return serializers.member(membership, show_nik=has_capability(user, Capability.VIEW_NIK))


def _collector(user: Any, data: PaymentIn, membership: Membership) -> FieldOfficer | None:
    if data.collector_id is not None:
        return get_in_scope_or_404(user, FieldOfficer, pk=data.collector_id)
    if data.channel != "cash_officer":
        return None
    # An officer posting cash they took themselves: they are the collector.
    return FieldOfficer.objects.filter(user_id=user.pk, lpa_id=membership.lpa_id).first()


def pay(user: Any, data: PaymentIn) -> tuple[int, dict[str, Any]]:
    """Record a premium through ``contributions.services.payment_record`` (idempotent by receipt).

    201 when the payment was recorded now, 200 when the receipt number was already recorded with
    the same data (the original payment is returned).
    """
    from askesos.contributions.services import payment_record

    require(user, Capability.RECORD_PAYMENT)
    membership = member_by_number(user, data.member_number)
    result = payment_record(
        actor=user,
        membership_id=membership.pk,
        amount=data.amount,
        channel=data.channel,
        paid_on=data.paid_on,
        receipt_number=data.receipt_number,
        today=timezone.localdate(),
        collector=_collector(user, data, membership),
        payer=data.payer,
        carry_forward=data.carry_forward,
    )
    fresh = scoped(user, Membership.objects.only("member_number", "status", "paid_through")).get(
        pk=membership.pk
    )
    body = serializers.payment(
        result.payment, created=result.created, message=result.message, membership=fresh
    )
    return (201 if result.created else 200), body


def lead_capture(user: Any, data: LeadIn) -> dict[str, Any]:
    """Capture an outreach lead through ``outreach.services.lead_capture`` (event in scope)."""
    from askesos.outreach.models import Event
    from askesos.outreach.services import lead_capture as capture

    require(user, Capability.MANAGE_OUTREACH)
    event = get_in_scope_or_404(user, Event, pk=data.event_id)
    officer = FieldOfficer.objects.filter(user_id=user.pk, lpa_id=event.lpa_id).first()
    lead = capture(
        actor=user,
        event=event,
        full_name=data.full_name,
        phone=data.phone,
        nik=data.nik,
        consent=data.consent,
        captured_by=officer,
    )
    return serializers.lead(lead)


def attendance_set(user: Any, data: AttendanceIn) -> dict[str, Any]:
    """Set an event's attendance through ``outreach.services.event_set_attendance`` (event in scope)."""
    from askesos.outreach.models import Event
    from askesos.outreach.services import event_set_attendance

    require(user, Capability.MANAGE_OUTREACH)
    event = get_in_scope_or_404(user, Event, pk=data.event_id)
    event = event_set_attendance(actor=user, event=event, attendance=data.attendance, names=data.names)
    return schemas.AttendanceOut(id=event.pk, attendance=event.attendance).model_dump(mode="json")
