"""Premium payments, idempotent by receipt number and by the Idempotency-Key header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from askesos.api import actions
from askesos.api.idempotency import idempotent
from askesos.api.routers.common import WRITE_ERRORS
from askesos.api.schemas import PaymentIn, PaymentOut

router = Router(tags=["payments"])


@router.post(
    "/payments", response={200: PaymentOut, 201: PaymentOut, **WRITE_ERRORS}, summary="Record a payment"
)
def payment_create(request: HttpRequest, payload: PaymentIn) -> Status[dict[str, Any]]:
    """Record a premium for a member in your scope: 201 when recorded now, 200 when this receipt number
    was already recorded with the same data (the original payment), 409 ``receipt_conflict`` when it
    was recorded with other data."""
    return Status(
        *idempotent(request, payload.model_dump(mode="json"), lambda: actions.pay(request.user, payload))
    )
