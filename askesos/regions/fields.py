"""Form fields that pick a region by its Kemendagri code, limited to the user's area.

Indonesia has about 84,000 kelurahan/desa: a dropdown of all of them is unusable (and heavy on a
phone). ``RegionField`` and ``KelurahanField`` offer only the regions of the right level inside the
given ranges (the user's area). When that is a short list (``max_choices``) it is a dropdown
(grouped by kecamatan for kelurahan); when it is longer (a province, the whole country) it is a text
input taking the code, dotted (``31.75.03.1001``) or not (``3175031001``). Either way the value is
checked to be an existing region of an allowed level inside the ranges, and ``clean`` returns the
``Region``.

Option values are the code's digits, which for a kelurahan is also its key (``Region.pk``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from askesos.core.access import user_scope
from askesos.regions import codes
from askesos.regions.models import Region

Ranges = Sequence[tuple[int, int]] | None  # None: everywhere (national scope)


def scope_ranges(user: Any) -> list[tuple[int, int]] | None:
    """The user's region subtrees; None for national scope."""
    scope = user_scope(user)
    return None if scope.national else list(scope.region_ranges)


def regions_in(ranges: Ranges, levels: Iterable[int]) -> QuerySet[Region]:
    qs = Region.objects.filter(level__in=list(levels))
    if ranges is None:
        return qs
    q = Q(pk__in=[])
    for low, high in ranges:
        q |= Q(pk__gte=low, pk__lt=high)
    return qs.filter(q)


class CodeInput(forms.TextInput):
    """A short text input for a Kemendagri code: a number pad on phones (the dots are optional)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", "size": "16"}
        super().__init__(attrs={**base, **(attrs or {})})


class RegionField(forms.Field):
    """A city, kecamatan or kelurahan inside ``ranges`` (see the module docstring)."""

    levels: tuple[int, ...] = (codes.LEVEL_CITY, codes.LEVEL_DISTRICT, codes.LEVEL_VILLAGE)
    max_choices = 500  # above this, a code input instead of a dropdown
    example = "31.75.03"
    default_error_messages = {
        "invalid": _("Enter a Kemendagri code such as 31.75 or 31.75.03 (the dots are optional)."),
        "level": _("%(code)s is a %(level)s code; enter the code of a city, kecamatan or kelurahan."),
        "missing": _("There is no region with the Kemendagri code %(code)s."),
        "out_of_scope": _("%(name)s (%(code)s) is outside your area."),
    }
    code_help_text = _("Kemendagri code of the city, kecamatan or kelurahan, e.g. 31.75.03 (dots optional).")

    def __init__(self, *, ranges: Ranges, **kwargs: Any) -> None:
        self.ranges = None if ranges is None else list(ranges)
        regions = regions_in(self.ranges, self.levels)
        self.as_select = regions.count() <= self.max_choices
        if self.as_select:
            kwargs["widget"] = forms.Select(choices=self._choices(regions))
        else:
            kwargs["widget"] = CodeInput(attrs={"placeholder": self.example})
            kwargs.setdefault("help_text", self.code_help_text)
        super().__init__(**kwargs)

    # --- the dropdown --------------------------------------------------------------------------

    def _choices(self, regions: QuerySet[Region]) -> list[Any]:
        def label(r: Region) -> str:
            return f"{'Kec. ' if r.level == codes.LEVEL_DISTRICT else ''}{r.name} ({r.code})"

        return [("", "—"), *((self.option_value(r.code), label(r)) for r in regions.order_by("id"))]

    @staticmethod
    def option_value(code: str) -> str:
        return code.replace(".", "")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = Region.objects.filter(pk=value).values_list("code", flat=True).first() or value
        if isinstance(value, Region):
            value = value.code
        if isinstance(value, str) and value and self.as_select:
            try:
                return self.option_value(codes.normalize_code(value))
            except codes.RegionCodeError:
                return value
        return value

    # --- checking ------------------------------------------------------------------------------

    def to_python(self, value: Any) -> Region | None:
        if isinstance(value, Region):
            return value
        text = str(value or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            code = codes.normalize_code(text)
        except codes.RegionCodeError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        level = code.count(".") + 1
        if level not in self.levels:
            raise forms.ValidationError(
                self.error_messages["level"],
                code="level",
                params={"code": code, "level": Region.Level(level).label},
            )
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(self.error_messages["missing"], code="missing", params={"code": code})
        if self.ranges is not None and not any(low <= region.pk < high for low, high in self.ranges):
            raise forms.ValidationError(
                self.error_messages["out_of_scope"],
                code="out_of_scope",
                params={"code": code, "name": region.name},
            )
        return region

    def has_changed(self, initial: Any, data: Any) -> bool:
        return str(self.prepare_value(initial) or "") != str(self.prepare_value(data) or "")


class KelurahanField(RegionField):
    """A kelurahan/desa inside ``ranges``; the dropdown groups them by kecamatan."""

    levels = (codes.LEVEL_VILLAGE,)
    example = "31.75.03.1001"
    default_error_messages = {
        "invalid": _("Enter a kelurahan code of 10 digits, e.g. 31.75.03.1001 (the dots are optional)."),
        "level": _("%(code)s is a %(level)s code, not a kelurahan: enter all 10 digits, e.g. 31.75.03.1001."),
        "missing": _("There is no kelurahan with the Kemendagri code %(code)s."),
    }
    code_help_text = _("Kemendagri kelurahan code, e.g. 31.75.03.1001 (dots optional).")

    def _choices(self, regions: QuerySet[Region]) -> list[Any]:
        groups: dict[str, list[tuple[str, str]]] = {}
        for r in regions.select_related("parent").order_by("id"):
            kecamatan = r.parent.name if r.parent_id and r.parent else ""
            groups.setdefault(f"Kec. {kecamatan}", []).append(
                (self.option_value(r.code), f"{r.name} ({r.code})")
            )
        return [("", "—"), *groups.items()]
