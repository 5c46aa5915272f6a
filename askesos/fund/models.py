"""The LPA fund ledger: double-entry bookkeeping, one set of books per LPA.

The chart of accounts is global (``Account``, keyed by its code, seeded by migration 0002); every
line carries the LPA it belongs to, so an LPA's books are the lines with its ``lpa_id``. Balances are
never stored: they are sums over ``JournalLine`` (``fund.selectors``). An entry is never edited or
deleted; a mistake is undone by a reversing entry (``fund.services.journal_reverse``).

Debits equal credits per entry: ``fund.services`` refuses unbalanced entries, and on PostgreSQL a
deferred constraint trigger (migration 0003) checks every entry touched by a transaction at commit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountType(models.TextChoices):
    ASSET = "asset", _("asset")
    LIABILITY = "liability", _("liability")
    EQUITY = "equity", _("equity")
    INCOME = "income", _("income")
    EXPENSE = "expense", _("expense")


class Side(models.TextChoices):
    DEBIT = "debit", _("debit")
    CREDIT = "credit", _("credit")


class Account(models.Model):
    """One account of the chart. The code is the key, so lines name accounts without a lookup."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    type = models.CharField(_("type"), max_length=10, choices=AccountType.choices)
    normal_side = models.CharField(_("normal side"), max_length=6, choices=Side.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JournalEntry(models.Model):
    """One balanced posting. ``source_type``/``source_id`` name what caused it (a payment, a claim...);
    ``idempotency_key`` makes posting the same thing twice return the first entry."""

    # No single-column indexes on lpa (served by fund_entry_lpa_on_idx, which starts with it) nor on
    # created_by (no query reads entries by creator; users are deactivated, never deleted, PROTECT).
    # A reference key checked by the application (REFERENCE_KEYS_CHECKED_BY_THE_APPLICATION, see
    # registry.models.Person): ``post_journal`` refuses an unknown LPA; LPAs are never deleted.
    lpa = models.ForeignKey(
        "lpa.Lpa",
        on_delete=models.PROTECT,
        related_name="journal_entries",
        db_index=False,
        db_constraint=False,
    )
    on = models.DateField(_("date"))
    memo = models.CharField(_("memo"), max_length=300)
    source_type = models.CharField(_("source type"), max_length=40)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    # Unique through Meta.constraints, not unique=True: the same unique B-tree, without the extra
    # varchar_pattern_ops ("_like") index Django adds on PostgreSQL for unique=True CharFields (keys
    # are only looked up exactly).
    idempotency_key = models.CharField(_("idempotency key"), max_length=120)
    fingerprint = models.CharField(
        max_length=64,
        help_text="sha256 of the LPA and the sorted lines, to detect a key reused for other lines",
    )
    # Reversed at most once: a partial unique index (fund_entry_reversed_once) over the few reversals,
    # not the full one a OneToOneField makes, which would take an entry for every posting's NULL.
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals", db_index=False
    )
    region_id = models.BigIntegerField(_("region key"), help_text=_("The LPA's kelurahan key: scope column."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="fund_entry_idempotency_unique"),
            models.UniqueConstraint(
                fields=["reverses"], condition=Q(reverses__isnull=False), name="fund_entry_reversed_once"
            ),
        ]
        indexes = [
            models.Index(fields=["lpa", "-on"], name="fund_entry_lpa_on_idx"),
            models.Index(fields=["source_type", "source_id"], name="fund_entry_source_idx"),
            models.Index(fields=["region_id", "-on"], name="fund_entry_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.memo}"


class JournalLine(models.Model):
    """One debit or credit. ``lpa_id``, ``on`` and ``region_id`` are copied from the entry so balances
    and period sums are a single GROUP BY over this table, without a join."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    # No single-column index on account (nor its varchar_pattern_ops copy on PostgreSQL): every query
    # by account also names the LPA, served by fund_line_balance_idx; accounts are never deleted.
    # The account is a reference key checked by the application: every posting is validated against
    # the chart of accounts (``fund.services._validate``), which is never deleted from (PROTECT).
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", db_index=False, db_constraint=False
    )
    debit = models.PositiveBigIntegerField(_("debit (Rp)"), default=0)
    credit = models.PositiveBigIntegerField(_("credit (Rp)"), default=0)
    lpa_id = models.BigIntegerField(_("LPA id"))
    on = models.DateField(_("date"))
    region_id = models.BigIntegerField(_("region key"))

    class Meta:
        ordering = ["entry_id", "id"]
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit=0) & Q(credit__gt=0)) | (Q(credit=0) & Q(debit__gt=0)),
                name="fund_line_one_side",
            )
        ]
        indexes = [models.Index(fields=["lpa_id", "account", "on"], name="fund_line_balance_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} D{self.debit} C{self.credit}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(Account, ScopeRule(public=True))
    register_scope(JournalEntry, ScopeRule(region="region_id", lpa="lpa_id"))
    register_scope(JournalLine, ScopeRule(region="region_id", lpa="lpa_id"))


_register()
