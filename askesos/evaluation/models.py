# ruff: noqa: RUF001  (en dashes are deliberate: Indonesian report text, ranges)
"""Implementation-evaluation surveys along G. C. Edwards III's four aspects (PROGRAM.md §6).

An ``Instrument`` is a questionnaire (4- or 5-point Likert) of ``Item``s, each tagged with its aspect
and sub-dimension; a ``SurveyRound`` applies it in a period to an area (and optionally one LPA); a
``Response`` is one respondent's answers (``Answer`` rows, one per item), so scoring is a GROUP BY.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Aspect(models.TextChoices):
    COMMUNICATION = "communication", _("communication")
    RESOURCES = "resources", _("resources")
    DISPOSITION = "disposition", _("disposition")
    BUREAUCRATIC_STRUCTURE = "bureaucratic_structure", _("bureaucratic structure")


class SubDimension(models.TextChoices):
    TRANSMISSION = "transmission", _("transmission")
    CLARITY = "clarity", _("clarity")
    CONSISTENCY = "consistency", _("consistency")
    STAFF = "staff", _("staff")
    INFORMATION = "information", _("information")
    AUTHORITY = "authority", _("authority")
    FACILITIES = "facilities", _("facilities")
    BUDGET = "budget", _("budget")
    COMMITMENT = "commitment", _("commitment")
    UNDERSTANDING = "understanding", _("understanding")
    STAFFING = "staffing", _("staffing")
    INCENTIVES = "incentives", _("incentives")
    SOPS = "sops", _("SOPs")
    FRAGMENTATION = "fragmentation", _("fragmentation")


class RespondentGroup(models.TextChoices):
    LPA_MANAGER = "lpa_manager", _("LPA managers")
    OFFICER = "officer", _("field officers")
    MEMBER = "member", _("members")
    NON_MEMBER = "non_member", _("non-member informal workers")


class ItemKind(models.TextChoices):
    LIKERT = "likert", _("Likert scale")
    YES_NO = "yes_no", _("yes / no")


class Instrument(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    scale = models.PositiveSmallIntegerField(_("answer scale (points)"), choices=[(4, "1–4"), (5, "1–5")])
    respondent_groups = models.JSONField(_("respondent groups"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"))
    text_id = models.TextField(_("text (Indonesian)"))
    text_en = models.TextField(_("text (English)"))
    aspect = models.CharField(_("aspect"), max_length=24, choices=Aspect.choices)
    sub_dimension = models.CharField(_("sub-dimension"), max_length=16, choices=SubDimension.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices, default=ItemKind.LIKERT)
    reverse_scored = models.BooleanField(_("reverse-scored"), default=False)
    groups = models.JSONField(
        _("asked of"), default=list, blank=True, help_text=_("Respondent groups; empty: everyone.")
    )

    class Meta:
        verbose_name = _("survey item")
        verbose_name_plural = _("survey items")
        ordering = ["instrument_id", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="item_code_once")]

    def __str__(self) -> str:
        return self.code

    def asked_of(self, group: str) -> bool:
        return not self.groups or group in self.groups


class SurveyRound(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=200)
    period = models.DateField(_("period (month)"))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    lpa = models.ForeignKey(
        "lpa.Lpa", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("LPA")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-period", "-id"]

    def __str__(self) -> str:
        return self.name


class Response(models.Model):
    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="responses")
    group = models.CharField(_("respondent group"), max_length=12, choices=RespondentGroup.choices)
    region_id = models.BigIntegerField(_("kelurahan key"))
    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    respondent_ref = models.CharField(_("respondent reference"), max_length=40, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["round", "group"], name="response_round_group_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "respondent_ref"],
                condition=~Q(respondent_ref=""),
                name="response_ref_once_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("answer"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="answer_once_per_item")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.item_id}={self.value}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    register_scope(Instrument, ScopeRule(public=True))
    register_scope(Item, ScopeRule(public=True))
    register_scope(SurveyRound, ScopeRule(region="region_id", lpa="lpa_id"))
    register_scope(Response, ScopeRule(region="region_id", lpa="lpa_id"))
    register_scope(Answer, ScopeRule(region="response__region_id", lpa="response__lpa_id"))


_register()
