from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from askesos.audit.rules import Change, diff


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """One change to members, money, claims or configuration: append-only.

    Written by services inside the same transaction as the change (``audit.services.audit_record``).
    The database refuses UPDATE and DELETE on this table (trigger in migration 0002), so history
    cannot be rewritten through the ORM or by hand. ``region_id``/``lpa_id`` let the audit page
    apply the reader's scope; ``object_type``/``object_id`` name the changed row.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"), db_index=True)
    # Served by ``audit_actor_idx`` (actor, at): a single-column index would be a second B-tree to
    # update on every audited write.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    old = models.JSONField(_("old values"), null=True, blank=True)
    new = models.JSONField(_("new values"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    region_id = models.BigIntegerField(_("region key"), null=True, blank=True)
    lpa_id = models.BigIntegerField(_("LPA id"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
            models.Index(fields=["action", "-at"], name="audit_action_idx"),
            models.Index(fields=["region_id", "-at"], name="audit_region_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"
        )

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")

    @property
    def changes(self) -> list[Change]:
        """The changed keys, old → new, for display (``audit.rules.diff``)."""
        return diff(self.old, self.new)


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(AuditEvent, ScopeRule(region="region_id", lpa="lpa_id"))


_register()
