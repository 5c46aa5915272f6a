from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.core.uploads import TABLES, UploadField
from askesos.evaluation.models import Instrument, ItemKind, RespondentGroup, SurveyRound
from askesos.lpa.models import Lpa
from askesos.regions.fields import KelurahanField


class RoundForm(forms.Form):
    instrument = forms.ModelChoiceField(label=_("Instrument"), queryset=Instrument.objects.all())
    name = forms.CharField(label=_("Name"), max_length=200)
    period = forms.CharField(label=_("Period (YYYY-MM)"), max_length=7)
    region_code = forms.CharField(label=_("Area (Kemendagri code, e.g. 31.75)"), max_length=13)
    lpa = forms.ModelChoiceField(label=_("LPA (optional)"), queryset=Lpa.objects.none(), required=False)

    def __init__(self, *args: Any, lpas: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lpas is not None:
            self.fields["lpa"].queryset = lpas  # type: ignore[attr-defined]


class ResponseForm(forms.Form):
    """One respondent: group, kelurahan, optional LPA and one radio group per item (phone-usable)."""

    group = forms.ChoiceField(label=_("Respondent group"), choices=RespondentGroup.choices)
    kelurahan = forms.Field(label=_("Kelurahan"))  # a KelurahanField of the round's area (__init__)
    lpa = forms.ChoiceField(label=_("LPA"), required=False)
    respondent = forms.CharField(label=_("Respondent reference (optional)"), required=False, max_length=40)

    def __init__(self, *args: Any, survey: SurveyRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = survey.region.subtree
        self.fields["kelurahan"] = KelurahanField(
            ranges=[(low, high)],
            label=self.fields["kelurahan"].label,
            error_messages={"out_of_scope": _("%(name)s (%(code)s) is outside the round's area.")},
        )
        lpas = Lpa.objects.filter(kelurahan_id__gte=low, kelurahan_id__lt=high).order_by("code")
        self.fields["lpa"].choices = [("", "—")] + [(lpa.pk, lpa.code) for lpa in lpas]  # type: ignore[attr-defined]
        scale = survey.instrument.scale
        for item in survey.instrument.items.all():
            choices = (
                [("1", _("yes")), ("0", _("no"))]
                if item.kind == ItemKind.YES_NO
                else [(str(v), str(v)) for v in range(1, scale + 1)]
            )
            self.fields[f"item_{item.code}"] = forms.ChoiceField(
                label=f"{item.code}. {item.text_id} / {item.text_en}",
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def answers(self) -> dict[str, object]:
        return {k[5:]: v for k, v in self.cleaned_data.items() if k.startswith("item_")}


class ImportForm(forms.Form):
    file = UploadField(label=_("CSV or XLSX file"), accept=TABLES)
