"""Form widgets shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """``<input type="date">``: the browser sends and expects ISO dates whatever the UI language, so the
    value is always rendered as YYYY-MM-DD (an Indonesian-formatted value would be discarded)."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)
