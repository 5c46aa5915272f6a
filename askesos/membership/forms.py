from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.core.access import scoped
from askesos.lpa.models import Lpa
from askesos.membership.models import MembershipStatus
from askesos.membership.rules import normalize_member_number
from askesos.regions.codes import RegionCodeError, code_to_key, level_of, subtree_range
from askesos.registry.models import Person
from askesos.schemes.models import Scheme


class EnrolForm(forms.Form):
    """Person (from the user's scope), scheme (not a benchmark) and LPA (the user's, active)."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), widget=forms.HiddenInput)
    scheme = forms.ModelChoiceField(queryset=Scheme.objects.none(), label=_("scheme"), empty_label=None)
    lpa = forms.ModelChoiceField(queryset=Lpa.objects.none(), label=_("LPA"), empty_label=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field = self.fields["person"]
        scheme_field = self.fields["scheme"]
        lpa_field = self.fields["lpa"]
        assert isinstance(person_field, forms.ModelChoiceField)
        assert isinstance(scheme_field, forms.ModelChoiceField)
        assert isinstance(lpa_field, forms.ModelChoiceField)
        person_field.queryset = scoped(user, Person.objects.filter(merged_into__isnull=True))
        scheme_field.queryset = Scheme.objects.filter(is_benchmark=False).order_by("name")
        lpa_field.queryset = scoped(user, Lpa.objects.filter(status=Lpa.Status.ACTIVE)).order_by("code")
        scheme_field.widget.attrs["data-autosubmit"] = ""  # re-run the check when the choice changes
        lpa_field.widget.attrs["data-autosubmit"] = ""


class MemberFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("all")), *MembershipStatus.choices], required=False
    )
    lpa = forms.ModelChoiceField(
        queryset=Lpa.objects.none(), label=_("LPA"), required=False, empty_label=_("all")
    )
    kelurahan = forms.CharField(
        label=_("kelurahan or kecamatan code"),
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"placeholder": "31.75.03.1001"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lpa_field = self.fields["lpa"]
        assert isinstance(lpa_field, forms.ModelChoiceField)
        lpa_field.queryset = scoped(user, Lpa.objects.all()).only("id", "code", "name").order_by("code")
        for name in ("status", "lpa"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""

    def clean_kelurahan(self) -> tuple[int, int] | None:
        """A kelurahan (or kecamatan, city) code → its key range, so any level filters."""
        raw = self.cleaned_data.get("kelurahan", "").strip()
        if not raw:
            return None
        try:
            return subtree_range(code_to_key(raw), level_of(raw))
        except RegionCodeError:
            raise forms.ValidationError(
                _("Enter a kelurahan code such as 31.75.03.1001."), code="invalid"
            ) from None


class PublicStatusForm(forms.Form):
    number = forms.CharField(
        label=_("member number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    birth_date = forms.DateField(
        label=_("birth date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_number(self) -> str:
        # An invalid check digit is answered like any other miss (the caller shows "not found").
        raw = self.cleaned_data["number"]
        return normalize_member_number(raw) or raw

    def clean_birth_date(self) -> dt.date:
        return self.cleaned_data["birth_date"]
