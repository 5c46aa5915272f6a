from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from askesos.core.widgets import DateInput


class _Form(forms.Form):
    on = forms.DateField(widget=DateInput)


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_date_input_renders_iso_dates_in_every_language(language):
    with translation.override(language):
        html = str(_Form(initial={"on": dt.date(2026, 12, 5)})["on"])
    assert html == '<input type="date" name="on" value="2026-12-05" required id="id_on">'
