"""Outreach from the field: leads met at events and event attendance."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from askesos.api import actions
from askesos.api.idempotency import idempotent
from askesos.api.routers.common import WRITE_ERRORS
from askesos.api.schemas import AttendanceIn, AttendanceOut, LeadIn, LeadOut

router = Router(tags=["outreach"])


@router.post("/leads", response={201: LeadOut, **WRITE_ERRORS}, summary="Capture a lead")
def lead_create(request: HttpRequest, payload: LeadIn) -> Status[dict[str, Any]]:
    """A prospective member met at an outreach event in your scope (phone and NIK kept only with consent)."""
    body = payload.model_dump(mode="json")
    return Status(*idempotent(request, body, lambda: (201, actions.lead_capture(request.user, payload))))


@router.post("/attendance", response={200: AttendanceOut, **WRITE_ERRORS}, summary="Set event attendance")
def attendance_set(request: HttpRequest, payload: AttendanceIn) -> Status[dict[str, Any]]:
    """Set the number of people an event reached and add attendee names."""
    body = payload.model_dump(mode="json")
    return Status(*idempotent(request, body, lambda: (200, actions.attendance_set(request.user, payload))))
