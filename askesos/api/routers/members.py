"""Members: lookup by member number or NIK, detail with status and paid-through, enrolment."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest
from ninja import Router, Status

from askesos.accounts.permissions import Capability, has_capability
from askesos.api import actions, serializers
from askesos.api.audit import audit_api_view, audit_api_view_of
from askesos.api.idempotency import idempotent
from askesos.api.routers.common import ERRORS, WRITE_ERRORS
from askesos.api.schemas import EnrolmentIn, MemberOut, NikIn
from askesos.core.access import scoped
from askesos.membership.models import Membership, MembershipStatus

router = Router(tags=["members"])


def _show_nik(request: HttpRequest) -> bool:
    return has_capability(request.user, Capability.VIEW_NIK)


@router.post("/members/lookup", response={200: MemberOut, **ERRORS}, summary="Find a member by NIK")
def member_lookup(request: HttpRequest, payload: NikIn) -> dict[str, Any]:
    """The person's open membership (else their latest one) for exactly this NIK, in your scope."""
    actions.require(request.user, Capability.VIEW_MEMBERS)
    open_first = Case(
        When(status=MembershipStatus.TERMINATED, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    row = (
        scoped(request.user, Membership.objects.select_related("person", "lpa", "scheme"))
        .filter(person__nik=payload.nik.strip())
        .order_by(open_first, "-enrolled_on", "-id")
        .first()
    )
    if row is None:
        raise Http404
    audit_api_view_of(request.user, row)
    return serializers.member(row, show_nik=_show_nik(request))


@router.get("/members/{member_number}", response={200: MemberOut, **ERRORS}, summary="Get a member")
def member_get(request: HttpRequest, member_number: str) -> dict[str, Any]:
    """A membership by number (``3175-0000001-7``, separators optional): status and paid-through month."""
    user = request.user
    actions.require(user, Capability.VIEW_MEMBERS)
    row = actions.member_view_by_number(user, member_number)
    audit_api_view(
        user, Membership, row["id"], row["member_number"], region_id=row["region_id"], lpa_id=row["lpa_id"]
    )
    return serializers.member_values(row, show_nik=_show_nik(request))


@router.post("/enrolments", response={201: MemberOut, **WRITE_ERRORS}, summary="Enrol a person")
def enrolment_create(request: HttpRequest, payload: EnrolmentIn) -> Status[dict[str, Any]]:
    """Enrol a person (``person_id`` or ``nik``) in a scheme through an LPA: the eligibility rules of
    the scheme version in force today; one open membership per person."""
    return Status(
        *idempotent(
            request, payload.model_dump(mode="json"), lambda: (201, actions.enrol(request.user, payload))
        )
    )
