"""Forms only shape input; the rules live in ``lpa.services`` (errors come back as DomainError)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from askesos.accounts.models import Role, User
from askesos.core.uploads import DOCUMENTS, UploadField
from askesos.lpa.models import Criterion, FieldOfficer, Lpa, SeedGrant
from askesos.lpa.services import ADMIN_FIELDS, PROFILE_FIELDS
from askesos.regions.codes import subtree_range
from askesos.regions.fields import KelurahanField, scope_ranges
from askesos.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LpaForm(forms.ModelForm):
    """Create/edit an LPA's profile. ``own_profile`` hides code and kelurahan (LPA managers)."""

    class Meta:
        model = Lpa
        fields = ADMIN_FIELDS
        widgets = {"founded_on": DATE, "address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, own_profile: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if own_profile:
            for name in set(ADMIN_FIELDS) - set(PROFILE_FIELDS):
                del self.fields[name]
        else:
            # Kelurahan of the user's area only: a dropdown for a city, a code input for a province
            # or the whole country (about 84,000 kelurahan).
            self.fields["kelurahan"] = KelurahanField(
                ranges=scope_ranges(user), label=_("Kelurahan"), initial=self.initial.get("kelurahan")
            )
        self.fields["legal_form"].required = True

    def _post_clean(self) -> None:
        """Leave the instance untouched: ``lpa_update`` compares it with the cleaned data and audits
        the difference; duplicates and other rules are checked by the services."""


class CriteriaForm(forms.Form):
    """The seven-row selection checklist: met / note / one new evidence file per criterion."""

    def __init__(self, *args: Any, checklist: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in checklist:
            key = item.criterion.value
            self.fields[f"met_{key}"] = forms.BooleanField(label=_("Met"), required=False, initial=item.met)
            self.fields[f"note_{key}"] = forms.CharField(
                label=_("Note"),
                required=False,
                initial=item.row.note if item.row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"file_{key}"] = UploadField(
                label=_("Add evidence (PDF, JPEG or PNG)"), accept=DOCUMENTS, required=False
            )
        self.checklist = checklist

    def rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [
            (
                item,
                self[f"met_{item.criterion.value}"],
                self[f"note_{item.criterion.value}"],
                self[f"file_{item.criterion.value}"],
            )
            for item in self.checklist
        ]

    def values(self) -> list[tuple[Criterion, bool, str, Any]]:
        return [
            (
                item.criterion,
                self.cleaned_data[f"met_{item.criterion.value}"],
                self.cleaned_data[f"note_{item.criterion.value}"],
                self.cleaned_data[f"file_{item.criterion.value}"],
            )
            for item in self.checklist
        ]


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SeedGrantForm(forms.ModelForm):
    class Meta:
        model = SeedGrant
        fields = ("amount", "received_on", "reference")
        widgets = {"received_on": DATE}


class KelurahanMultiple(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.parent.name})" if obj.parent_id else obj.name


class OfficerForm(forms.ModelForm):
    """A field officer. Kelurahan are offered from the LPA's city; user accounts are field-officer
    accounts not linked to another officer."""

    class Meta:
        model = FieldOfficer
        fields = (
            "full_name",
            "nik",
            "phone",
            "kelurahan",
            "active_from",
            "active_to",
            "user",
            "education",
            "notes",
        )
        widgets = {"active_from": DATE, "active_to": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, lpa: Lpa, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = subtree_range(lpa.kelurahan_id // 10**6 * 10**6, Region.Level.CITY)
        self.fields["kelurahan"] = KelurahanMultiple(
            queryset=Region.objects.filter(level=Region.Level.VILLAGE, pk__gte=low, pk__lt=high)
            .select_related("parent")
            .order_by("parent__name", "name"),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
            label=_("Assigned kelurahan"),
            required=True,
        )
        users = User.objects.filter(role=Role.FIELD_OFFICER, is_active=True).filter(
            Q(field_officer__isnull=True) | Q(field_officer=self.instance.pk or 0)
        )
        self.fields["user"].queryset = users.order_by("username")  # type: ignore[attr-defined]
        # Spaces, dots and dashes are allowed here and stripped by the service.
        self.fields["nik"] = forms.CharField(
            label=_("NIK"),
            max_length=22,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})

    def _post_clean(self) -> None:
        """Leave the instance untouched (``officer_update`` audits the difference); NIK normalising,
        duplicates and the linked account are checked by the services."""
