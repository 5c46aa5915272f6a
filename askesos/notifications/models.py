"""The outbox: every SMS/WhatsApp/e-mail to a member is a ``Message`` row first, sent afterwards.

Enqueued by ``notifications.services.notify`` inside the caller's transaction (so a rolled-back
payment sends nothing), sent after commit or by ``askesos send-notifications``. A sender claims a row
with a compare-and-set (``queued``/``failed`` → ``sending``), so two workers never send it twice.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("e-mail")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed (will retry)")
    DEAD = "dead", _("dead (gave up)")


class Message(models.Model):
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.SMS)
    to = models.CharField(_("to"), max_length=254)
    body = models.TextField(_("text"))
    template = models.CharField(_("template"), max_length=40)
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    related_type = models.CharField(_("related type"), max_length=40, blank=True)
    related_id = models.CharField(_("related id"), max_length=64, blank=True)
    lpa_id = models.BigIntegerField(_("LPA id"), null=True, blank=True)
    region_id = models.BigIntegerField(_("region key"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_due_idx"),
            models.Index(fields=["lpa_id", "-created_at"], name="notif_lpa_idx"),
            models.Index(fields=["related_type", "related_id"], name="notif_related_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.to} {self.template}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(Message, ScopeRule(region="region_id", lpa="lpa_id"))


_register()
