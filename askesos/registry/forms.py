"""Registry forms: they only convert what people type; the rules live in ``registry.services``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.core.access import scoped, user_scope
from askesos.core.uploads import TABLES, UploadField
from askesos.core.widgets import DateInput
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.fields import KelurahanField
from askesos.registry.models import Heir, KkMembership, MaritalStatus, Occupation, Person, Sex
from askesos.registry.services import HeirInput, PersonInput

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


def kelurahan_ranges(user: Any) -> list[tuple[int, int]] | None:
    """Where the user registers people: their region subtrees and the cities of their LPAs; None
    (anywhere, by Kemendagri code) for national scope."""
    scope = user_scope(user)
    if scope.national:
        return None
    ranges = list(scope.region_ranges)
    lpa_villages = Lpa.objects.filter(pk__in=scope.lpa_ids).values_list("kelurahan_id", flat=True)
    for key in lpa_villages:
        ranges.append(codes.subtree_range(key - key % 1_000_000, codes.LEVEL_CITY))
    return ranges


class PersonForm(forms.Form):
    lpa = forms.ModelChoiceField(label=_("Registering LPA"), queryset=Lpa.objects.none())
    nik = forms.CharField(label=_("NIK"), max_length=24, help_text=_("16 digits, as on the KTP."))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput(), input_formats=DATE_FORMATS)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=MaritalStatus.choices)
    occupation = forms.ChoiceField(label=_("Occupation"), choices=Occupation.choices)
    monthly_income = forms.IntegerField(label=_("Monthly income (Rp)"), min_value=0)
    is_breadwinner = forms.BooleanField(label=_("Main breadwinner of the family"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False)
    address = forms.CharField(
        label=_("Domicile address"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    kelurahan = forms.Field(label=_("Domicile kelurahan"))  # a KelurahanField of the user's area (__init__)
    kk_number = forms.CharField(label=_("KK number (family card)"), max_length=24, required=False)
    kk_relation = forms.ChoiceField(
        label=_("Relation to the head of family"),
        choices=[("", "—"), *KkMembership.Relation.choices],
        required=False,
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"] = KelurahanField(
            ranges=kelurahan_ranges(user), label=self.fields["kelurahan"].label
        )
        if editing:
            del self.fields["lpa"]
        else:
            del self.fields["reason"]
            lpas = scoped(user, Lpa.objects.filter(status=Lpa.Status.ACTIVE)).order_by("code")
            self.fields["lpa"].queryset = lpas  # type: ignore[attr-defined]
            if lpas.count() == 1:
                self.fields["lpa"].initial = lpas.first()

    def to_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            nik=data["nik"],
            full_name=data["full_name"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            marital_status=data["marital_status"],
            occupation=data["occupation"],
            monthly_income=data["monthly_income"],
            is_breadwinner=data["is_breadwinner"],
            address=data["address"],
            kelurahan_id=data["kelurahan"].pk,
            kk_number=data["kk_number"],
            kk_relation=data["kk_relation"],
            phone=data["phone"],
        )

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        open_kk = next((row for row in person.kk_history.all() if row.until is None), None)
        return {
            "nik": person.nik,
            "full_name": person.full_name,
            "birth_date": person.birth_date,
            "sex": person.sex,
            "marital_status": person.marital_status,
            "occupation": person.occupation,
            "monthly_income": person.monthly_income,
            "is_breadwinner": person.is_breadwinner,
            "phone": person.phone,
            "address": person.address,
            "kelurahan": person.kelurahan_id,
            "kk_number": open_kk.household.kk_number if open_kk else "",
            "kk_relation": open_kk.relation if open_kk else "",
        }


class HeirForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    nik = forms.CharField(label=_("NIK"), max_length=24)
    relation = forms.ChoiceField(label=_("Relation"), choices=Heir.Relation.choices)
    share_percent = forms.DecimalField(
        label=_("Share (%)"), min_value=Decimal("0.01"), max_value=Decimal(100), decimal_places=2
    )
    birth_date = forms.DateField(
        label=_("Birth date"), widget=DateInput(), input_formats=DATE_FORMATS, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False)
    payout_channel = forms.ChoiceField(label=_("Payout channel"), choices=Heir.PayoutChannel.choices)
    provider = forms.CharField(label=_("Bank or e-wallet"), max_length=60, required=False)
    account_number = forms.CharField(label=_("Account number"), max_length=40, required=False)
    account_holder = forms.CharField(label=_("Account holder"), max_length=150, required=False)

    def to_input(self) -> HeirInput:
        data = self.cleaned_data
        birth_date: dt.date | None = data["birth_date"]
        return HeirInput(
            full_name=data["full_name"],
            nik=data["nik"],
            relation=data["relation"],
            share_bp=int(data["share_percent"] * 100),
            payout_channel=data["payout_channel"],
            birth_date=birth_date,
            phone=data["phone"],
            provider=data["provider"],
            account_number=data["account_number"],
            account_holder=data["account_holder"],
        )

    @staticmethod
    def initial_for(heir: Heir) -> dict[str, Any]:
        return {
            "full_name": heir.full_name,
            "nik": heir.nik,
            "relation": heir.relation,
            "share_percent": Decimal(heir.share_bp) / 100,
            "birth_date": heir.birth_date,
            "phone": heir.phone,
            "payout_channel": heir.payout_channel,
            "provider": heir.provider,
            "account_number": heir.account_number,
            "account_holder": heir.account_holder,
        }


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("merge", _("merge")), ("dismiss", _("dismiss"))])
    keep = forms.IntegerField(required=False)
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    lpa = forms.ModelChoiceField(label=_("LPA"), queryset=Lpa.objects.none())
    file = UploadField(label=_("File (CSV or XLSX)"), accept=TABLES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lpas = scoped(user, Lpa.objects.filter(status=Lpa.Status.ACTIVE)).order_by("code")
        self.fields["lpa"].queryset = lpas  # type: ignore[attr-defined]
        if lpas.count() == 1:
            self.fields["lpa"].initial = lpas.first()
