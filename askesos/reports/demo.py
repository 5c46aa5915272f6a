"""Demo: the standard reports of last month (idempotent: regenerating replaces the files)."""

from __future__ import annotations

import datetime as dt

from askesos.core.months import add_months, month_start
from askesos.reports.services import reports_generate_month


def demo_reports(*, today: dt.date) -> int:
    return len(reports_generate_month(month=add_months(month_start(today), -1), today=today))
