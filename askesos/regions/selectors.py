"""Reading the region tree and its workforce denominators.

Regions and estimates are public reference data (``ScopeRule(public=True)``): anyone signed in
may read them, but reads still go through ``core.access.scoped`` so the rule lives in one place.
Each function issues a fixed number of queries, whatever the size of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from askesos.core.access import get_in_scope_or_404, scoped
from askesos.regions import codes
from askesos.regions.models import Region, WorkforceEstimate

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class RegionRow:
    """A region with its latest informal-workforce denominator (or None)."""

    region: Region
    latest: WorkforceEstimate | None


def region_get(user: Any, code: str) -> Region:
    """The region with this dotted (or digits-only) Kemendagri code; 404 when unknown."""
    try:
        dotted = codes.normalize_code(code)
    except codes.RegionCodeError:
        dotted = ""
    return get_in_scope_or_404(user, Region.objects.all(), code=dotted)


def region_ancestors(user: Any, region: Region) -> list[Region]:
    """Province down to the parent of ``region``, in one query."""
    wanted, code = [], codes.parent_code(region.code)
    while code:
        wanted.append(code)
        code = codes.parent_code(code)
    if not wanted:
        return []
    return list(scoped(user, Region.objects.filter(code__in=wanted)).order_by("level"))


def latest_estimates(user: Any, region_ids: list[int]) -> dict[int, WorkforceEstimate]:
    """The most recent year's denominator for each region, in one query."""
    latest: dict[int, WorkforceEstimate] = {}
    qs = scoped(user, WorkforceEstimate.objects.filter(region_id__in=region_ids)).order_by(
        "region_id", "-year"
    )
    for est in qs:
        latest.setdefault(est.region_id, est)
    return latest


def _with_latest(user: Any, regions: list[Region]) -> list[RegionRow]:
    latest = latest_estimates(user, [r.id for r in regions])
    return [RegionRow(r, latest.get(r.id)) for r in regions]


def region_children(user: Any, region: Region) -> list[RegionRow]:
    """Direct children of ``region`` with their latest denominators: two queries."""
    children = list(scoped(user, Region.objects.filter(parent_id=region.id)).order_by("id"))
    return _with_latest(user, children)


def region_estimates(user: Any, region: Region) -> list[WorkforceEstimate]:
    """Every year's denominator for one region, newest first."""
    return list(scoped(user, WorkforceEstimate.objects.filter(region_id=region.id)).order_by("-year"))


def home_regions(user: Any) -> list[RegionRow]:
    """Where the browser opens: the user's scope regions, else their LPAs' kelurahan, else provinces."""
    regions: list[Region] = []
    if not user.national_scope:
        own = Q(pk__in=user.scope_regions.values("id")) | Q(pk__in=user.scope_lpas.values("kelurahan_id"))
        regions = list(scoped(user, Region.objects.filter(own).select_related("parent")).order_by("id"))
    if not regions:
        provinces = Region.objects.filter(level=codes.LEVEL_PROVINCE).select_related("parent")
        regions = list(scoped(user, provinces).order_by("id"))
    return _with_latest(user, regions)


def region_search(user: Any, query: str, *, limit: int = SEARCH_LIMIT) -> list[RegionRow]:
    """Regions whose name contains ``query`` or whose code starts with it (dotted or digits)."""
    text = query.strip()
    if not text:
        return []
    match = Q(name__icontains=text)
    digits = text.replace(".", "").replace(" ", "")
    if digits.isdigit():
        match |= Q(code__startswith=_dotted_prefix(digits))
    qs = scoped(user, Region.objects.filter(match).select_related("parent")).order_by("level", "name", "id")
    return _with_latest(user, list(qs[:limit]))


def _dotted_prefix(digits: str) -> str:
    """``3175`` → ``31.75``, ``31750`` → ``31.75.0``: a code prefix typed without dots."""
    parts, pos = [], 0
    for width in (2, 2, 2, 4):
        if pos >= len(digits):
            break
        parts.append(digits[pos : pos + width])
        pos += width
    return ".".join(parts)
