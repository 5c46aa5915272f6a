"""The registry: persons (workers), their family cards (KK) and their heirs.

A person exists once per NIK. Where someone lives (``kelurahan``) is stored separately from the
NIK and never derived from it (PROGRAM.md §8). ``kelurahan_id`` is the numeric region key, so
scope and distribution are a range on this column.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("male")
    FEMALE = "P", _("female")


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", _("single")
    MARRIED = "kawin", _("married")
    DIVORCED = "cerai_hidup", _("divorced")
    WIDOWED = "cerai_mati", _("widowed")


class Occupation(models.TextChoices):
    """Informal-sector occupations (PROGRAM.md §1), plus OTHER_FORMAL to record ineligible ones."""

    STREET_VENDOR = "pedagang_kaki_lima", _("street vendor")
    MARKET_TRADER = "pedagang_pasar", _("market trader")
    SMALL_SHOP = "warung", _("small shop / warung owner")
    OJEK_DRIVER = "pengemudi_ojek", _("ojek driver")
    BECAK_DRIVER = "tukang_becak", _("becak driver")
    ANGKOT_DRIVER = "sopir_angkot", _("minibus (angkot) driver")
    TAILOR = "penjahit", _("tailor")
    DOMESTIC_WORKER = "pekerja_rumah_tangga", _("domestic worker")
    LABOURER = "buruh_harian", _("day labourer")
    CONSTRUCTION = "buruh_bangunan", _("construction worker")
    PORTER = "kuli_angkut", _("porter")
    FISHER = "nelayan", _("fisher")
    FARMER = "petani", _("farmer / farm worker")
    SCAVENGER = "pemulung", _("waste picker")
    PARKING = "juru_parkir", _("parking attendant")
    HOME_INDUSTRY = "industri_rumahan", _("home industry worker")
    SERVICES = "jasa_perorangan", _("personal services (barber, repair…)")
    ARTIST = "seniman_jalanan", _("street artist / busker")
    OTHER_INFORMAL = "informal_lainnya", _("other informal work")
    OTHER_FORMAL = "formal", _("formal-sector employee")


INFORMAL_OCCUPATIONS = frozenset(o.value for o in Occupation if o != Occupation.OTHER_FORMAL)


class Person(models.Model):
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    marital_status = models.CharField(_("marital status"), max_length=12, choices=MaritalStatus.choices)
    occupation = models.CharField(_("occupation"), max_length=24, choices=Occupation.choices)
    monthly_income = models.PositiveBigIntegerField(_("monthly income (Rp)"))
    is_breadwinner = models.BooleanField(_("main breadwinner"))
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("E.164, e.g. +6281234567890"))
    address = models.CharField(_("domicile address"), max_length=300)
    # No single-column indexes on the foreign keys: every one is an extra B-tree to update on each of
    # a million inserts. kelurahan and lpa are served by the composite indexes that start with them
    # (Meta.indexes); merged_into by a partial index over merged rows only; created_by by none (no
    # query reads persons by creator; deleting a user who created persons is refused by PROTECT).
    #
    # REFERENCE_KEYS_CHECKED_BY_THE_APPLICATION: kelurahan and lpa point at reference data that is
    # never deleted (regions are only upserted by ``regions_load``; an LPA is closed, not deleted;
    # the ORM refuses a delete either way: PROTECT) and every writer checks the value against it
    # (``KelurahanField`` and the LPA scope in forms, the importer against the region set). So the
    # database does not check them again on each insert: on PostgreSQL such a check is a trigger
    # query per row and key, two fifths of the server's work in a bulk import.
    # Keys between registry rows (KK rows -> person, household) stay enforced by the database.
    kelurahan = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("domicile kelurahan"),
        db_index=False,
        db_constraint=False,
    )
    lpa = models.ForeignKey(
        "lpa.Lpa",
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="persons",
        verbose_name=_("registering LPA"),
        help_text=_("The LPA that registered and serves this person."),
    )
    nik_warnings = models.JSONField(
        _("NIK warnings"), default=list, blank=True, help_text=_("Warnings found when the NIK was checked.")
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("member login"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into"),
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Provenance of an imported person: the import job and the row of its file (as the spreadsheet
    # numbers it, header = 1). The audit event of the creation is the job's ``person.import`` event
    # for the chunk holding that row (``registry.importer``; ``selectors.person_audit`` shows it).
    # No constraint and no index: a job is never deleted (PROTECT in the ORM), nothing reads persons
    # by job, and a million imported rows would each pay for the lookup and the index entry.
    import_job = models.ForeignKey(
        "ImportJob",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("import job"),
    )
    import_line = models.PositiveIntegerField(
        _("row in the import file"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            # Duplicate blocking: same birth date, then compare names within the block.
            models.Index(fields=["birth_date", "kelurahan"], name="person_dup_block_idx"),
            models.Index(fields=["kelurahan", "full_name"], name="person_region_name_idx"),
            models.Index(fields=["lpa", "full_name"], name="person_lpa_name_idx"),
            # Who was merged into a person (PROTECT on delete, the merge history): merged rows only.
            models.Index(
                fields=["merged_into"], condition=Q(merged_into__isnull=False), name="person_merged_into_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Household(models.Model):
    """A family card (Kartu Keluarga). Its number changes when a family splits; people move between KKs."""

    # Unique by a constraint, not ``unique=True``: the field option would add a second B-tree for
    # LIKE on PostgreSQL, and KK numbers are only ever looked up whole. No index on kelurahan:
    # households are reached through their people, never listed by region, and an import writes a
    # household for most rows. The kelurahan is a reference key checked by the application (see
    # REFERENCE_KEYS_CHECKED_BY_THE_APPLICATION on Person).
    kk_number = models.CharField(_("KK number"), max_length=16)
    kelurahan = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household (KK)")
        verbose_name_plural = _("households (KK)")
        constraints = [models.UniqueConstraint(fields=["kk_number"], name="household_kk_number_unique")]

    def __str__(self) -> str:
        return self.kk_number


class KkMembership(models.Model):
    """A person on a KK for a period. A person is on one KK at a time (open row = ``until`` is null)."""

    class Relation(models.TextChoices):
        HEAD = "kepala", _("head of family")
        SPOUSE = "istri_suami", _("spouse")
        CHILD = "anak", _("child")
        PARENT = "orang_tua", _("parent")
        OTHER = "lainnya", _("other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kk_history")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="people")
    relation = models.CharField(_("relation to head"), max_length=12, choices=Relation.choices, blank=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(until__isnull=True), name="kk_one_open_per_person"
            )
        ]
        ordering = ["person_id", "-since"]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.household_id} since {self.since}"


class Heir(models.Model):
    """An heir (ahli waris) of a member, who receives death benefits by ``share_bp`` (basis points)."""

    class Relation(models.TextChoices):
        SPOUSE = "pasangan", _("spouse")
        CHILD = "anak", _("child")
        PARENT = "orang_tua", _("parent")
        SIBLING = "saudara", _("sibling")
        OTHER = "lainnya", _("other")

    class PayoutChannel(models.TextChoices):
        BANK = "bank", _("bank account")
        EWALLET = "ewallet", _("e-wallet")
        CASH = "tunai", _("cash through the LPA")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="heirs")
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16)
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    share_bp = models.PositiveIntegerField(_("share (basis points)"), help_text=_("10000 = 100 %"))
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    payout_channel = models.CharField(_("payout channel"), max_length=8, choices=PayoutChannel.choices)
    provider = models.CharField(_("bank or e-wallet"), max_length=60, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "nik"], name="heir_unique_per_member"),
            models.CheckConstraint(condition=Q(share_bp__gt=0, share_bp__lte=10000), name="heir_share_range"),
        ]
        ordering = ["person_id", "id"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relation_display()})"


class DuplicateCandidate(models.Model):
    """Two persons with different NIKs that look like the same human, waiting for a decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        MERGED = "merged", _("merged")
        DISMISSED = "dismissed", _("dismissed")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("similarity (0–100)"))  # noqa: RUF001
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="dup_pair_unique"),
            models.CheckConstraint(condition=Q(person_a__lt=models.F("person_b")), name="dup_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="dup_status_score_idx")]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.score})"


class ImportJob(models.Model):
    """One bulk import of a members file: who, which file (name and SHA-256), progress and the result.

    The SHA-256 makes re-runs of the same file recognisable; the counts and ``processed_rows`` let
    the web page poll progress; ``error_file`` is a path in the default storage (CSV of rejected
    rows with ``baris, kolom, alasan``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+", verbose_name=_("LPA"))
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    source_path = models.CharField(_("stored file"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows in file"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    already_registered = models.PositiveIntegerField(_("already registered"), default=0)
    error_file = models.CharField(_("error file"), max_length=300, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(Person, ScopeRule(region="kelurahan_id", lpa="lpa_id", member_user="account_id"))
    register_scope(Household, ScopeRule(region="kelurahan_id"))
    register_scope(
        Heir, ScopeRule(region="person__kelurahan_id", lpa="person__lpa_id", member_user="person__account_id")
    )
    register_scope(DuplicateCandidate, ScopeRule(region="person_a__kelurahan_id", lpa="person_a__lpa_id"))
    register_scope(ImportJob, ScopeRule(lpa="lpa_id"))


_register()
