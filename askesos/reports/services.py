# ruff: noqa: RUF001  (en dashes are deliberate: Indonesian report text, ranges)
"""Generating standard reports into Django's default storage, with a ``GeneratedReport`` row each.

Generation is idempotent per (kind, month, format, area, LPA): a new run replaces the earlier file.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from askesos.audit.services import audit_record
from askesos.core.months import month_start
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region
from askesos.reports import builders, render
from askesos.reports.models import GeneratedReport, ReportFormat, ReportKind

logger = logging.getLogger(__name__)


def _store(
    *,
    kind: str,
    month: dt.date,
    fmt: str,
    title: str,
    content: bytes,
    region_id: int | None,
    lpa_id: int | None,
    actor: Any,
    slug: str,
) -> GeneratedReport:
    with transaction.atomic():
        old = GeneratedReport.objects.filter(
            kind=kind, month=month, format=fmt, region_id=region_id, lpa_id=lpa_id
        )
        for report in old:
            report.file.delete(save=False)
        old.delete()
        report = GeneratedReport(
            kind=kind,
            month=month,
            format=fmt,
            region_id=region_id,
            lpa_id=lpa_id,
            title=title,
            size=len(content),
            generated_at=timezone.now(),
            generated_by=actor
            if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None)
            else None,
        )
        report.file.save(f"{month:%Y-%m}/{slug}.{fmt}", ContentFile(content), save=False)
        report.save()
        audit_record(
            actor=actor,
            action="report.generate",
            obj=report,
            region_id=region_id,
            lpa_id=lpa_id,
            new={"kind": kind, "month": month, "format": fmt},
        )
    return report


def lpa_report_generate(*, lpa: Lpa, month: dt.date, actor: Any = None) -> list[GeneratedReport]:
    """The monthly LPA report: the fund app's monthly report (PDF and XLSX), stored."""
    from askesos.fund import reports as fund_reports

    month = month_start(month)
    report = fund_reports.monthly_report(lpa=lpa, month=month)
    title = f"Laporan bulanan {lpa.code} – {month:%Y-%m}"
    out = []
    for fmt, content in (
        (ReportFormat.PDF, fund_reports.report_pdf(report)),
        (ReportFormat.XLSX, fund_reports.report_xlsx(report)),
    ):
        out.append(
            _store(
                kind=ReportKind.LPA_MONTHLY,
                month=month,
                fmt=fmt,
                title=title,
                content=content,
                region_id=lpa.kelurahan_id,
                lpa_id=lpa.pk,
                actor=actor,
                slug=f"lpa-{lpa.code}",
            )
        )
    return out


def dinsos_pack_generate(
    *, city: Region, month: dt.date, today: dt.date, actor: Any = None
) -> list[GeneratedReport]:
    """The Dinas Sosial monitoring pack of a city: coverage by kecamatan and kelurahan, LPAs' status,
    claims and the implementation scorecard (PDF and XLSX)."""
    month = month_start(month)
    pack = builders.dinsos_pack(city=city, month=month, today=today)
    pdf = render.pdf("reports/dinsos_pack_pdf.html", {"p": pack})
    return [
        _store(
            kind=ReportKind.DINSOS_PACK,
            month=month,
            fmt=fmt,
            title=pack.title,
            content=content,
            region_id=city.id,
            lpa_id=None,
            actor=actor,
            slug=f"dinsos-{city.code}",
        )
        for fmt, content in ((ReportFormat.PDF, pdf), (ReportFormat.XLSX, render.dinsos_xlsx(pack)))
    ]


def national_summary_generate(*, month: dt.date, actor: Any = None) -> list[GeneratedReport]:
    """The national summary by province and city (PDF and XLSX); only national users see it."""
    month = month_start(month)
    summary = builders.national_summary(month=month)
    pdf = render.pdf("reports/national_pdf.html", {"s": summary})
    return [
        _store(
            kind=ReportKind.NATIONAL_SUMMARY,
            month=month,
            fmt=fmt,
            title=summary.title,
            content=content,
            region_id=None,
            lpa_id=None,
            actor=actor,
            slug="nasional",
        )
        for fmt, content in ((ReportFormat.PDF, pdf), (ReportFormat.XLSX, render.national_xlsx(summary)))
    ]


def reports_generate_month(
    *, month: dt.date, today: dt.date, log: Callable[[str], None] = lambda _m: None
) -> list[GeneratedReport]:
    """Every scheduled report of a month: each active LPA's monthly report, a Dinas Sosial pack for
    each city with an LPA, and the national summary."""
    out: list[GeneratedReport] = []
    lpas = list(Lpa.objects.filter(status=Lpa.Status.ACTIVE).order_by("code"))
    for lpa in lpas:
        log(f"LPA {lpa.code}")
        out += lpa_report_generate(lpa=lpa, month=month)
    city_keys = sorted({lpa.kelurahan_id // 10**6 * 10**6 for lpa in lpas})
    for city in Region.objects.filter(id__in=city_keys, level=codes.LEVEL_CITY).order_by("id"):
        log(f"Dinas Sosial {city.name}")
        out += dinsos_pack_generate(city=city, month=month, today=today)
    log("national summary")
    out += national_summary_generate(month=month)
    return out
