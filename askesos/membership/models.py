"""Memberships: a person enrolled in a scheme through an LPA, and their coverage.

Coverage is ``paid_through`` (the last month paid, a first-of-month date). Status follows from it
and the scheme (rules in ``membership.rules``); the monthly cycle writes it set-based.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("awaiting first premium")
    ACTIVE = "active", _("active")
    ARREARS = "arrears", _("in arrears (grace)")
    LAPSED = "lapsed", _("lapsed")
    TERMINATED = "terminated", _("terminated")


class TerminationReason(models.TextChoices):
    DEATH = "death", _("death")
    EXIT = "exit", _("left the program")
    AGE_LIMIT = "age_limit", _("age limit")
    MERGED = "merged", _("duplicate merged")
    REENROLLED = "reenrolled", _("re-enrolled after lapse")


class Membership(models.Model):
    # PAYMENT_UPDATE_STAYS_HOT: a payment moves paid_through (and status only when it leaves arrears or
    # lapse), so no index holds paid_through, and the table leaves 15 % of each page free (migration
    # membership 0005, PostgreSQL fillfactor). The payment's UPDATE is then a heap-only (HOT) update
    # on PostgreSQL: no new entry in any of the indexes below, and no index bloat from a monthly
    # update of every member. The monthly cycle reads memberships by id ranges (the primary key).
    # A status change still updates the indexes that hold status. Hence also no single-column index
    # on lpa (served by membership_lpa_status_idx, which starts with it) nor on scheme (a handful of
    # schemes: too unselective to be used; schemes are never deleted, PROTECT). person keeps its own
    # (membership_one_open_per_person skips terminated rows), and enrolled_by too (the workforce KPIs
    # count the enrolments of officers' user accounts per month).
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="memberships")
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="memberships", db_index=False
    )
    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="memberships", db_index=False)
    # Unique through Meta.constraints, not unique=True: the same unique B-tree, without the extra
    # varchar_pattern_ops ("_like") index Django adds on PostgreSQL for unique=True CharFields (member
    # numbers are looked up exactly, or with iexact, which neither index serves).
    member_number = models.CharField(_("member number"), max_length=20)
    enrolled_on = models.DateField(_("enrolled on"))
    coverage_start = models.DateField(_("coverage from (month)"))
    paid_through = models.DateField(_("paid through (month)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    status_since = models.DateField(_("status since"))
    reinstated_on = models.DateField(_("last reinstated on"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.CharField(
        _("termination reason"), max_length=12, choices=TerminationReason.choices, blank=True
    )
    region_id = models.BigIntegerField(
        _("region key"), help_text=_("Domicile kelurahan key at enrolment: scope and distribution column.")
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member_number"], name="membership_number_unique"),
            models.UniqueConstraint(
                fields=["person"],
                condition=~Q(status=MembershipStatus.TERMINATED),
                name="membership_one_open_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["lpa", "status"], name="membership_lpa_status_idx"),
            models.Index(fields=["region_id", "status"], name="membership_region_idx"),
        ]

    def __str__(self) -> str:
        return self.member_number


class MemberNumberCounter(models.Model):
    """The last member-number sequence handed out per city key (first 4 digits of the region key).

    Allocation is one ``UPDATE ... SET last_value = last_value + n ... RETURNING last_value``
    inside the caller's transaction (``membership.services.allocate_member_numbers``): the row lock
    serialises concurrent enrolments in a city on PostgreSQL, SQLite serialises all writers, and a
    rolled-back enrolment gives its numbers back.
    """

    city_key = models.CharField(primary_key=True, max_length=4)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.city_key}: {self.last_value}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(Membership, ScopeRule(region="region_id", lpa="lpa_id", member_user="person__account_id"))


_register()
