"""Pure rules of the outbox (no ORM): phone numbers, Indonesian message texts, retry schedule.

Members read SMS in Indonesian whatever the staff UI language is, so the texts are Indonesian here
rather than translated English. Month names follow Indonesian abbreviations (Agu, Okt, Des, Mei).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from askesos.core.errors import DomainError
from askesos.core.money import format_rupiah

MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MAX_ATTEMPTS = 5
EN_DASH = "\u2013"

_PHONE_NOISE = re.compile(r"[\s\-.()/]")


def normalize_phone(raw: str) -> str:
    """Indonesian numbers in E.164: ``0812-3456-789``, ``62812...``, ``+62 812...``, ``812...`` all
    become ``+62812...``. Mobile and fixed numbers have 8 to 12 digits after the country code."""
    text = _PHONE_NOISE.sub("", raw or "")
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("62"):
            raise DomainError(f"{raw!r} is not an Indonesian phone number", code="invalid_phone", field="to")
        national = text[2:]
    elif text.startswith("62"):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    else:
        national = text
    if not national.isdigit() or national.startswith("0") or not 8 <= len(national) <= 12:
        raise DomainError(f"{raw!r} is not a valid phone number", code="invalid_phone", field="to")
    return "+62" + national


def _as_month(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    return dt.date.fromisoformat(str(value)[:10]).replace(day=1)


def month_label(month: dt.date) -> str:
    return f"{MONTHS_ID[month.month - 1]} {month.year}"


def period_label(start: Any, end: Any | None = None) -> str:
    """``Jan 2027``; ``Jan\u2013Mar 2027``; ``Des 2026\u2013Feb 2027`` (en dash, no spaces)."""
    first = _as_month(start)
    last = _as_month(end) if end else first
    if first == last:
        return month_label(first)
    if first.year == last.year:
        return f"{MONTHS_ID[first.month - 1]}{EN_DASH}{month_label(last)}"
    return f"{month_label(first)}{EN_DASH}{month_label(last)}"


def _date_label(value: Any) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {month_label(day)}"


CLAIM_STATUS_ID = {
    "submitted": "diterima dan sedang diperiksa",
    "verified": "sudah diverifikasi",
    "approved": "disetujui",
    "rejected": "ditolak",
    "paid": "sudah dibayar",
    "incomplete": "dokumen belum lengkap",
}


def _payment_received(c: Mapping[str, Any]) -> str:
    return (
        f"{format_rupiah(int(c['amount']))} diterima untuk "
        f"{period_label(c['period_from'], c.get('period_to'))}, kuitansi {c['receipt']}"
    )


def _due_reminder(c: Mapping[str, Any]) -> str:
    return (
        f"Iuran ASKESOS {period_label(c['month'])} sebesar {format_rupiah(int(c['amount']))} "
        f"belum dibayar. Nomor peserta {c['member_number']}."
    )


def _lapse_warning(c: Mapping[str, Any]) -> str:
    return (
        f"Kepesertaan ASKESOS {c['member_number']} menunggak {int(c['months_unpaid'])} bulan dan berakhir "
        f"pada {_date_label(c['lapse_on'])} jika iuran belum dibayar."
    )


def _claim_status(c: Mapping[str, Any]) -> str:
    status = CLAIM_STATUS_ID.get(str(c["status"]), str(c["status"]))
    text = f"Klaim ASKESOS {c['claim_number']}: {status}"
    if c.get("amount"):
        text += f", {format_rupiah(int(c['amount']))}"
    return text + "."


def _enrolment_welcome(c: Mapping[str, Any]) -> str:
    return (
        f"Selamat bergabung di ASKESOS, {c['name']}. Nomor peserta {c['member_number']}, "
        f"iuran {format_rupiah(int(c['premium']))}/bulan."
    )


TEMPLATES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "payment_received": _payment_received,
    "due_reminder": _due_reminder,
    "lapse_warning": _lapse_warning,
    "claim_status": _claim_status,
    "enrolment_welcome": _enrolment_welcome,
}


def render(template: str, context: Mapping[str, Any]) -> str:
    """The Indonesian text of a named template; ``unknown_template`` / ``template_context`` errors."""
    try:
        renderer = TEMPLATES[template]
    except KeyError:
        raise DomainError(f"unknown message template {template!r}", code="unknown_template") from None
    try:
        return renderer(context)
    except (KeyError, ValueError, TypeError) as exc:
        raise DomainError(
            f"template {template!r} cannot be filled from the context: {exc}", code="template_context"
        ) from None


def backoff_delay(attempts: int) -> dt.timedelta | None:
    """Wait after the ``attempts``-th failed try: 1, 5, 25, 125 minutes; ``None`` after the fifth
    (give up: the message is dead)."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return dt.timedelta(minutes=5 ** (attempts - 1))
