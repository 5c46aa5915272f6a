"""The monthly LPA financial report, as PDF (WeasyPrint) and XLSX (XlsxWriter).

Both are built from the same ``MonthlyReport`` (fund statement + ratios + the month's journal), so
the two files always show the same totals. The PDF layout is a template (``fund/report_pdf.html``)
with its stylesheet in ``fund/static/fund/report.css``, not a string in Python.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.core.months import add_months
from askesos.fund import rules, selectors
from askesos.fund.models import Account, JournalEntry
from askesos.lpa.models import Lpa
from askesos.notifications.rules import month_label

CSS_PATH = Path(__file__).resolve().parent / "static" / "fund" / "report.css"
NO_VALUE = "\u2013"  # en dash: no value (nothing to divide by)
RUPIAH_FORMAT = '"Rp" #,##0;-"Rp" #,##0'


@dataclass
class MonthlyReport:
    lpa: Lpa
    month: dt.date
    figures: selectors.FundFigures
    due: int
    accounts: dict[str, str]
    entries: list[JournalEntry]

    @property
    def end(self) -> dt.date:
        return add_months(self.month, 1) - dt.timedelta(days=1)

    @property
    def title(self) -> str:
        return _("Fund report %(lpa)s, %(month)s") % {"lpa": self.lpa.code, "month": month_label(self.month)}

    @property
    def collection_rate(self) -> Fraction | None:
        return selectors.collection_rate(self.figures.premiums, self.due)

    def statement_rows(self) -> list[tuple[str, int]]:
        f = self.figures
        rows = [(_("Opening balance (cash and bank)"), f.opening_cash)]
        if f.capital_in:
            rows.append((self.accounts[rules.SEED_CAPITAL], f.capital_in))
        rows += [(self.accounts[c], v) for c, v in f.income.items()]
        rows += [(self.accounts[c], -v) for c, v in f.expenses.items()]
        rows.append((_("Closing balance (cash and bank)"), f.closing_cash))
        return rows


def monthly_report(*, lpa: Lpa, month: dt.date) -> MonthlyReport:
    end = add_months(month, 1) - dt.timedelta(days=1)
    return MonthlyReport(
        lpa=lpa,
        month=month,
        figures=selectors.lpa_fund_figures(lpa_id=lpa.pk, start=month, end=end),
        due=selectors.premiums_due(lpa_ids=[lpa.pk], start=month, end=end)[lpa.pk],
        accounts={a.code: _(a.name) for a in Account.objects.all()},
        entries=list(selectors.journal_for(lpa_id=lpa.pk, start=month, end=end).order_by("on", "id")),
    )


def percent(value: Fraction | None) -> str:
    return NO_VALUE if value is None else f"{float(value) * 100:.1f} %"


def months_text(value: Fraction | None) -> str:
    return _("no claims yet") if value is None else f"{float(value):.1f}"


def report_pdf(report: MonthlyReport) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(
        "fund/report_pdf.html",
        {
            "r": report,
            "loss_ratio": percent(report.figures.loss_ratio),
            "reserve": months_text(report.figures.reserve_months),
            "collection": percent(report.collection_rate),
            "generated_at": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH))])


def report_xlsx(report: MonthlyReport) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": RUPIAH_FORMAT})
    money_bold = book.add_format({"num_format": RUPIAH_FORMAT, "bold": True})
    pct = book.add_format({"num_format": "0.0%"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})

    sheet = book.add_worksheet(_("Statement")[:31])
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 1, 18)
    sheet.write(0, 0, report.title, bold)
    sheet.write(1, 0, report.lpa.name)
    row = 3
    for label, amount in report.statement_rows():
        sheet.write(row, 0, label)
        sheet.write_number(row, 1, amount, money)
        row += 1
    sheet.write(row, 0, _("Total income"), bold)
    sheet.write_number(row, 1, report.figures.total_income, money_bold)
    sheet.write(row + 1, 0, _("Total expenses"), bold)
    sheet.write_number(row + 1, 1, report.figures.total_expenses, money_bold)
    sheet.write(row + 2, 0, _("Premiums due"))
    sheet.write_number(row + 2, 1, report.due, money)
    row += 4
    for label, ratio_value in (
        (_("Loss ratio"), report.figures.loss_ratio),
        (_("Collection rate"), report.collection_rate),
    ):
        sheet.write(row, 0, label)
        if ratio_value is None:
            sheet.write(row, 1, NO_VALUE)
        else:
            sheet.write_number(row, 1, float(ratio_value), pct)
        row += 1
    sheet.write(row, 0, _("Reserve (months of average claims)"))
    reserve = report.figures.reserve_months
    if reserve is None:
        sheet.write(row, 1, _("no claims yet"))
    else:
        sheet.write_number(row, 1, round(float(reserve), 2))

    journal = book.add_worksheet(_("Journal")[:31])
    headers = [_("Date"), _("Entry"), _("Memo"), _("Account"), _("Debit"), _("Credit")]
    for col, header in enumerate(headers):
        journal.write(0, col, header, bold)
    journal.set_column(0, 1, 12)
    journal.set_column(2, 3, 36)
    journal.set_column(4, 5, 16)
    row = 1
    for entry in report.entries:
        for line in entry.lines.all():
            journal.write_datetime(row, 0, dt.datetime.combine(entry.on, dt.time()), date_fmt)
            journal.write_number(row, 1, entry.pk)
            journal.write(row, 2, entry.memo)
            journal.write(row, 3, f"{line.account_id} {report.accounts.get(line.account_id, '')}")
            journal.write_number(row, 4, line.debit, money)
            journal.write_number(row, 5, line.credit, money)
            row += 1
    journal.write(row, 3, _("Total"), bold)
    journal.write_number(row, 4, sum(ln.debit for e in report.entries for ln in e.lines.all()), money_bold)
    journal.write_number(row, 5, sum(ln.credit for e in report.entries for ln in e.lines.all()), money_bold)
    book.close()
    return buffer.getvalue()
