"""Standard reports generated on schedule or on demand, stored in Django's default storage.

A ``GeneratedReport`` carries the area (``region_id``: a kelurahan, city or province key; empty for
national reports) and the LPA it is about, so the download page shows each user only the reports
their scope covers (``core.access``; 404 otherwise).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    LPA_MONTHLY = "lpa_monthly", _("Monthly LPA report")
    DINSOS_PACK = "dinsos_pack", _("Dinas Sosial monitoring pack")
    NATIONAL_SUMMARY = "national_summary", _("National summary")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class GeneratedReport(models.Model):
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    month = models.DateField(_("month"))
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    region_id = models.BigIntegerField(_("area key"), null=True, blank=True)
    lpa_id = models.BigIntegerField(_("LPA id"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="reports/", max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-month", "kind", "title", "format"]
        indexes = [models.Index(fields=["month", "kind"], name="report_month_kind_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.format})"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(GeneratedReport, ScopeRule(region="region_id", lpa="lpa_id"))


_register()
