from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Who a user is in the program. What each role may do is in ``accounts.permissions``."""

    KEMENSOS_ADMIN = "kemensos_admin", _("Kemensos administrator")
    DINSOS_OFFICER = "dinsos_officer", _("Dinas Sosial officer")
    LPA_MANAGER = "lpa_manager", _("LPA manager")
    FIELD_OFFICER = "field_officer", _("Field officer")
    AUDITOR = "auditor", _("Auditor")
    MEMBER = "member", _("Member")


class User(AbstractUser):
    """A person who signs in. Role says what they may do; scope says on which rows.

    Scope is the union of region subtrees (``scope_regions``) and LPAs (``scope_lpas``);
    ``national_scope`` sees everything. The one place that applies it is ``core.access``.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    national_scope = models.BooleanField(
        _("national scope"), default=False, help_text=_("Sees every region and LPA in the country.")
    )
    scope_regions = models.ManyToManyField(
        "regions.Region", blank=True, related_name="+", verbose_name=_("regions in scope")
    )
    scope_lpas = models.ManyToManyField(
        "lpa.Lpa", blank=True, related_name="+", verbose_name=_("LPAs in scope")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
