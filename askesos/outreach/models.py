"""Outreach (sosialisasi): campaigns, events, the people reached and the leads captured there.

The thesis (seed/thesis-abstract.en.md) found that outreach was too rare and used the wrong channels,
so members were 0.08 % of informal workers. These tables make every event, its channel, its cost and
what came of it (leads → enrolments → premiums → retention) countable per channel, kelurahan, LPA and
officer. ``Event.kelurahan_id`` and ``Lead.kelurahan_id`` are the numeric region keys (scope column).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Outreach channels the thesis recommends (ceramah, diskusi, workshop, seminar, mass media, TV,
    houses of worship) plus the ones LPAs use today. Indonesian names stay Indonesian."""

    CERAMAH = "ceramah", "ceramah"
    DISKUSI = "diskusi", "diskusi"
    WORKSHOP = "workshop", _("workshop")
    SEMINAR = "seminar", _("seminar")
    MASS_MEDIA = "media_massa", _("mass media")
    TV = "televisi", _("TV")
    RADIO = "radio", _("radio")
    SOCIAL_MEDIA = "media_sosial", _("social media / WhatsApp group")
    DOOR_TO_DOOR = "door_to_door", _("door-to-door")
    MASJID = "masjid", "masjid"
    GEREJA = "gereja", "gereja"
    PURA = "pura", "pura"
    VIHARA = "vihara", "vihara"
    KLENTENG = "klenteng", "klenteng"


HOUSES_OF_WORSHIP = frozenset(
    {Channel.MASJID, Channel.GEREJA, Channel.PURA, Channel.VIHARA, Channel.KLENTENG}
)


class Campaign(models.Model):
    """A planned outreach effort of an LPA over a period, with a goal (enrolments) and a budget."""

    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+", verbose_name=_("LPA"))
    name = models.CharField(_("name"), max_length=150)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    goal_enrolments = models.PositiveIntegerField(_("goal (new members)"), default=0)
    budget = models.PositiveBigIntegerField(_("budget (Rp)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period")
        ]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One outreach event: where (kelurahan, venue), how (channel), who (officers), what it cost and
    how many people it reached (``attendance``; the optional attendee list may be shorter)."""

    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+", verbose_name=_("LPA"))
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("campaign"),
    )
    channel = models.CharField(_("channel"), max_length=14, choices=Channel.choices)
    venue_name = models.CharField(
        _("venue"),
        max_length=150,
        blank=True,
        help_text=_("Required for houses of worship, e.g. Masjid Al-Ikhlas."),
    )
    kelurahan = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan")
    )
    held_on = models.DateField(_("date"))
    officers = models.ManyToManyField(
        "lpa.FieldOfficer", related_name="outreach_events", blank=True, verbose_name=_("officers")
    )
    cost = models.PositiveBigIntegerField(_("cost (Rp)"), default=0)
    attendance = models.PositiveIntegerField(_("people reached"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["kelurahan", "held_on"], name="event_region_date_idx"),
            models.Index(fields=["lpa", "held_on"], name="event_lpa_date_idx"),
        ]

    def __str__(self) -> str:
        venue = f" {self.venue_name}" if self.venue_name else ""
        return f"{self.get_channel_display()}{venue} {self.held_on:%Y-%m-%d}"


class Attendee(models.Model):
    """A name on the optional attendance list of an event (people reached are ``Event.attendance``)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    full_name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["event_id", "id"]

    def __str__(self) -> str:
        return self.full_name


class LeadStatus(models.TextChoices):
    NEW = "new", _("new")
    CONTACTED = "contacted", _("contacted")
    INTERESTED = "interested", _("interested")
    ENROLLED = "enrolled", _("enrolled")
    DECLINED = "declined", _("declined")
    UNREACHABLE = "unreachable", _("unreachable")


class Lead(models.Model):
    """A prospective member met at an event.

    Consent rule (UU 27/2022 on personal data): phone and NIK are stored only with the person's
    consent, recorded with its time. Without consent the lead keeps only the name (it still counts
    as a lead, but cannot be contacted or matched automatically). A database constraint enforces it.
    """

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="leads")
    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+")
    kelurahan_id = models.BigIntegerField(
        _("region key"), help_text=_("The event's kelurahan key (scope column).")
    )
    full_name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    consent = models.BooleanField(_("agrees to be contacted"), default=False)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    captured_by = models.ForeignKey(
        "lpa.FieldOfficer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("captured by"),
    )
    status = models.CharField(_("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    membership = models.ForeignKey(
        "membership.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("membership"),
    )
    linked_by = models.CharField(_("linked by"), max_length=10, blank=True)  # manual / nik / phone
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True, consent_at__isnull=False)
                | Q(consent=False, consent_at__isnull=True, phone="", nik=""),
                name="lead_contact_needs_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["kelurahan_id", "status"], name="lead_region_status_idx"),
            models.Index(fields=["nik"], name="lead_nik_idx", condition=Q(person__isnull=True) & ~Q(nik="")),
            models.Index(
                fields=["phone"], name="lead_phone_idx", condition=Q(person__isnull=True) & ~Q(phone="")
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class LeadFollowUp(models.Model):
    """One follow-up of a lead (an event row per status change; counted as an officer visit)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="follow_ups")
    officer = models.ForeignKey(
        "lpa.FieldOfficer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on = models.DateField(_("date"))
    from_status = models.CharField(_("from"), max_length=12, choices=LeadStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=LeadStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["lead_id", "at", "id"]
        indexes = [models.Index(fields=["officer", "on"], name="followup_officer_on_idx")]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_status} → {self.to_status}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(Campaign, ScopeRule(region="lpa__kelurahan_id", lpa="lpa_id"))
    register_scope(Event, ScopeRule(region="kelurahan_id", lpa="lpa_id"))
    register_scope(Attendee, ScopeRule(region="event__kelurahan_id", lpa="event__lpa_id"))
    register_scope(Lead, ScopeRule(region="kelurahan_id", lpa="lpa_id"))
    register_scope(LeadFollowUp, ScopeRule(region="lead__kelurahan_id", lpa="lead__lpa_id"))


_register()
