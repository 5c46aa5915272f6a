"""Forms only shape input; the rules live in ``workforce.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.core.access import scoped
from askesos.core.months import parse_month
from askesos.core.uploads import DOCUMENTS, UploadField
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.outreach.forms import DATE, NUMBER, lpas_for
from askesos.outreach.selectors import area_ranges
from askesos.regions.fields import RegionField
from askesos.workforce.models import (
    Condition,
    EquipmentType,
    PaidFrom,
    TrainingTopic,
    TrainingType,
    VehicleType,
)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text)
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class MonthForm(forms.Form):
    month = MonthField(label=_("Month"))
    lpa = forms.ModelChoiceField(queryset=Lpa.objects.none(), label=_("LPA"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lpa"].queryset = lpas_for(user)  # type: ignore[attr-defined]


def officers_for(user: Any) -> Any:
    return scoped(user, FieldOfficer.objects.filter(active_to__isnull=True).select_related("lpa")).order_by(
        "lpa__code", "full_name"
    )


class TrainingForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=TrainingType.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=TrainingTopic.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=1000, widget=NUMBER)
    provider = forms.CharField(label=_("Provider"), max_length=150)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    lpa = forms.ModelChoiceField(
        queryset=Lpa.objects.none(), label=_("Organising LPA (empty: Kemensos / Dinas)"), required=False
    )
    certificate = UploadField(label=_("Certificate (PDF, JPEG or PNG)"), accept=DOCUMENTS, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lpa"].queryset = lpas_for(user)  # type: ignore[attr-defined]
        # A city, kecamatan or kelurahan of the user's area: a dropdown when the area is small, else
        # a Kemendagri code (a province has thousands of kelurahan).
        self.fields["region"] = RegionField(
            ranges=area_ranges(user), label=_("Where (city, kecamatan or kelurahan)")
        )
        self.order_fields(["type", "topic", "title", "hours", "provider", "held_on", "region"])


class TrainingRecordForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=FieldOfficer.objects.none(), label=_("Officer"))
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)
    score = forms.IntegerField(
        label=_("Competence test score (0-100)"), min_value=0, max_value=100, required=False, widget=NUMBER
    )
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers_for(user)  # type: ignore[attr-defined]


class ComputeForm(forms.Form):
    lpa = forms.ModelChoiceField(queryset=Lpa.objects.none(), label=_("LPA"))
    month = MonthField(label=_("Month"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lpa"].queryset = lpas_for(user)  # type: ignore[attr-defined]


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, initial=dt.date.today)
    paid_from = forms.ChoiceField(label=_("Paid from"), choices=PaidFrom.choices)


class VehicleForm(forms.Form):
    lpa = forms.ModelChoiceField(queryset=Lpa.objects.none(), label=_("LPA"))
    type = forms.ChoiceField(label=_("Type"), choices=VehicleType.choices)
    plate = forms.CharField(label=_("Plate number"), max_length=15)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    acquired_on = forms.DateField(label=_("Acquired on"), widget=DATE)
    assigned_officer = forms.ModelChoiceField(
        queryset=FieldOfficer.objects.none(), label=_("Assigned officer"), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lpa"].queryset = lpas_for(user)  # type: ignore[attr-defined]
        self.fields["assigned_officer"].queryset = officers_for(user)  # type: ignore[attr-defined]


class EquipmentForm(VehicleForm):
    type = forms.ChoiceField(label=_("Type"), choices=EquipmentType.choices)
    plate = None  # type: ignore[assignment]
    serial = forms.CharField(label=_("Serial number"), max_length=60)

    field_order = ["lpa", "type", "serial", "condition", "acquired_on", "assigned_officer"]


class AssetUpdateForm(forms.Form):
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    assigned_officer = forms.ModelChoiceField(
        queryset=FieldOfficer.objects.none(), label=_("Assigned officer"), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, lpa_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_officer"].queryset = officers_for(user).filter(lpa_id=lpa_id)  # type: ignore[attr-defined]


class MaintenanceForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("Work done"), max_length=300)
    cost = forms.IntegerField(label=_("Cost (Rp)"), min_value=0, initial=0, widget=NUMBER)
    condition_after = forms.ChoiceField(label=_("Condition after"), choices=Condition.choices)
