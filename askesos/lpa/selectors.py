"""Reads for LPAs and field officers, always through the reader's scope (``core.access``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from askesos.audit.models import AuditEvent
from askesos.core.access import scoped
from askesos.lpa import rules
from askesos.lpa.models import Criterion, CriterionEvidence, FieldOfficer, Lpa, LpaCriterion
from askesos.regions.codes import subtree_range
from askesos.regions.models import Region


def _active_on(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}active_from__lte": today}) & (
        Q(**{f"{prefix}active_to__isnull": True}) | Q(**{f"{prefix}active_to__gte": today})
    )


def lpa_list(
    *, user: Any, today: dt.date, status: str = "", kecamatan: Region | None = None
) -> QuerySet[Lpa]:
    """LPAs in the user's scope with their kelurahan, kecamatan and officer counts, in one query."""
    qs = scoped(user, Lpa.objects.select_related("kelurahan__parent")).annotate(
        officer_count=Count("officers", distinct=True),
        active_officer_count=Count("officers", filter=_active_on(today, "officers__"), distinct=True),
    )
    if status:
        qs = qs.filter(status=status)
    if kecamatan is not None:
        low, high = subtree_range(kecamatan.id, kecamatan.level)
        qs = qs.filter(kelurahan_id__gte=low, kelurahan_id__lt=high)
    return qs.order_by("code")


def kecamatan_options(*, user: Any) -> QuerySet[Region]:
    """The kecamatan that hold at least one LPA the user may see (for the list filter)."""
    parents = scoped(user, Lpa.objects.all()).values("kelurahan__parent_id")
    return Region.objects.filter(level=Region.Level.DISTRICT, pk__in=parents).order_by("name")


@dataclass
class ChecklistRow:
    criterion: Criterion
    row: LpaCriterion | None
    evidence: list[CriterionEvidence] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.row is not None and self.row.met


def lpa_checklist(*, lpa: Lpa) -> list[ChecklistRow]:
    """All seven criteria in their fixed order, with the recorded finding (if any) and evidence."""
    rows = {
        r.criterion: r
        for r in LpaCriterion.objects.filter(lpa=lpa)
        .select_related("checked_by")
        .prefetch_related(Prefetch("evidence", queryset=CriterionEvidence.objects.order_by("id")))
    }
    result = []
    for criterion in Criterion:
        row = rows.get(criterion.value)
        result.append(ChecklistRow(criterion, row, list(row.evidence.all()) if row is not None else []))
    return result


def service_years(lpa: Lpa, *, today: dt.date) -> tuple[int | None, bool]:
    """Full years since founding and whether the 3-year criterion holds by the founding date."""
    if lpa.founded_on is None:
        return None, False
    return rules.full_years_between(lpa.founded_on, today), rules.service_years_met(lpa.founded_on, today)


def officer_list(
    *, user: Any, today: dt.date, lpa: Lpa | None = None, active_only: bool = False
) -> QuerySet[FieldOfficer]:
    """Field officers in scope with their LPA and assigned kelurahan, query-flat (two queries)."""
    qs = scoped(user, FieldOfficer.objects.select_related("lpa", "user")).prefetch_related(
        Prefetch("kelurahan", queryset=Region.objects.order_by("name"))
    )
    if lpa is not None:
        qs = qs.filter(lpa=lpa)
    if active_only:
        qs = qs.filter(_active_on(today))
    return qs.order_by("lpa__code", "full_name", "id")


def lpa_history(*, user: Any, lpa: Lpa, limit: int = 50) -> list[AuditEvent]:
    """Audit events about this LPA and everything that belongs to it (checklist, grant, officers)."""
    return list(scoped(user, AuditEvent.objects.filter(lpa_id=lpa.pk)).order_by("-at", "-id")[:limit])
