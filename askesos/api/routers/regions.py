"""Regions: the Kemendagri tree with informal-workforce denominators (public reference data)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from askesos.accounts.permissions import Capability
from askesos.api import serializers
from askesos.api.actions import require
from askesos.api.routers.common import ERRORS, paginate
from askesos.api.schemas import PageQuery, RegionOut, RegionPage
from askesos.core.access import scoped
from askesos.regions import codes, selectors
from askesos.regions.models import Region

router = Router(tags=["regions"])


@router.get("/regions", response={200: RegionPage, **ERRORS}, summary="List regions under a parent")
def region_list(request: HttpRequest, query: Query[PageQuery], parent: str | None = None) -> dict[str, Any]:
    """Children of ``parent`` (a Kemendagri code such as ``31.75``), or the provinces without it."""
    require(request.user, Capability.VIEW_REGIONS)
    if parent:
        rows = selectors.region_children(request.user, selectors.region_get(request.user, parent))
        pairs = [(row.region, row.latest) for row in rows]
    else:
        provinces = list(
            scoped(request.user, Region.objects.filter(level=codes.LEVEL_PROVINCE)).order_by("id")
        )
        latest = selectors.latest_estimates(request.user, [r.id for r in provinces])
        pairs = [(r, latest.get(r.id)) for r in provinces]
    return paginate(pairs, query, lambda pair: serializers.region(*pair), count=True)


@router.get("/regions/{code}", response={200: RegionOut, **ERRORS}, summary="Get a region")
def region_get(request: HttpRequest, code: str) -> dict[str, Any]:
    """One region by Kemendagri code (``31.75.01.1001`` or ``3175011001``) with its latest estimate."""
    require(request.user, Capability.VIEW_REGIONS)
    region = selectors.region_get(request.user, code)
    latest = selectors.latest_estimates(request.user, [region.id]).get(region.id)
    return serializers.region(region, latest)
