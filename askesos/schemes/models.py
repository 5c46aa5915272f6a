"""Schemes and their effective-dated rules.

A scheme's rules live in ``SchemeVersion`` rows; the version in force on a date is the one with the
latest ``effective_from`` on or before it. A change never edits a version already in force: it adds
a version from a future month, so history is kept and claims are judged by the rules of their date.
Defaults and their sources: PROGRAM.md §2 (values marked placeholder where no source gives them).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClaimType(models.TextChoices):
    DEATH = "death", _("death (natural)")
    ACCIDENT_DEATH = "accident_death", _("accident death")
    DISABILITY = "disability", _("permanent disability")
    HOSPITAL = "hospital", _("hospitalisation")
    SICKNESS = "sickness", _("sickness / injury grant")
    FUNERAL = "funeral", _("funeral")


class ClaimDocument(models.TextChoices):
    """Documents a claim may require (PROGRAM.md §3; the BPJS TK death list is the anchor, H)."""

    MEMBER_CARD = "member_card", _("member card")
    KTP_MEMBER = "ktp_member", _("identity card (KTP) of the member")
    KTP_HEIR = "ktp_heir", _("identity card (KTP) of the heir")
    DEATH_CERTIFICATE = (
        "death_certificate",
        _("death certificate (akta kematian) or death letter from the kelurahan or hospital"),
    )
    FAMILY_CARD = "family_card", _("family card (KK)")
    HEIRSHIP_LETTER = "heirship_letter", _("heirship letter (surat keterangan ahli waris)")
    MARRIAGE_BOOK = "marriage_book", _("marriage book, if the heir is the spouse")
    HEIR_ACCOUNT = "heir_account", _("bank book or e-wallet of the heir")
    MEDICAL_LETTER = "medical_letter", _("doctor's or hospital letter with the dates")
    INCIDENT_REPORT = "incident_report", _("incident report (police or kelurahan letter)")


class Payer(models.TextChoices):
    MEMBER = "member", _("member")
    APBN = "apbn", _("state budget (APBN)")
    APBD = "apbd", _("regional budget (APBD)")
    CSR = "csr", _("CSR donor")


class ReinstatementRule(models.TextChoices):
    """What happens when a lapsed member pays again (PROGRAM.md §2: sources disagree, so it is a setting)."""

    REENROL_NEW_WAITING = "reenrol_new_waiting", _("re-enrol with a new waiting period")
    PAY_ARREARS_CONTINUE = "pay_arrears_continue", _("pay all arrears and continue")


class Scheme(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_benchmark = models.BooleanField(
        _("benchmark only"), default=False, help_text=_("For comparison; members are not enrolled in it.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SchemeVersion(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="versions")
    effective_from = models.DateField(_("effective from"), help_text=_("First day of a month."))
    premium_monthly = models.PositiveIntegerField(_("monthly premium (Rp)"))
    payers = models.JSONField(_("who may pay"), default=list)
    max_advance_months = models.PositiveSmallIntegerField(_("most months paid in advance"), default=12)
    min_age = models.PositiveSmallIntegerField(_("minimum age at enrolment"), default=21)
    max_age = models.PositiveSmallIntegerField(_("maximum age at enrolment"), default=60)
    married_below_min_age = models.BooleanField(
        _("married people below the minimum age may join"), default=True
    )
    income_floor = models.PositiveBigIntegerField(_("minimum monthly income (Rp)"), default=300_000)
    income_ceiling = models.PositiveBigIntegerField(_("maximum monthly income (Rp)"), null=True, blank=True)
    breadwinner_required = models.BooleanField(_("must be the main breadwinner"), default=True)
    informal_required = models.BooleanField(_("must work in the informal sector"), default=True)
    exit_age = models.PositiveSmallIntegerField(
        _("membership ends at age"), null=True, blank=True, help_text=_("Empty: no age limit.")
    )
    grace_months = models.PositiveSmallIntegerField(_("grace months before lapse"), default=3)
    reinstatement_rule = models.CharField(
        _("reinstatement after lapse"),
        max_length=24,
        choices=ReinstatementRule.choices,
        default=ReinstatementRule.REENROL_NEW_WAITING,
    )
    approval_threshold = models.PositiveBigIntegerField(
        _("claims above this amount need Dinas Sosial approval (Rp)"), default=1_000_000
    )
    anti_selection_days = models.PositiveSmallIntegerField(
        _("anti-selection window (days after enrolment or reinstatement)"), default=30
    )
    placeholders = models.JSONField(
        _("placeholder values"),
        default=list,
        blank=True,
        help_text=_(
            "Names of values that are placeholders to be set by the ministry, shown as such in the UI."
        ),
    )
    note = models.TextField(_("source and notes"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "effective_from"], name="scheme_version_one_per_date"),
            models.CheckConstraint(condition=Q(max_age__gte=models.F("min_age")), name="scheme_age_range"),
        ]
        ordering = ["scheme_id", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.scheme} {self.effective_from:%Y-%m}"

    def is_placeholder(self, name: str) -> bool:
        """``name`` is a field (``approval_threshold``) or ``benefits.<claim type>.<field>``."""
        return name in (self.placeholders or [])


class Benefit(models.Model):
    """What one claim type pays under a scheme version, with its limits, deadline and documents."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="benefits")
    claim_type = models.CharField(_("claim type"), max_length=16, choices=ClaimType.choices)
    amount = models.PositiveBigIntegerField(_("lump sum (Rp)"), default=0)
    amount_per_day = models.PositiveBigIntegerField(_("per day (Rp)"), default=0)
    max_days = models.PositiveSmallIntegerField(_("most days paid"), null=True, blank=True)
    min_days_unable = models.PositiveSmallIntegerField(_("least days unable to work"), null=True, blank=True)
    waiting_months = models.PositiveSmallIntegerField(_("waiting period (months)"), default=0)
    deadline_days = models.PositiveSmallIntegerField(
        _("claim deadline (days after the event)"), null=True, blank=True, help_text=_("Empty: no deadline.")
    )
    max_per_year = models.PositiveSmallIntegerField(
        _("most claims per person per year"), null=True, blank=True
    )
    income_multiple = models.PositiveSmallIntegerField(
        _("multiple of declared monthly income"),
        null=True,
        blank=True,
        help_text=_("Pays this many months of the declared income instead of a fixed sum (e.g. 48)."),
    )
    documents = models.JSONField(_("required documents"), default=list)
    is_placeholder = models.BooleanField(_("placeholder amount"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "claim_type"], name="benefit_one_per_type")]
        ordering = ["version_id", "claim_type"]

    def __str__(self) -> str:
        return f"{self.get_claim_type_display()} ({self.version})"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(Scheme, ScopeRule(public=True))
    register_scope(SchemeVersion, ScopeRule(public=True))
    register_scope(Benefit, ScopeRule(public=True))


_register()
