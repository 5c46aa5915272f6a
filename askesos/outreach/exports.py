"""XLSX exports (XlsxWriter): one helper that writes sheets of plain rows, numbers as numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from django.http import HttpResponse

Sheet = tuple[str, Sequence[Any], Sequence[Sequence[Any]]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Each sheet: (title, header cells, rows). Headers are bold; dates get an ISO date format."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "default_date_format": "yyyy-mm-dd",
            "strings_to_numbers": False,
            "strings_to_formulas": False,
        },
    )
    bold = book.add_format({"bold": True})
    for title, headers, rows in sheets:
        sheet = book.add_worksheet(str(title)[:31])
        sheet.write_row(0, 0, [str(h) for h in headers], bold)
        for index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                sheet.write(index, col, "" if value is None else value)
        sheet.set_column(0, max(len(headers) - 1, 0), 16)
    book.close()
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
