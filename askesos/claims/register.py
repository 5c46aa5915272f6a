"""The claims register for a period and scope, as PDF (WeasyPrint) and XLSX (XlsxWriter).

Both come from the same ``Register`` so the two files always show the same rows and totals. The PDF
layout is a template (``claims/register_pdf.html``) with its stylesheet in
``claims/static/claims/register.css``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from askesos.claims.models import Claim, ClaimStatus

CSS_PATH = Path(__file__).resolve().parent / "static" / "claims" / "register.css"
RUPIAH_FORMAT = '"Rp" #,##0;-"Rp" #,##0'


@dataclass
class Register:
    date_from: dt.date
    date_to: dt.date
    claims: list[Claim]
    made_by: str

    @property
    def title(self) -> str:
        return _("Claims register %(start)s to %(end)s") % {
            "start": self.date_from.strftime("%d-%m-%Y"),
            "end": self.date_to.strftime("%d-%m-%Y"),
        }

    @property
    def total_claimed(self) -> int:
        return sum(c.amount for c in self.claims)

    @property
    def total_paid(self) -> int:
        return sum(c.amount for c in self.claims if c.status == ClaimStatus.PAID)

    def by_status(self) -> list[tuple[str, int]]:
        counts = Counter(c.status for c in self.claims)
        return [(str(label), counts[value]) for value, label in ClaimStatus.choices if counts[value]]

    def filename(self, ext: str) -> str:
        return f"register-klaim-{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}.{ext}"


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"the register may not fetch {url!r}")


def register_pdf(report: Register) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("claims/register_pdf.html", {"report": report})
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH))])


def register_xlsx(report: Register) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": RUPIAH_FORMAT})
    money_bold = book.add_format({"num_format": RUPIAH_FORMAT, "bold": True})
    day = book.add_format({"num_format": "dd-mm-yyyy"})
    sheet = book.add_worksheet(_("Claims"))
    sheet.write(0, 0, report.title, bold)
    headers = [
        _("Claim"),
        _("Member number"),
        _("Member"),
        _("LPA"),
        _("Claim type"),
        _("Event date"),
        _("Reported on"),
        _("Status"),
        _("Amount"),
        _("Paid on"),
    ]
    for col, text in enumerate(headers):
        sheet.write(2, col, text, bold)
    row = 3
    for c in report.claims:
        sheet.write(row, 0, c.number)
        sheet.write(row, 1, c.membership.member_number)
        sheet.write(row, 2, c.membership.person.full_name)
        sheet.write(row, 3, c.lpa.code)
        sheet.write(row, 4, str(c.get_claim_type_display()))
        sheet.write_datetime(row, 5, dt.datetime.combine(c.event_date, dt.time()), day)
        sheet.write_datetime(row, 6, dt.datetime.combine(c.reported_on, dt.time()), day)
        sheet.write(row, 7, str(c.get_status_display()))
        sheet.write_number(row, 8, c.amount, money)
        if c.paid_on:
            sheet.write_datetime(row, 9, dt.datetime.combine(c.paid_on, dt.time()), day)
        row += 1
    sheet.write(row + 1, 7, _("Total claimed"), bold)
    sheet.write_number(row + 1, 8, report.total_claimed, money_bold)
    sheet.write(row + 2, 7, _("Total paid"), bold)
    sheet.write_number(row + 2, 8, report.total_paid, money_bold)
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 2, 28)
    sheet.set_column(3, 7, 16)
    sheet.set_column(8, 8, 16)
    book.close()
    return buffer.getvalue()


def as_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
