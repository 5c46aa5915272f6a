"""Forms only shape input; the rules live in ``outreach.services`` (errors come back as DomainError).
The event and lead forms are used on phones in the field: few fields, one column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.core.access import scoped
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.outreach.models import Campaign, Channel, LeadStatus
from askesos.outreach.selectors import DIMENSIONS, area_ranges
from askesos.regions.fields import KelurahanField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})


def lpas_for(user: Any) -> Any:
    return scoped(user, Lpa.objects.filter(status=Lpa.Status.ACTIVE)).order_by("code")


class CampaignForm(forms.Form):
    lpa = forms.ModelChoiceField(queryset=Lpa.objects.none(), label=_("LPA"))
    name = forms.CharField(label=_("Name"), max_length=150)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    goal_enrolments = forms.IntegerField(label=_("Goal (new members)"), min_value=0, initial=0, widget=NUMBER)
    budget = forms.IntegerField(label=_("Budget (Rp)"), min_value=0, initial=0, widget=NUMBER)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lpa"].queryset = lpas_for(user)  # type: ignore[attr-defined]


class EventForm(forms.Form):
    lpa = forms.ModelChoiceField(queryset=Lpa.objects.none(), label=_("LPA"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    venue_name = forms.CharField(
        label=_("Venue"),
        max_length=150,
        required=False,
        help_text=_("Required for houses of worship, e.g. Masjid Al-Ikhlas."),
    )
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    attendance = forms.IntegerField(label=_("People reached"), min_value=0, initial=0, widget=NUMBER)
    cost = forms.IntegerField(label=_("Cost (Rp)"), min_value=0, initial=0, widget=NUMBER)
    officers = forms.ModelMultipleChoiceField(
        queryset=FieldOfficer.objects.none(),
        label=_("Officers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), label=_("Campaign"), required=False)

    def __init__(self, *args: Any, user: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lpa"].queryset = lpas_for(user)  # type: ignore[attr-defined]
        # The kelurahan of the user's area: a dropdown for a kecamatan or city, a code beyond.
        self.fields["kelurahan"] = KelurahanField(ranges=area_ranges(user), label=_("Kelurahan"))
        self.order_fields(["lpa", "channel", "venue_name", "kelurahan"])
        self.fields["officers"].queryset = scoped(  # type: ignore[attr-defined]
            user, FieldOfficer.objects.filter(active_to__isnull=True).select_related("lpa")
        ).order_by("lpa__code", "full_name")
        self.fields["campaign"].queryset = scoped(  # type: ignore[attr-defined]
            user, Campaign.objects.filter(ends_on__gte=today)
        )
        self.fields["held_on"].initial = today


class AttendanceForm(forms.Form):
    attendance = forms.IntegerField(label=_("People reached"), min_value=0, widget=NUMBER)
    names = forms.CharField(
        label=_("Attendee names (optional, one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def name_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("names", "").splitlines() if line.strip()]


class LeadForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    consent = forms.BooleanField(
        label=_("Agrees to be contacted (phone and NIK are kept only with consent)"), required=False
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    nik = forms.CharField(
        label=_("NIK (optional)"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class LinkForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK of the registered person"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class FunnelForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)
    by = forms.ChoiceField(
        label=_("By"),
        choices=[
            ("channel", _("channel")),
            ("kelurahan", _("kelurahan")),
            ("lpa", _("LPA")),
            ("officer", _("officer")),
        ],
    )

    def clean_by(self) -> str:
        value = self.cleaned_data["by"]
        return value if value in DIMENSIONS else "channel"


class CoverageForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("Coverage below (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        initial=Decimal("1.00"),
    )
    days = forms.IntegerField(label=_("No event in the last (days)"), min_value=1, max_value=3650, initial=90)


LEAD_STATUSES = LeadStatus.choices
