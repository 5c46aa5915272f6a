"""Kemendagri region codes and the numeric region key.

A Kemendagri code has the shape ``PP.KK.CC.DDDD`` (province, city/regency, kecamatan,
kelurahan/desa). Askesos stores each region under a 10-digit integer key made by padding the
code's digits on the right: ``31`` → 3100000000, ``31.75`` → 3175000000,
``31.75.01.1001`` → 3175011001. Every region's subtree is then one integer range, so any
table that holds a kelurahan key can be filtered by "inside region X" with a single indexed
range condition (and no join). This is also the column large tables are distributed by.
"""

from __future__ import annotations

import re

LEVEL_PROVINCE = 1
LEVEL_CITY = 2
LEVEL_DISTRICT = 3
LEVEL_VILLAGE = 4

_SEGMENT_WIDTHS = (2, 2, 2, 4)
_SPANS = {LEVEL_PROVINCE: 10**8, LEVEL_CITY: 10**6, LEVEL_DISTRICT: 10**4, LEVEL_VILLAGE: 1}
_DIGITS_BY_LEVEL = {2: 1, 4: 2, 6: 3, 10: 4}
_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class RegionCodeError(ValueError):
    pass


def normalize_code(raw: str) -> str:
    """Accept ``3175011001``, ``31.75.01.1001`` or ``31 75 01 1001``; return the dotted form.

    Raises RegionCodeError with the reason when the input cannot be a Kemendagri code.
    """
    text = str(raw).strip()
    if _DOTTED.match(text):
        return text
    digits = re.sub(r"[\s.\-]", "", text)
    if not digits.isdigit() or len(digits) not in _DIGITS_BY_LEVEL:
        raise RegionCodeError(
            f"{raw!r} is not a Kemendagri region code (2, 4, 6 or 10 digits, e.g. 31.75.01.1001)"
        )
    parts, pos = [], 0
    for width in _SEGMENT_WIDTHS[: _DIGITS_BY_LEVEL[len(digits)]]:
        parts.append(digits[pos : pos + width])
        pos += width
    return ".".join(parts)


def level_of(code: str) -> int:
    return normalize_code(code).count(".") + 1


def code_to_key(code: str) -> int:
    digits = normalize_code(code).replace(".", "")
    return int(digits.ljust(10, "0"))


def key_to_code(key: int, level: int) -> str:
    digits = f"{key:010d}"
    parts, pos = [], 0
    for width in _SEGMENT_WIDTHS[:level]:
        parts.append(digits[pos : pos + width])
        pos += width
    return ".".join(parts)


def subtree_range(key: int, level: int) -> tuple[int, int]:
    """Half-open integer range [low, high) of keys inside the region (itself included)."""
    return key, key + _SPANS[level]


def parent_code(code: str) -> str | None:
    dotted = normalize_code(code)
    return dotted.rsplit(".", 1)[0] if "." in dotted else None
