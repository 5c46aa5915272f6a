from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.audit.selectors import AuditFilter
from askesos.core.widgets import DateInput

ISO_DATE = "%Y-%m-%d"


class IsoDateField(forms.DateField):
    """A date as ``<input type=date>`` sends it (YYYY-MM-DD), whatever the page's language: the
    locale's own formats (``11/03/2025`` is 11 March in Indonesian, 3 November in English) are
    refused with a message saying what to type."""

    widget = DateInput
    input_formats = [ISO_DATE]
    default_error_messages = {"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2025-03-11.")}


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=60)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    date_from = IsoDateField(label=_("From"), required=False)
    date_to = IsoDateField(label=_("To"), required=False)
    text = forms.CharField(label=_("Reason contains"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“To” is before “From”."))
        return data

    def to_filter(self) -> AuditFilter:
        """The valid filters; an invalid field (a malformed date) is shown as an error and ignored."""
        self.is_valid()
        data = self.cleaned_data
        return AuditFilter(
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            text=data.get("text") or "",
        )
