from __future__ import annotations

from django import template

from askesos.core.masking import mask_nik

register = template.Library()


@register.filter(name="mask_nik")
def mask_nik_filter(value: str | None) -> str:
    return mask_nik(value)


@register.filter(name="percent_bp")
def percent_bp(value: int | None) -> str:
    """Basis points as a percentage: 5000 → "50", 3333 → "33.33"."""
    number = (value or 0) / 100
    return f"{number:.2f}".rstrip("0").rstrip(".")
