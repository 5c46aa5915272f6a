"""Benefit claims: from the report of an event to the payout to the member or their heirs.

A claim is judged by the scheme version in force on the EVENT date (``scheme_version``), never by
today's rules. Its status moves only through ``claims.services`` along ``TRANSITIONS`` (one service
per transition, compare-and-set, one audit event each). ``region_id``/``lpa_id`` are denormalised
from the membership so scope is a range filter without a join.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from askesos.schemes.models import ClaimDocument, ClaimType


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for documents")
    VERIFIED = "verified", _("verified, awaiting Dinas Sosial approval")
    APPROVED = "approved", _("approved")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")


S = ClaimStatus

# The whole state machine. verified -> approved happens either in the same step as the LPA's
# verification (amount at or below the scheme version's approval threshold) or by Dinas Sosial.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.VERIFIED, S.RETURNED, S.REJECTED}),
    S.RETURNED: frozenset({S.SUBMITTED, S.REJECTED}),
    S.VERIFIED: frozenset({S.APPROVED, S.RETURNED, S.REJECTED}),
    S.APPROVED: frozenset({S.PAID}),
    S.PAID: frozenset(),
    S.REJECTED: frozenset(),
}
OPEN_STATUSES = (S.SUBMITTED, S.RETURNED, S.VERIFIED, S.APPROVED)


class ApprovalRoute(models.TextChoices):
    LPA = "lpa", _("LPA verification (at or below the approval threshold)")
    DINSOS = "dinsos", _("Dinas Sosial approval (above the approval threshold)")


class PayoutChannel(models.TextChoices):
    BANK = "bank", _("bank account")
    EWALLET = "ewallet", _("e-wallet")
    CASH = "tunai", _("cash through the LPA")


class Claim(models.Model):
    membership = models.ForeignKey("membership.Membership", on_delete=models.PROTECT, related_name="claims")
    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+", verbose_name=_("LPA"))
    region_id = models.BigIntegerField(_("region key"), help_text=_("The membership's kelurahan key."))
    scheme_version = models.ForeignKey(
        "schemes.SchemeVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme version")
    )
    benefit = models.ForeignKey("schemes.Benefit", on_delete=models.PROTECT, related_name="+")
    claim_type = models.CharField(_("claim type"), max_length=16, choices=ClaimType.choices)
    event_date = models.DateField(_("event date"))
    reported_on = models.DateField(_("reported on"))
    days = models.PositiveSmallIntegerField(
        _("days"), null=True, blank=True, help_text=_("Days in hospital or days unable to work.")
    )
    cause = models.CharField(_("cause"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    claimant_name = models.CharField(_("claimant"), max_length=150)
    claimant_phone = models.CharField(_("claimant phone"), max_length=16, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=S.SUBMITTED)
    status_changed_at = models.DateTimeField(_("status changed at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    approval_route = models.CharField(
        _("approved by"), max_length=8, choices=ApprovalRoute.choices, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    override_reason = models.TextField(_("reason for overriding blocking checks"), blank=True)
    decision_note = models.TextField(_("reason for the last decision"), blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    journal_entry = models.ForeignKey(
        "fund.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checks_run_at = models.DateTimeField(_("checks run at"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["lpa", "status"], name="claim_lpa_status_idx"),
            models.Index(fields=["region_id", "status"], name="claim_region_status_idx"),
            models.Index(fields=["membership", "claim_type", "event_date"], name="claim_member_event_idx"),
            models.Index(fields=["reported_on"], name="claim_reported_idx"),
        ]
        constraints = [
            # The last line of defence against paying a claim twice: one journal entry per claim.
            models.UniqueConstraint(
                fields=["journal_entry"], condition=Q(journal_entry__isnull=False), name="claim_one_journal"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"KL{self.pk or 0:07d}"

    @property
    def is_death(self) -> bool:
        return self.claim_type in (ClaimType.DEATH, ClaimType.ACCIDENT_DEATH)


class Severity(models.TextChoices):
    BLOCK = "block", _("blocks")
    WARN = "warn", _("warning")


class ClaimCheck(models.Model):
    """One failed automatic check of a claim (a finding), replaced each time the checks run."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="checks")
    code = models.CharField(_("code"), max_length=40)
    severity = models.CharField(_("severity"), max_length=5, choices=Severity.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    overridable = models.BooleanField(_("may be overridden"), default=True)
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("claim check")
        verbose_name_plural = _("claim checks")
        ordering = ["claim_id", "-severity", "code"]
        constraints = [models.UniqueConstraint(fields=["claim", "code"], name="claim_check_once")]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.code}"

    @property
    def message(self) -> str:
        from askesos.claims.rules import message_for

        return message_for(self.code, self.params)


def attachment_path(instance: ClaimAttachment, filename: str) -> str:
    return f"claims/{instance.claim_id}/{filename}"


class ClaimAttachment(models.Model):
    """A document uploaded against the benefit's checklist. Served only by a scope-checked view."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("document"), max_length=20, choices=ClaimDocument.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        ordering = ["claim_id", "kind", "id"]

    def __str__(self) -> str:
        return self.original_name


class ClaimPayee(models.Model):
    """Who receives the money: the member themself, or each heir by share (basis points)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="payees")
    heir = models.ForeignKey(
        "registry.Heir", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=20, blank=True)
    share_bp = models.PositiveIntegerField(_("share (basis points)"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    channel = models.CharField(_("payout channel"), max_length=8, choices=PayoutChannel.choices)
    provider = models.CharField(_("bank or e-wallet"), max_length=60, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    payout_reference = models.CharField(_("payout reference"), max_length=60, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim payee")
        verbose_name_plural = _("claim payees")
        ordering = ["claim_id", "id"]

    def __str__(self) -> str:
        return self.name


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(
        Claim, ScopeRule(region="region_id", lpa="lpa_id", member_user="membership__person__account_id")
    )
    via_claim = ScopeRule(
        region="claim__region_id", lpa="claim__lpa_id", member_user="claim__membership__person__account_id"
    )
    for model in (ClaimCheck, ClaimAttachment, ClaimPayee):
        register_scope(model, via_claim)


_register()
