from __future__ import annotations

from django import template

from askesos.core.money import format_rupiah

register = template.Library()


@register.filter(name="rupiah")
def rupiah(value: int | None) -> str:
    return format_rupiah(value)
