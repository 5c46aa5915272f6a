"""The field workforce: officers' training, workload norms, honoraria, vehicles and equipment.

The thesis found field officers under-trained, under-paid and without vehicles (PROGRAM.md §1, §4);
these tables make each of those measurable per officer, LPA and kelurahan.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --- Training ------------------------------------------------------------------------------------


class TrainingType(models.TextChoices):
    DIKLAT = "diklat", "diklat"
    WORKSHOP = "workshop", _("workshop")
    SEMINAR = "seminar", _("seminar")


class TrainingTopic(models.TextChoices):
    """What a training is about; required trainings name a topic, so any training on it counts."""

    ASKESOS_BASICS = "askesos_basics", _("ASKESOS program, benefits and rules")
    OUTREACH = "outreach", _("Outreach and persuading informal workers")
    ENROLMENT = "enrolment", _("Registration and enrolment (NIK, KK, eligibility)")
    COLLECTION = "collection", _("Premium collection and cash handling")
    CLAIMS = "claims", _("Claims assistance for members and heirs")
    BOOKKEEPING = "bookkeeping", _("LPA bookkeeping and reporting")
    OTHER = "other", _("Other")


def certificate_path(instance: Training, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"workforce/training/{uuid.uuid4().hex}.{ext}"


class Training(models.Model):
    """A training event (diklat, workshop, seminar) officers attend. ``lpa`` is empty for trainings
    run by Kemensos or Dinas Sosial; ``region`` is where it was organised (scope column)."""

    lpa = models.ForeignKey(
        "lpa.Lpa",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organising LPA"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    type = models.CharField(_("type"), max_length=10, choices=TrainingType.choices)
    topic = models.CharField(_("topic"), max_length=16, choices=TrainingTopic.choices)
    title = models.CharField(_("title"), max_length=200)
    hours = models.PositiveSmallIntegerField(_("hours"))
    provider = models.CharField(_("provider"), max_length=150)
    held_on = models.DateField(_("date"))
    certificate_file = models.FileField(
        _("certificate (PDF, JPEG or PNG)"), upload_to=certificate_path, max_length=200, blank=True
    )
    certificate_content_type = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"


class TrainingRecord(models.Model):
    """One officer at one training: attended, competence test score (0-100), certificate number."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="records")
    officer = models.ForeignKey("lpa.FieldOfficer", on_delete=models.PROTECT, related_name="training_records")
    attended = models.BooleanField(_("attended"), default=True)
    score = models.PositiveSmallIntegerField(_("competence test score (0-100)"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["training_id", "officer_id"]
        constraints = [
            models.UniqueConstraint(fields=["training", "officer"], name="training_record_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="training_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} @ {self.training_id}"


class RequiredTraining(models.Model):
    """A training every active officer must have (national when ``lpa`` is empty, else one LPA's),
    refreshed every ``refresh_months`` months (empty: once is enough)."""

    lpa = models.ForeignKey(
        "lpa.Lpa",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("LPA (empty: national)"),
    )
    topic = models.CharField(_("topic"), max_length=16, choices=TrainingTopic.choices)
    refresh_months = models.PositiveSmallIntegerField(_("refresh every (months)"), null=True, blank=True)

    class Meta:
        verbose_name = _("required training")
        verbose_name_plural = _("required trainings")
        constraints = [
            models.UniqueConstraint(fields=["lpa", "topic"], name="required_training_once"),
            models.UniqueConstraint(
                fields=["topic"], condition=Q(lpa__isnull=True), name="required_national_once"
            ),
        ]

    def __str__(self) -> str:
        return self.get_topic_display()


# --- Workload and honorarium ---------------------------------------------------------------------

DEFAULT_MEMBERS_PER_OFFICER = 150


class WorkloadNorm(models.Model):
    """How many members one officer can serve in an LPA (default 150 when no row exists)."""

    lpa = models.OneToOneField("lpa.Lpa", on_delete=models.CASCADE, related_name="workload_norm")
    members_per_officer = models.PositiveIntegerField(
        _("members per officer"), default=DEFAULT_MEMBERS_PER_OFFICER
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workload norm")
        verbose_name_plural = _("workload norms")
        constraints = [
            models.CheckConstraint(condition=Q(members_per_officer__gt=0), name="workload_norm_positive")
        ]

    def __str__(self) -> str:
        return f"{self.lpa_id}: {self.members_per_officer}"


class HonorariumFormula(models.Model):
    """How an LPA pays its officers, effective from a month (national default when ``lpa`` is empty).

    total = base (when new members ≥ ``base_min_new_members``) + ``per_new_member`` x new members
    + ``collection_bp``/10,000 of premiums collected, rounded half up to whole rupiah.
    The seeded national default is an ANALOGUE, not an ASKESOS rule (PROGRAM.md §4, M): BPJS TK
    "Perisai" agents get Rp 500,000 a month for 50 new members plus 7.5 % of contributions collected.
    """

    lpa = models.ForeignKey(
        "lpa.Lpa",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("LPA (empty: national default)"),
    )
    effective_from = models.DateField(_("effective from (month)"))
    base_monthly = models.PositiveBigIntegerField(_("base per month (Rp)"), default=500_000)
    base_min_new_members = models.PositiveIntegerField(_("new members needed for the base"), default=50)
    per_new_member = models.PositiveBigIntegerField(_("per new member (Rp)"), default=0)
    collection_bp = models.PositiveIntegerField(
        _("share of collections (basis points)"), default=750, help_text=_("750 = 7.5 %")
    )
    note = models.CharField(_("source / note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("honorarium formula")
        verbose_name_plural = _("honorarium formulas")
        ordering = ["lpa_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["lpa", "effective_from"], name="honorarium_formula_once"),
            models.UniqueConstraint(
                fields=["effective_from"], condition=Q(lpa__isnull=True), name="honorarium_national_once"
            ),
            models.CheckConstraint(condition=Q(collection_bp__lte=10000), name="honorarium_bp_range"),
        ]

    def __str__(self) -> str:
        return f"{self.lpa_id or 'national'} {self.effective_from:%Y-%m}"


class HonorariumStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    PAID = "paid", _("paid")


class PaidFrom(models.TextChoices):
    BANK = "1200", _("bank")
    CASH = "1110", _("cash at the LPA")


class HonorariumStatement(models.Model):
    """One officer's honorarium for one month, with its lines (base, new members, collections) kept
    as computed. draft → approved → paid; paying posts debit 5200 / credit 1200 or 1110 to the LPA's
    fund (idempotent key ``honorarium-<id>``). ``paid_on_time``: paid by the 10th of the next month."""

    officer = models.ForeignKey(
        "lpa.FieldOfficer", on_delete=models.PROTECT, related_name="honorarium_statements"
    )
    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    formula = models.ForeignKey(HonorariumFormula, on_delete=models.PROTECT, related_name="+")
    new_members = models.PositiveIntegerField(_("new members"))
    collections = models.PositiveBigIntegerField(_("premiums collected (Rp)"))
    base_amount = models.PositiveBigIntegerField(_("base (Rp)"))
    new_member_amount = models.PositiveBigIntegerField(_("for new members (Rp)"))
    collection_amount = models.PositiveBigIntegerField(_("share of collections (Rp)"))
    total = models.PositiveBigIntegerField(_("total (Rp)"))
    status = models.CharField(
        _("status"), max_length=10, choices=HonorariumStatus.choices, default=HonorariumStatus.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_from = models.CharField(_("paid from"), max_length=4, choices=PaidFrom.choices, blank=True)
    paid_on_time = models.BooleanField(_("paid on time"), null=True, blank=True)
    journal_entry_id = models.BigIntegerField(_("fund journal entry"), null=True, blank=True)

    class Meta:
        verbose_name = _("honorarium statement")
        verbose_name_plural = _("honorarium statements")
        ordering = ["-month", "officer_id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "month"], name="honorarium_once_per_month"),
            models.CheckConstraint(
                condition=Q(
                    total=models.F("base_amount")
                    + models.F("new_member_amount")
                    + models.F("collection_amount")
                ),
                name="honorarium_total_is_sum",
            ),
        ]
        indexes = [models.Index(fields=["lpa", "month"], name="honorarium_lpa_month_idx")]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.month:%Y-%m}"


# --- Facilities ----------------------------------------------------------------------------------


class Condition(models.TextChoices):
    GOOD = "baik", "baik"
    MINOR_DAMAGE = "rusak_ringan", "rusak ringan"
    MAJOR_DAMAGE = "rusak_berat", "rusak berat"


class VehicleType(models.TextChoices):
    MOTORCYCLE = "motor", _("motorcycle")
    CAR = "mobil", _("car")
    BICYCLE = "sepeda", _("bicycle")


class EquipmentType(models.TextChoices):
    LAPTOP = "laptop", _("laptop")
    PHONE = "ponsel", _("phone / tablet")
    PRINTER = "printer", _("receipt printer")
    OTHER = "lainnya", _("other")


class Vehicle(models.Model):
    """An operational vehicle of an LPA (the thesis: officers have none), assigned to an officer."""

    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+", verbose_name=_("LPA"))
    type = models.CharField(_("type"), max_length=8, choices=VehicleType.choices)
    plate = models.CharField(_("plate number"), max_length=15, unique=True)
    condition = models.CharField(
        _("condition"), max_length=12, choices=Condition.choices, default=Condition.GOOD
    )
    acquired_on = models.DateField(_("acquired on"))
    assigned_officer = models.ForeignKey(
        "lpa.FieldOfficer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vehicles",
        verbose_name=_("assigned officer"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["lpa_id", "plate"]

    def __str__(self) -> str:
        return self.plate


class Equipment(models.Model):
    """Equipment of an LPA (laptops, phones, printers), optionally assigned to an officer."""

    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+", verbose_name=_("LPA"))
    type = models.CharField(_("type"), max_length=8, choices=EquipmentType.choices)
    serial = models.CharField(_("serial number"), max_length=60)
    condition = models.CharField(
        _("condition"), max_length=12, choices=Condition.choices, default=Condition.GOOD
    )
    acquired_on = models.DateField(_("acquired on"))
    assigned_officer = models.ForeignKey(
        "lpa.FieldOfficer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="equipment",
        verbose_name=_("assigned officer"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["lpa_id", "type", "serial"]
        constraints = [models.UniqueConstraint(fields=["lpa", "serial"], name="equipment_serial_once")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.serial}"


class MaintenanceRecord(models.Model):
    """Maintenance of a vehicle or a piece of equipment (exactly one), with the condition after it."""

    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+")
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, null=True, blank=True, related_name="maintenance"
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, null=True, blank=True, related_name="maintenance"
    )
    on = models.DateField(_("date"))
    description = models.CharField(_("work done"), max_length=300)
    cost = models.PositiveBigIntegerField(_("cost (Rp)"), default=0)
    condition_after = models.CharField(_("condition after"), max_length=12, choices=Condition.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("maintenance record")
        verbose_name_plural = _("maintenance records")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(vehicle__isnull=False, equipment__isnull=True)
                | Q(vehicle__isnull=True, equipment__isnull=False),
                name="maintenance_one_asset",
            )
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.description}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    through_lpa = ScopeRule(region="lpa__kelurahan_id", lpa="lpa_id")
    register_scope(Training, ScopeRule(region="region_id", lpa="lpa_id"))
    register_scope(TrainingRecord, ScopeRule(region="officer__lpa__kelurahan_id", lpa="officer__lpa_id"))
    register_scope(RequiredTraining, ScopeRule(public=True))  # reference data: what every officer needs
    register_scope(HonorariumFormula, ScopeRule(public=True))  # reference data: how officers are paid
    for model in (WorkloadNorm, HonorariumStatement, Vehicle, Equipment, MaintenanceRecord):
        register_scope(model, through_lpa)


_register()
