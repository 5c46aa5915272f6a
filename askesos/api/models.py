"""What the REST API keeps: personal API tokens, idempotency records and synced device items.

None of these rows is region data: each belongs to one user and is only ever read by that user
(the API filters on ``user=request.user``), so their scope rule lets ``scoped`` show nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; ``prefix`` finds the row without a scan.

    The full token (``ask_<prefix>_<secret>``) is shown once, when it is created.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (ask_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The stored answer to a POST sent with an ``Idempotency-Key`` header.

    The same key with the same body replays ``status_code`` and ``response``; the same key with a
    different body (``request_hash`` differs) is refused.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=300)
    request_hash = models.CharField(_("SHA-256 of the request"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response = models.JSONField(_("response"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_once")]
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"


class SyncItem(models.Model):
    """One item a field device captured offline and synced successfully (kind + server result).

    ``client_id`` is generated on the device; it is unique per user, so a retried batch finds the
    item already done and answers ``duplicate`` with the original result instead of doing it twice.
    """

    class Kind(models.TextChoices):
        ENROLMENT = "enrolment", _("enrolment")
        PAYMENT = "payment", _("payment")
        LEAD = "lead", _("outreach lead")
        ATTENDANCE = "attendance", _("event attendance")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.UUIDField(_("client id"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    result = models.JSONField(_("result"))
    created_at = models.DateTimeField(_("synced at"))

    class Meta:
        verbose_name = _("synced item")
        verbose_name_plural = _("synced items")
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="api_sync_client_id_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    for model in (ApiToken, IdempotencyRecord, SyncItem):
        register_scope(model, ScopeRule())


_register()
