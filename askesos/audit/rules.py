"""Turning an audit event's old/new values into a short, readable list of changes (pure)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_VALUE_CHARS = 120


@dataclass(frozen=True)
class Change:
    key: str
    old: str | None  # None: the key did not exist before (creation)
    new: str | None  # None: the key is gone (deletion)


def show_value(value: Any) -> str:
    """A value as one short line: JSON for structures, an en dash for null, cut at MAX_VALUE_CHARS."""
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[Change]:
    """Keys whose value differs between ``old`` and ``new``, in the order they first appear.

    Events store only changed keys for updates, the full row for creations (old is None) and
    deletions (new is None); a key present on one side only is shown as added or removed.
    """
    before, after = dict(old or {}), dict(new or {})
    keys = list(dict.fromkeys([*before, *after]))
    return [
        Change(
            key,
            show_value(before[key]) if key in before else None,
            show_value(after[key]) if key in after else None,
        )
        for key in keys
        if key not in before or key not in after or before[key] != after[key]
    ]
