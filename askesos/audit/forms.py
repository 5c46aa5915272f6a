from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from askesos.audit.selectors import AuditFilter


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=60)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Reason contains"), required=False, max_length=200)

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
