"""Reading scheme rules as they stood on a date, and presenting them for people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from askesos.core.access import scoped
from askesos.core.errors import DomainError
from askesos.core.money import format_rupiah
from askesos.schemes.models import Benefit, ClaimDocument, Payer, Scheme, SchemeVersion
from askesos.schemes.rules import VERSION_FIELDS, VersionState, in_force_index, version_state

MONEY_FIELDS = {"premium_monthly", "income_floor", "income_ceiling", "approval_threshold"}
# The rule fields shown in a version's history: every changeable field except the placeholder notes.
RULE_FIELDS = tuple(name for name in VERSION_FIELDS if name not in ("placeholders", "note"))
BENEFIT_DISPLAY_FIELDS = (
    "amount",
    "amount_per_day",
    "income_multiple",
    "max_days",
    "min_days_unable",
    "max_per_year",
    "waiting_months",
    "deadline_days",
)
BENEFIT_MONEY_FIELDS = {"amount", "amount_per_day"}
OPTIONAL_BENEFIT_FIELDS = BENEFIT_MONEY_FIELDS | {
    "income_multiple",
    "max_days",
    "min_days_unable",
    "max_per_year",
}


def version_in_force(scheme_id: int, on: dt.date) -> SchemeVersion:
    """The scheme version whose rules apply on ``on``: the latest effective_from on or before it."""
    version = (
        SchemeVersion.objects.filter(scheme_id=scheme_id, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise DomainError(
            f"scheme {scheme_id} has no rules in force on {on:%Y-%m-%d}", code="no_scheme_version"
        )
    return version


def benefit_in_force(scheme_id: int, claim_type: str, on: dt.date) -> Benefit | None:
    version = version_in_force(scheme_id, on)
    return version.benefits.filter(claim_type=claim_type).first()


@dataclass(frozen=True)
class TimelineEntry:
    version: SchemeVersion
    state: VersionState


@dataclass(frozen=True)
class SchemeSummary:
    scheme: Scheme
    in_force: SchemeVersion | None
    upcoming: int


def _timeline(versions: list[SchemeVersion], today: dt.date) -> list[TimelineEntry]:
    index = in_force_index([v.effective_from for v in versions], today)
    current = versions[index].effective_from if index is not None else None
    ordered = sorted(versions, key=lambda v: v.effective_from, reverse=True)
    return [TimelineEntry(v, version_state(v.effective_from, current, today)) for v in ordered]


def scheme_list(*, user: Any, today: dt.date) -> list[SchemeSummary]:
    """Every scheme the user may read, with the version in force today (two queries)."""
    schemes = list(scoped(user, Scheme.objects.all()))
    by_scheme: dict[int, list[SchemeVersion]] = {s.pk: [] for s in schemes}
    for version in SchemeVersion.objects.filter(scheme_id__in=list(by_scheme)).only(
        "id", "scheme_id", "effective_from", "premium_monthly"
    ):
        by_scheme[version.scheme_id].append(version)
    summaries = []
    for scheme in schemes:
        entries = _timeline(by_scheme[scheme.pk], today)
        in_force = next((e.version for e in entries if e.state == VersionState.IN_FORCE), None)
        upcoming = sum(1 for e in entries if e.state == VersionState.FUTURE)
        summaries.append(SchemeSummary(scheme, in_force, upcoming))
    return summaries


def scheme_timeline(*, scheme: Scheme, today: dt.date) -> list[TimelineEntry]:
    """All versions of a scheme, newest first, each marked past / in force / future."""
    return _timeline(list(SchemeVersion.objects.filter(scheme=scheme)), today)


@dataclass(frozen=True)
class RuleRow:
    name: str
    label: str
    value: str
    placeholder: bool


def verbose_name(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


def _display(value: Any, *, money: bool) -> str:
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if money:
        return format_rupiah(value)
    return str(value)


def version_rule_rows(version: SchemeVersion) -> list[RuleRow]:
    rows = []
    for name in RULE_FIELDS:
        value = getattr(version, name)
        if name == "payers":
            labels = dict(Payer.choices)
            text = ", ".join(str(labels.get(p, p)) for p in value)
        elif name == "reinstatement_rule":
            text = str(version.get_reinstatement_rule_display())
        else:
            text = _display(value, money=name in MONEY_FIELDS)
        rows.append(RuleRow(name, verbose_name(SchemeVersion, name), text, version.is_placeholder(name)))
    return rows


@dataclass(frozen=True)
class BenefitView:
    benefit: Benefit
    rows: list[RuleRow]
    documents: list[str]


def version_benefits(version: SchemeVersion) -> list[BenefitView]:
    """Each benefit with its non-empty values and document checklist, placeholders marked."""
    documents = dict(ClaimDocument.choices)
    views = []
    for benefit in version.benefits.all():
        rows = []
        for name in BENEFIT_DISPLAY_FIELDS:
            value = getattr(benefit, name)
            key = f"benefits.{benefit.claim_type}.{name}"
            if name in OPTIONAL_BENEFIT_FIELDS and not value and not version.is_placeholder(key):
                continue
            label = verbose_name(Benefit, name)
            rows.append(
                RuleRow(
                    name,
                    label,
                    _display(value, money=name in BENEFIT_MONEY_FIELDS),
                    version.is_placeholder(key),
                )
            )
        views.append(BenefitView(benefit, rows, [str(documents.get(d, d)) for d in benefit.documents]))
    return views
