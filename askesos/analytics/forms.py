from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    target_percent = forms.DecimalField(
        label=_("Target (% of informal workers)"), required=False, max_digits=6, decimal_places=2
    )
    target_count = forms.IntegerField(label=_("Target (members)"), required=False, min_value=1)
    note = forms.CharField(label=_("Source / note"), required=False, max_length=300)
