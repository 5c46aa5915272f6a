"""Forms only parse and shape input; the rules are in ``rules``/``services``."""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.contributions.models import Channel
from askesos.contributions.services import BatchRow
from askesos.core.uploads import CSV_ONLY, UploadField
from askesos.schemes.models import Payer


def new_receipt_number() -> str:
    """A receipt number made when the form is shown, so a double submit posts once (idempotent)."""
    return "R" + secrets.token_hex(6).upper()


class PaymentForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Months"), coerce=int)
    amount = forms.IntegerField(label=_("Amount (Rp)"), min_value=1)
    channel = forms.ChoiceField(
        label=_("Paid by"),
        choices=[(c.value, c.label) for c in Channel if c != Channel.THIRD_PARTY],
        widget=forms.RadioSelect,
        initial=Channel.CASH_OFFICER,
    )
    collector = forms.TypedChoiceField(label=_("Collected by"), coerce=int, required=False)
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=32)
    carry_forward = forms.BooleanField(
        label=_("Keep any amount over whole months as credit for the next payment"), required=False
    )

    def __init__(self, *args: Any, max_months: int, officers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        months_field = self.fields["months"]
        assert isinstance(months_field, forms.TypedChoiceField)
        months_field.choices = [(n, str(n)) for n in range(1, max_months + 1)]
        collector_field = self.fields["collector"]
        assert isinstance(collector_field, forms.TypedChoiceField)
        collector_field.choices = [("", "—"), *officers]


class DepositForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount handed over (Rp)"), min_value=1)
    deposited_on = forms.DateField(
        label=_("Handed over on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    receipts = forms.TypedMultipleChoiceField(
        label=_("Receipts covered (optional)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, receipts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["receipts"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = receipts


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 2}))


class BatchForm(forms.Form):
    lpa = forms.TypedChoiceField(label=_("LPA"), coerce=int)
    payer = forms.ChoiceField(
        label=_("Payer"), choices=[(p.value, p.label) for p in Payer if p != Payer.MEMBER]
    )
    payer_name = forms.CharField(label=_("Payer name"), max_length=150)
    reference = forms.CharField(label=_("Transfer reference"), max_length=60)
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    total = forms.IntegerField(label=_("Transfer total (Rp)"), min_value=1)
    file = UploadField(label=_("CSV file: member_number,months"), accept=CSV_ONLY)

    def __init__(self, *args: Any, lpas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lpa"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = lpas

    def rows(self) -> tuple[list[BatchRow], list[tuple[int, str]]]:
        """Parse the CSV: rows, and per-line format errors (line numbers as in the file)."""
        raw = self.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:  # Excel's "CSV" on Windows
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                return [], [(0, str(_("The file is neither UTF-8 nor Windows-1252 text.")))]
        rows: list[BatchRow] = []
        errors: list[tuple[int, str]] = []
        for line, record in enumerate(csv.reader(io.StringIO(text)), start=1):
            cells = [c.strip() for c in record]
            if not any(cells) or (
                line == 1 and cells and cells[0].lower() in ("member_number", "nomor_peserta")
            ):
                continue
            if len(cells) != 2 or not cells[1].isdigit() or int(cells[1]) < 1:
                errors.append(
                    (line, str(_("Expected: member number, months (a whole number of at least 1).")))
                )
                continue
            rows.append(BatchRow(line=line, member_number=cells[0].upper(), months=int(cells[1])))
        return rows, errors
