from __future__ import annotations

from fractions import Fraction

from django import template

from askesos.fund.reports import months_text
from askesos.fund.reports import percent as percent_text

register = template.Library()


@register.filter
def percent(value: Fraction | None) -> str:
    return percent_text(value)


@register.filter
def reserve(value: Fraction | None) -> str:
    return months_text(value)
