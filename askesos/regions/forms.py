from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from askesos.core.uploads import CSV_ONLY, UploadField
from askesos.regions.services import MAX_YEAR, MIN_YEAR, CsvImportError, decode_csv_bytes


class WorkforceEstimateForm(forms.Form):
    """One area's informal-workforce denominator for one year (saved by ``services.workforce_set``)."""

    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    informal_workers = forms.IntegerField(
        label=_("Informal workers"),
        min_value=0,
        help_text=_("Number of people working in the informal sector."),
    )
    source = forms.CharField(
        label=_("Source"), max_length=300, help_text=_("Where the number comes from, e.g. BPS Sakernas 2024.")
    )
    is_estimate = forms.BooleanField(
        label=_("This is an estimate, not an official count"), required=False, initial=True
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WorkforceImportForm(forms.Form):
    """A CSV of denominators; size and type (text, by content) are checked by ``core.uploads``."""

    file = UploadField(label=_("CSV file"), accept=CSV_ONLY)

    def clean_file(self) -> str:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            return decode_csv_bytes(upload.read())
        except CsvImportError as exc:
            raise forms.ValidationError(exc.errors, code="not_csv") from None
