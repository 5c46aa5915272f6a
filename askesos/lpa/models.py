from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from askesos.core.masking import mask_nik


class Lpa(models.Model):
    """An implementing organisation (Lembaga Pelaksana Askesos / Orsos), PROGRAM.md §1.

    Dinas Sosial selects it against seven criteria (``LpaCriterion``), verifies, activates,
    suspends or closes it; every status change goes through ``lpa.services`` (compare-and-set,
    audited). The profile fields are blank-able because an LPA can be proposed before all of its
    papers are in; verification needs the checklist, not the form.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        VERIFIED = "verified", _("verified")
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        CLOSED = "closed", _("closed")

    class LegalForm(models.TextChoices):
        YAYASAN = "yayasan", _("Foundation (yayasan)")
        ORSOS = "orsos", _("Social organisation (orsos / perkumpulan)")
        KOPERASI = "koperasi", _("Cooperative (koperasi)")
        BMT = "bmt", _("Islamic microfinance cooperative (BMT)")
        LSM = "lsm", _("Non-governmental organisation (LSM)")
        PESANTREN = "pesantren", _("Pesantren foundation")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kelurahan = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)

    legal_form = models.CharField(_("legal form"), max_length=12, choices=LegalForm.choices, blank=True)
    legal_registration_no = models.CharField(
        _("legal registration number"),
        max_length=100,
        blank=True,
        help_text=_("Notarial deed (akta) and Kemenkumham decree (SK) number."),
    )
    npwp = models.CharField(_("NPWP"), max_length=20, blank=True)
    founded_on = models.DateField(
        _("founding date"),
        null=True,
        blank=True,
        help_text=_("Start of social-service work; the selection needs at least 3 consecutive years."),
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    head_name = models.CharField(_("head / contact person"), max_length=150, blank=True)
    bank_name = models.CharField(_("bank name"), max_length=100, blank=True)
    bank_account_no = models.CharField(_("bank account number"), max_length=40, blank=True)
    bank_account_holder = models.CharField(_("bank account holder"), max_length=150, blank=True)
    status_reason = models.TextField(_("reason for the last status change"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LPA")
        verbose_name_plural = _("LPAs")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Criterion(models.TextChoices):
    """The seven LPA selection criteria, PROGRAM.md §1 (confidence M)."""

    LEGAL_STATUS = "legal_status", _("Legal status")
    ORGANISATION = "organisation", _("Complete organisational structure")
    FACILITIES = "facilities", _("Adequate facilities")
    REPUTATION = "reputation", _("Good reputation")
    TRANSPARENCY = "transparency", _("Transparent management")
    SERVICE_YEARS = "service_years", _("At least 3 consecutive years of social-service work")
    NETWORKS = "networks", _("Good networks with government, business and other social bodies")


class LpaCriterion(models.Model):
    """One row of an LPA's selection checklist: whether Dinas Sosial found the criterion met."""

    lpa = models.ForeignKey(Lpa, on_delete=models.PROTECT, related_name="criteria")
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)
    met = models.BooleanField(_("met"), default=False)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        constraints = [models.UniqueConstraint(fields=["lpa", "criterion"], name="lpa_criterion_once")]
        ordering = ["lpa_id", "id"]

    def __str__(self) -> str:
        return f"{self.lpa.code}: {self.get_criterion_display()}"


def evidence_path(instance: CriterionEvidence, filename: str) -> str:
    """``lpa/<code>/evidence/<random>.<ext>``: the extension comes from the sniffed type."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"lpa/{instance.lpa.code}/evidence/{uuid.uuid4().hex}.{ext}"


class CriterionEvidence(models.Model):
    """A document supporting a criterion (PDF, JPEG or PNG by content), served only through a
    scope-checked view, never from a public media URL."""

    lpa = models.ForeignKey(Lpa, on_delete=models.PROTECT, related_name="evidence")
    criterion = models.ForeignKey(LpaCriterion, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["criterion_id", "id"]

    def __str__(self) -> str:
        return self.original_name


class SeedGrant(models.Model):
    """The one-off Rp 30,000,000 seed grant each LPA received (PROGRAM.md §1, H).

    Recorded once per LPA by ``seed_grant_record``; the fund ledger reads it as opening capital.
    """

    lpa = models.OneToOneField(Lpa, on_delete=models.PROTECT, related_name="seed_grant")
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), default=30_000_000)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("seed grant")
        verbose_name_plural = _("seed grants")

    def __str__(self) -> str:
        return f"{self.lpa.code}: {self.amount}"


class FieldOfficer(models.Model):
    """A field officer (petugas lapangan / pendamping) of an LPA, PROGRAM.md §1.

    Assigned to kelurahan (level 4); may be linked to a user account with role ``field_officer``,
    which then gets the LPA in its scope (``officer_create`` / ``officer_update``).
    """

    lpa = models.ForeignKey(Lpa, on_delete=models.PROTECT, related_name="officers", verbose_name=_("LPA"))
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    kelurahan = models.ManyToManyField(
        "regions.Region", related_name="+", verbose_name=_("assigned kelurahan"), blank=True
    )
    active_from = models.DateField(_("active from"))
    active_to = models.DateField(_("active until"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="field_officer",
        verbose_name=_("user account"),
    )
    education = models.CharField(_("education"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("field officer")
        verbose_name_plural = _("field officers")
        ordering = ["lpa_id", "full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lpa", "nik"], name="officer_nik_once_per_lpa"),
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True) | models.Q(active_to__gte=models.F("active_from")),
                name="officer_active_range",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    def is_active_on(self, day: dt.date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(Lpa, ScopeRule(region="kelurahan_id", lpa="id"))
    through_lpa = ScopeRule(region="lpa__kelurahan_id", lpa="lpa_id")
    for model in (LpaCriterion, CriterionEvidence, SeedGrant, FieldOfficer):
        register_scope(model, through_lpa)


_register()
