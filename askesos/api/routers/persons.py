"""Persons (workers) in the registry: exact NIK lookup, read, and registration."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from askesos.accounts.permissions import Capability, has_capability
from askesos.api import actions, serializers
from askesos.api.audit import audit_api_view_of
from askesos.api.idempotency import idempotent
from askesos.api.routers.common import ERRORS, WRITE_ERRORS
from askesos.api.schemas import NikIn, PersonIn, PersonOut
from askesos.core.access import get_in_scope_or_404
from askesos.membership.selectors import open_membership_numbers
from askesos.registry.models import Person

router = Router(tags=["persons"])


def _out(request: HttpRequest, person: Person) -> dict[str, Any]:
    audit_api_view_of(request.user, person)
    number = open_membership_numbers([person.pk]).get(person.pk)
    return serializers.person(
        person, show_nik=has_capability(request.user, Capability.VIEW_NIK), member_number=number
    )


@router.post("/persons/lookup", response={200: PersonOut, **ERRORS}, summary="Find a person by NIK")
def person_lookup(request: HttpRequest, payload: NikIn) -> dict[str, Any]:
    """The person with exactly this NIK, if in your scope (else 404). The NIK travels in the body,
    not the URL, so it stays out of access logs. The answer masks the NIK unless your role may see it."""
    actions.require(request.user, Capability.VIEW_REGISTRY)
    return _out(request, actions.person_by_nik(request.user, payload.nik))


@router.get("/persons/{person_id}", response={200: PersonOut, **ERRORS}, summary="Get a person")
def person_get(request: HttpRequest, person_id: int) -> dict[str, Any]:
    actions.require(request.user, Capability.VIEW_REGISTRY)
    qs = Person.objects.select_related("kelurahan", "lpa")
    return _out(request, get_in_scope_or_404(request.user, qs, pk=person_id))


@router.post("/persons", response={201: PersonOut, **WRITE_ERRORS}, summary="Register a person")
def person_create(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    """Register a worker for an LPA in your scope (registry rules: NIK check, one person per NIK)."""
    return Status(
        *idempotent(
            request,
            payload.model_dump(mode="json"),
            lambda: (201, actions.person_create(request.user, payload)),
        )
    )
