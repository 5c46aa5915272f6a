from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ExpenseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("honoraria", _("Field officer honoraria")), ("admin", _("Administrative costs"))],
    )
    amount = forms.IntegerField(label=_("Amount (Rp)"), min_value=1, max_value=10**12)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    paid_from = forms.ChoiceField(
        label=_("Paid from"), choices=[("cash", _("Cash at the LPA")), ("bank", _("Bank"))]
    )
    memo = forms.CharField(label=_("Memo"), max_length=200)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
