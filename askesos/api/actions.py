"""The API's writes: parse the request, find the objects in the caller's scope, call the domain
service, and shape the answer. Used by the REST endpoints and by the field-device sync alike, so
both follow the same rules as the web pages (capability → 403, outside scope → 404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.accounts.permissions import Capability, has_capability
from askesos.api import schemas, serializers
from askesos.api.errors import ApiError, ErrorCode
from askesos.api.schemas import AttendanceIn, EnrolmentIn, LeadIn, PaymentIn, PersonIn
from askesos.core.access import get_in_scope_or_404, scoped, user_scope
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


def member_view_by_number(user: Any, number: str) -> dict[str, Any]:
    """``member_by_number`` for reading: one query for the columns of the answer (``MemberOut``)
    and of its audit event, as a dict (``serializers.MEMBER_VALUES`` + ``region_id``, ``lpa_id``)."""
    from askesos.membership.rules import normalize_member_number

    canonical = normalize_member_number(number)
    if canonical is None:
        raise Http404
    row = _MEMBER_BY_NUMBER.get(user, canonical)
    if row is None:
        raise Http404
    return row


# (SQL, its parameters, the index of the looked-up value among them, column names, converters)
_Compiled = tuple[str, tuple[Any, ...], int, list[str], Any]


class ScopedLookup:
    """A lookup by one exact value, inside the caller's scope, with the ORM's work done once per scope.

    ``scoped(user, queryset).filter(field=value)`` costs more to build and compile than to run (the
    member lookup is the API's hottest path). The SQL it compiles to depends on the caller's scope
    (``core.access.user_scope``), never on the value, which is one bound parameter. So the query is
    built and compiled by the ORM, with ``scoped`` as everywhere, once per database and scope, and
    then run with the value substituted for that parameter, the rows going through the same
    converters the ORM applies. Anything unexpected (the value not exactly once among the compiled
    parameters, an empty scope) falls back to the plain ORM query.
    """

    _SENTINEL = "askesos-scoped-lookup-value-3f9c1e"
    _MAX_SCOPES = 512

    def __init__(self, queryset: Callable[[], QuerySet[Any]], field: str) -> None:
        self._queryset = queryset  # a ``values(...)`` queryset, built lazily (models must be ready)
        self._field = field
        self._compiled: dict[tuple[str, bool, Any], _Compiled | None] = {}

    def _orm(self, user: Any, value: str) -> QuerySet[Any]:
        return scoped(user, self._queryset()).filter(**{self._field: value})[:1]

    def _compile(self, user: Any) -> _Compiled | None:
        query = self._orm(user, self._SENTINEL).query
        compiler = query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # an empty scope: the ORM answers "nothing" without a query
            return None
        where = [i for i, p in enumerate(params) if p == self._SENTINEL]
        if len(where) != 1:
            return None
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        converters = compiler.get_converters([col for col, _, _ in compiler.select])
        return sql, tuple(params), where[0], names, converters

    def get(self, user: Any, value: str) -> dict[str, Any] | None:
        key = (connection.vendor, bool(getattr(user, "is_authenticated", False)), user_scope(user))
        compiled = self._compiled.get(key)
        if compiled is None and key not in self._compiled:  # (None in the dict: not compilable)
            if len(self._compiled) >= self._MAX_SCOPES:
                self._compiled.clear()
            compiled = self._compiled[key] = self._compile(user)
        if compiled is None:
            return next(iter(self._orm(user, value)), None)
        sql, params, where, names, converters = compiled
        bound = list(params)
        bound[where] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, (functions, expression) in converters.items():
            for convert in functions:
                values[index] = convert(values[index], expression, connection)
        return dict(zip(names, values, strict=True))


_MEMBER_BY_NUMBER = ScopedLookup(
    lambda: Membership.objects.values(*serializers.MEMBER_VALUES, "region_id", "lpa_id"), "member_number"
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
