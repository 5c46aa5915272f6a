"""Field-device sync: one POST with the items a phone captured offline."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from askesos.api.routers.common import ERRORS
from askesos.api.schemas import SyncBatchIn, SyncBatchOut
from askesos.api.sync import sync_batch

router = Router(tags=["sync"])


@router.post("/sync/batch", response={200: SyncBatchOut, **ERRORS}, summary="Sync a batch of offline items")
def sync_batch_post(request: HttpRequest, payload: SyncBatchIn) -> dict[str, Any]:
    """Each item (``enrolment`` or ``payment``, with the body of that endpoint in ``data``) is applied in
    its own transaction and gets its own result: ``ok`` (with the server id), ``duplicate`` (already
    synced: the original result) or ``error`` (the error body). Retrying a batch never duplicates."""
    return {"results": sync_batch(user=request.user, items=payload.items)}
