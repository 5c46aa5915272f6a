# ruff: noqa: RUF001  (en dashes are deliberate: Indonesian report text, ranges)
"""PDF (WeasyPrint, from templates) and XLSX (XlsxWriter) renderings of the standard reports."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from askesos.reports.builders import DinsosPack, NationalSummary

CSS_PATH = Path(__file__).resolve().parents[1] / "analytics" / "static" / "analytics" / "report.css"
RUPIAH = '"Rp" #,##0'


def pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML

    with translation.override("id"):
        html = render_to_string(template, {**context, "generated_at": timezone.localtime()})
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH))])


def _book() -> tuple[Any, io.BytesIO, dict[str, Any]]:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt = {"bold": book.add_format({"bold": True}), "money": book.add_format({"num_format": RUPIAH})}
    return book, buffer, fmt


def _table(sheet: Any, row: int, headers: list[str], rows: list[list[Any]], fmt: dict[str, Any]) -> int:
    for col, h in enumerate(headers):
        sheet.write(row, col, h, fmt["bold"])
    for values in rows:
        row += 1
        for col, v in enumerate(values):
            if v is None:
                sheet.write(row, col, "–")
            else:
                sheet.write(row, col, v)
    return row + 2


def dinsos_xlsx(pack: DinsosPack) -> bytes:
    book, buffer, fmt = _book()
    s = book.add_worksheet("Cakupan")
    s.set_column(0, 1, 28)
    s.write(0, 0, pack.title, fmt["bold"])
    with translation.override("id"):
        s.write(1, 0, pack.coverage.area.headline)
        row = _table(
            s,
            3,
            ["Kecamatan", "Peserta (aktif + tunggakan)", "Pekerja informal", "Cakupan", "Peringkat"],
            [
                [
                    c.name,
                    c.counts.covered,
                    c.denominator.workers if c.denominator else None,
                    c.coverage_text,
                    c.rank,
                ]
                for c in pack.coverage.children
            ],
            fmt,
        )
        _table(
            s,
            row,
            ["Kecamatan", "Kelurahan", "Peserta", "Pekerja informal", "Cakupan"],
            [list(k) for k in pack.kelurahan],
            fmt,
        )
        s2 = book.add_worksheet("LPA")
        s2.set_column(0, 1, 30)
        _table(
            s2,
            0,
            ["Kode", "Nama", "Status", "Peserta", "Baru", "Berhenti (lapsed)", "Iuran (Rp)", "Rasio klaim"],
            [
                [
                    r.lpa.code,
                    r.lpa.name,
                    r.lpa.get_status_display(),
                    r.covered,
                    r.new,
                    r.lapsed,
                    r.premiums,
                    r.loss_ratio,
                ]
                for r in pack.lpas
            ],
            fmt,
        )
        s3 = book.add_worksheet("Klaim")
        c = pack.claims
        _table(
            s3,
            0,
            ["Klaim diajukan", "Klaim dibayar", "Nilai dibayar (Rp)", "Klaim terbuka", "Klaim ditolak"],
            [[c.submitted, c.paid, c.paid_amount, c.open, c.rejected]]
            if c.available
            else [["tidak tersedia"]],
            fmt,
        )
        s4 = book.add_worksheet("Rapor")
        s4.set_column(0, 1, 40)
        rows = []
        for a in pack.card.aspects:
            rows.append(
                [
                    a.label,
                    str(a.survey.mean) if a.survey else None,
                    a.survey.category.label if a.survey else None,
                    a.indicator_category.label if a.indicator_category else None,
                ]
            )
        row = _table(
            s4, 0, ["Aspek", "Rata-rata survei (1–4)", "Kategori survei", "Kategori indikator"], rows, fmt
        )
        _table(s4, row, ["Rekomendasi"], [[r.text] for r in pack.card.recommendations], fmt)
    book.close()
    return buffer.getvalue()


def national_xlsx(summary: NationalSummary) -> bytes:
    book, buffer, fmt = _book()
    s = book.add_worksheet("Provinsi")
    s.set_column(0, 0, 30)
    s.write(0, 0, summary.title, fmt["bold"])
    with translation.override("id"):
        s.write(1, 0, summary.coverage.area.headline)
        _table(
            s,
            3,
            ["Provinsi", "Peserta", "Pekerja informal", "Cakupan", "Peringkat"],
            [
                [
                    c.name,
                    c.counts.covered,
                    c.denominator.workers if c.denominator else None,
                    c.coverage_text,
                    c.rank,
                ]
                for c in summary.coverage.children
                if c.counts.covered or c.denominator
            ],
            fmt,
        )
        s2 = book.add_worksheet("Kabupaten-Kota")
        s2.set_column(0, 0, 36)
        _table(
            s2,
            0,
            ["Kabupaten/Kota", "Peserta", "Pekerja informal", "Cakupan", "Pendaftaran baru", "Iuran (Rp)"],
            [
                [
                    c.name,
                    c.counts.covered,
                    c.denominator.workers if c.denominator else None,
                    c.coverage_text,
                    c.counts.new_enrolments,
                    c.counts.premiums_collected,
                ]
                for c in summary.cities
            ],
            fmt,
        )
    book.close()
    return buffer.getvalue()
