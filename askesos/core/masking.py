"""Masking personal identifiers for lists and exports (UU PDP: show only what is needed)."""

from __future__ import annotations

MASK_CHAR = "•"


def mask_nik(nik: str | None) -> str:
    """Keep the first four digits (province and city) and the last four (serial): 3175••••••••0001.

    The birth date and district in between are the personal part of a NIK. Anything that is not
    a 16-character value is masked entirely, so a malformed number never leaks in a list.
    """
    value = (nik or "").strip()
    if len(value) != 16:
        return MASK_CHAR * len(value)
    return f"{value[:4]}{MASK_CHAR * 8}{value[-4:]}"
