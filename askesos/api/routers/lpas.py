"""LPAs (implementing organisations) and their field officers, inside the caller's scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from askesos.accounts.permissions import Capability, has_capability
from askesos.api import serializers
from askesos.api.actions import require
from askesos.api.routers.common import ERRORS, paginate
from askesos.api.schemas import LpaOut, LpaPage, OfficerOut, OfficerPage, PageQuery
from askesos.core.access import get_in_scope_or_404
from askesos.lpa import selectors
from askesos.lpa.models import FieldOfficer, Lpa

router = Router(tags=["LPAs and officers"])


@router.get("/lpas", response={200: LpaPage, **ERRORS}, summary="List LPAs")
def lpa_list(request: HttpRequest, query: Query[PageQuery], status: str = "") -> dict[str, Any]:
    """LPAs in your scope, by code, with officer counts; ``status`` filters (proposed, active, …)."""
    require(request.user, Capability.VIEW_LPAS)
    if status not in Lpa.Status.values:
        status = ""
    rows = selectors.lpa_list(user=request.user, today=timezone.localdate(), status=status)
    return paginate(rows, query, serializers.lpa_list_row, count=True)


@router.get("/lpas/{code}", response={200: LpaOut, **ERRORS}, summary="Get an LPA")
def lpa_get(request: HttpRequest, code: str) -> dict[str, Any]:
    require(request.user, Capability.VIEW_LPAS)
    return serializers.lpa(
        get_in_scope_or_404(request.user, Lpa.objects.select_related("kelurahan"), code=code)
    )


@router.get("/officers", response={200: OfficerPage, **ERRORS}, summary="List field officers")
def officer_list(
    request: HttpRequest, query: Query[PageQuery], lpa: str | None = None, active: bool = False
) -> dict[str, Any]:
    """Field officers in your scope; ``lpa`` (code) narrows to one LPA, ``active`` to those active today."""
    require(request.user, Capability.VIEW_LPAS)
    owner = get_in_scope_or_404(request.user, Lpa, code=lpa) if lpa else None
    rows = selectors.officer_list(
        user=request.user, today=timezone.localdate(), lpa=owner, active_only=active
    )
    show_nik = has_capability(request.user, Capability.VIEW_NIK)
    return paginate(rows, query, lambda row: serializers.officer(row, show_nik=show_nik), count=True)


@router.get("/officers/{officer_id}", response={200: OfficerOut, **ERRORS}, summary="Get a field officer")
def officer_get(request: HttpRequest, officer_id: int) -> dict[str, Any]:
    require(request.user, Capability.VIEW_LPAS)
    qs = FieldOfficer.objects.select_related("lpa", "user").prefetch_related("kelurahan")
    row = get_in_scope_or_404(request.user, qs, pk=officer_id)
    return serializers.officer(row, show_nik=has_capability(request.user, Capability.VIEW_NIK))
