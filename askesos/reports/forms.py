from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.reports.models import ReportKind


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)
    area = forms.CharField(
        label=_("City (Kemendagri code) for the Dinas Sosial pack"), required=False, max_length=13
    )
    lpa = forms.IntegerField(label=_("LPA (for the monthly LPA report)"), required=False, widget=forms.Select)
