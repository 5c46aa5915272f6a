"""Forms parse and validate input only; the rules live in ``claims.rules``/``claims.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.claims.models import ClaimPayee, ClaimStatus, PayoutChannel
from askesos.core.uploads import DOCUMENTS, UploadField
from askesos.core.widgets import DateInput
from askesos.schemes.models import ClaimDocument, ClaimType


class IntakeForm(forms.Form):
    claim_type = forms.ChoiceField(label=_("Claim type"), choices=ClaimType.choices)
    event_date = forms.DateField(label=_("Event date"), widget=DateInput)
    days = forms.IntegerField(
        label=_("Days in hospital or unable to work"), min_value=1, max_value=366, required=False
    )
    cause = forms.CharField(label=_("Cause"), max_length=300, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    claimant_name = forms.CharField(
        label=_("Claimant"),
        max_length=150,
        required=False,
        help_text=_("Empty: the member, or for a death the first heir."),
    )
    claimant_phone = forms.CharField(label=_("Claimant phone"), max_length=20, required=False)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"))
    file = UploadField(label=_("File (PDF, JPEG or PNG)"), accept=DOCUMENTS)

    def __init__(self, *args: Any, checklist: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ClaimDocument.choices)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, labels.get(k, k)) for k in checklist]


class VerifyForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for overriding blocking checks"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)

    def __init__(self, *args: Any, payees: list[ClaimPayee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.payees = payees
        for p in payees:
            self.fields[f"channel_{p.pk}"] = forms.ChoiceField(
                label=_("Channel"), choices=PayoutChannel.choices, initial=p.channel
            )
            self.fields[f"account_{p.pk}"] = forms.CharField(
                label=_("Account number"), max_length=40, required=False, initial=p.account_number
            )
            self.fields[f"reference_{p.pk}"] = forms.CharField(label=_("Payout reference"), max_length=60)

    def payee_fields(self) -> list[tuple[ClaimPayee, list[forms.BoundField]]]:
        return [
            (p, [self[f"channel_{p.pk}"], self[f"account_{p.pk}"], self[f"reference_{p.pk}"]])
            for p in self.payees
        ]


class RegisterForm(forms.Form):
    date_from = forms.DateField(label=_("Reported from"), widget=DateInput)
    date_to = forms.DateField(label=_("Reported to"), widget=DateInput)
    lpa = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *ClaimStatus.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
