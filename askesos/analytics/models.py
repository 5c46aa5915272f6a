"""Monthly rollups (coverage, claims) and coverage targets.

``CoverageRollup`` holds one row per (month, kelurahan key, LPA): the counts the dashboards need,
refreshed set-based by ``analytics.services.rollups_refresh`` (delete + INSERT … SELECT … GROUP BY
per month, in one transaction). Higher levels are SUMs over a region-key range of these rows, so a
city or province figure is one indexed range scan, never a scan of memberships or payments.
``CityCoverageRollup`` holds the same sums per city key, for the national and province pages.

``ClaimRollup`` does the same for the claims paid in a month, split by turnaround (days from
submission to payment), so the scorecard's median turnaround over a quarter is exact from a few
histogram rows. The scorecard's other sources (field officers, vehicles, trainings, honorarium
statements, officer deposits, outreach events, survey responses) grow with the workforce, not with
the membership, and are read live.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CITY_SPAN = 10**6  # a city key is region_id // CITY_SPAN * CITY_SPAN
COUNT_COLUMNS = (
    "members_pending",
    "members_active",
    "members_arrears",
    "members_lapsed",
    "new_enrolments",
    "terminations",
    "payments_count",
    "premiums_collected",
    "payments_late",
)


class RollupCounts(models.Model):
    """The counts of a monthly coverage rollup row (see ``CoverageRollup``)."""

    month = models.DateField(_("month"))
    lpa_id = models.BigIntegerField(_("LPA id"))
    members_pending = models.PositiveIntegerField(_("awaiting first premium"), default=0)
    members_active = models.PositiveIntegerField(_("active"), default=0)
    members_arrears = models.PositiveIntegerField(_("in arrears"), default=0)
    members_lapsed = models.PositiveIntegerField(_("lapsed"), default=0)
    new_enrolments = models.PositiveIntegerField(_("new enrolments"), default=0)
    terminations = models.PositiveIntegerField(_("terminations"), default=0)
    payments_count = models.PositiveIntegerField(_("payments"), default=0)
    premiums_collected = models.PositiveBigIntegerField(_("premiums collected (Rp)"), default=0)
    payments_late = models.PositiveIntegerField(
        _("payments recorded more than 7 days after payment"), default=0
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_id} {self.lpa_id}"  # type: ignore[attr-defined]

    @property
    def covered(self) -> int:
        return self.members_active + self.members_arrears


class CoverageRollup(RollupCounts):
    region_id = models.BigIntegerField(_("kelurahan key"))

    class Meta:
        verbose_name = _("coverage rollup")
        verbose_name_plural = _("coverage rollups")
        constraints = [
            models.UniqueConstraint(fields=["month", "region_id", "lpa_id"], name="rollup_one_per_cell"),
        ]
        indexes = [models.Index(fields=["lpa_id", "month"], name="rollup_lpa_month_idx")]


class CityCoverageRollup(RollupCounts):
    """``CoverageRollup`` summed per city key (kota/kabupaten, ``region_id // 10**6 * 10**6``) and
    LPA: what the national and province pages read, so their cost follows the number of cities, not
    of kelurahan (83,000 nationwide)."""

    region_id = models.BigIntegerField(_("city key"))

    class Meta:
        verbose_name = _("coverage rollup per city")
        verbose_name_plural = _("coverage rollups per city")
        constraints = [
            models.UniqueConstraint(fields=["month", "region_id", "lpa_id"], name="city_rollup_one_per_cell"),
        ]
        indexes = [models.Index(fields=["lpa_id", "month"], name="city_rollup_lpa_month_idx")]


class ClaimRollup(models.Model):
    """Claims paid in a month (``Claim.paid_on``) per kelurahan key (the membership's), LPA and
    turnaround in days (``paid_on`` minus the local date of ``submitted_at``)."""

    month = models.DateField(_("month"))
    region_id = models.BigIntegerField(_("kelurahan key"))
    lpa_id = models.BigIntegerField(_("LPA id"))
    turnaround_days = models.IntegerField(_("days from submission to payment"))
    claims_paid = models.PositiveIntegerField(_("claims paid"), default=0)
    claims_paid_unverified = models.PositiveIntegerField(_("paid without a recorded verification"), default=0)

    class Meta:
        verbose_name = _("claim rollup")
        verbose_name_plural = _("claim rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "region_id", "lpa_id", "turnaround_days"], name="claim_rollup_one_per_cell"
            ),
        ]
        indexes = [models.Index(fields=["lpa_id", "month"], name="claim_rollup_lpa_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_id} {self.lpa_id} {self.turnaround_days}d"


class CoverageTarget(models.Model):
    """A coverage target for an area and year: a percentage of informal workers, a member count, or both."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    target_percent = models.DecimalField(
        _("target (% of informal workers)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    target_count = models.PositiveIntegerField(_("target (members)"), null=True, blank=True)
    note = models.CharField(_("source / note"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("coverage target")
        verbose_name_plural = _("coverage targets")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="coverage_target_once"),
            models.CheckConstraint(
                condition=Q(target_percent__isnull=False) | Q(target_count__isnull=False),
                name="coverage_target_has_value",
            ),
        ]
        ordering = ["region_id", "-year"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(CoverageRollup, ScopeRule(region="region_id", lpa="lpa_id"))
    register_scope(CityCoverageRollup, ScopeRule(region="region_id", lpa="lpa_id"))
    register_scope(ClaimRollup, ScopeRule(region="region_id", lpa="lpa_id"))
    register_scope(CoverageTarget, ScopeRule(region="region_id"))


_register()
