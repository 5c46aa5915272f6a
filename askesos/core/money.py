"""Money is an integer number of rupiah; this module only formats it."""

from __future__ import annotations


def format_rupiah(amount: int | None) -> str:
    """Format rupiah the Indonesian way: ``Rp 5.000``, ``-Rp 1.250.000``."""
    if amount is None:
        return "\N{EN DASH}"
    sign = "-" if amount < 0 else ""
    digits = f"{abs(int(amount)):,}".replace(",", ".")
    return f"{sign}Rp {digits}"
