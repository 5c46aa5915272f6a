"""The "new version" form: every rule of the version it copies, prefilled; only changes are sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from askesos.core.months import parse_month
from askesos.schemes.models import Benefit, ClaimType, Payer, SchemeVersion
from askesos.schemes.rules import VERSION_FIELDS

FORM_VERSION_FIELDS = [f for f in VERSION_FIELDS if f not in ("payers", "placeholders")]
FORM_BENEFIT_FIELDS = (
    "amount",
    "amount_per_day",
    "income_multiple",
    "max_days",
    "min_days_unable",
    "max_per_year",
    "waiting_months",
    "deadline_days",
)


def _formfield(model: type[models.Model], name: str, **kwargs: Any) -> forms.Field:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    field = model_field.formfield(**kwargs)
    assert field is not None
    return field


NOT_NULL_BENEFIT_FIELDS = {"amount", "amount_per_day", "waiting_months"}


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        return super().format_value(value)


class MonthField(forms.Field):
    widget = MonthInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1)
        try:
            return parse_month(str(value))
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."), code="invalid") from None


class SchemeVersionForm(forms.Form):
    """Built from ``base`` (the version being copied or edited); ``changes()`` returns only what
    differs from it, so a placeholder keeps its mark unless its value was changed or unticked."""

    def __init__(self, *args: Any, base: SchemeVersion, with_month: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = base
        self.base_benefits = {b.claim_type: b for b in base.benefits.all()}
        if with_month:
            self.fields["effective_from"] = MonthField(label=_("effective from (month)"))
        for name in FORM_VERSION_FIELDS:
            field = _formfield(SchemeVersion, name)
            if name == "note":
                field.widget = forms.Textarea(attrs={"rows": 4})
            field.initial = getattr(base, name)
            self.fields[name] = field
        self.fields["payers"] = forms.MultipleChoiceField(
            label=_formfield(SchemeVersion, "payers").label,
            choices=Payer.choices,
            widget=forms.CheckboxSelectMultiple,
            initial=list(base.payers),
        )
        self.fields["placeholders"] = forms.MultipleChoiceField(
            label=_("still placeholders (untick a value the ministry has confirmed)"),
            choices=[(p, p) for p in base.placeholders],
            widget=forms.CheckboxSelectMultiple,
            initial=list(base.placeholders),
            required=False,
        )
        for claim_type, benefit in self.base_benefits.items():
            for name in FORM_BENEFIT_FIELDS:
                field = _formfield(Benefit, name, required=False)
                field.label = f"{ClaimType(claim_type).label}: {field.label}"
                field.initial = getattr(benefit, name)
                self.fields[f"b__{claim_type}__{name}"] = field

    def version_fields(self) -> list[forms.BoundField]:
        names = ["effective_from"] if "effective_from" in self.fields else []
        return [self[n] for n in [*names, *FORM_VERSION_FIELDS, "payers", "placeholders"] if n != "note"]

    def benefit_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(ClaimType(ct).label), [self[f"b__{ct}__{n}"] for n in FORM_BENEFIT_FIELDS])
            for ct in self.base_benefits
        ]

    def changes(self) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        for name in [*FORM_VERSION_FIELDS, "payers", "placeholders"]:
            value = data.get(name)
            if name in ("payers", "placeholders"):
                value = list(value or [])
            elif value is None and name == "note":
                value = ""
            if value != getattr(self.base, name):
                changes[name] = value
        benefits: dict[str, dict[str, Any]] = {}
        for claim_type, benefit in self.base_benefits.items():
            for name in FORM_BENEFIT_FIELDS:
                value = data.get(f"b__{claim_type}__{name}")
                if value is None and name in NOT_NULL_BENEFIT_FIELDS:
                    value = 0
                if value != getattr(benefit, name):
                    benefits.setdefault(claim_type, {})[name] = value
        return changes, benefits
