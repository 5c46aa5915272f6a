"""The implementation scorecard of a city or an LPA: the four aspects from the surveys and from the
system's own indicators side by side, with categories, the change since the last period and
rule-based recommendations (``analytics.rules.recommendations``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Max

from askesos.analytics import indicators as ind
from askesos.analytics import rules, selectors
from askesos.core.months import add_months
from askesos.evaluation import rules as erules
from askesos.evaluation import selectors as esel
from askesos.evaluation.models import Aspect, Instrument
from askesos.evaluation.seed import DEFAULT_CODE
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region


@dataclass
class IndicatorRow:
    now: ind.Indicator
    before: ind.Indicator

    @property
    def change(self) -> Decimal | None:
        if self.now.value is None or self.before.value is None:
            return None
        return self.now.value - self.before.value


@dataclass
class AspectRow:
    aspect: str
    label: str
    survey: esel.AspectScore | None
    survey_before: esel.AspectScore | None
    indicator_category: erules.Category | None
    indicators: list[IndicatorRow]

    @property
    def survey_change(self) -> Decimal | None:
        if self.survey is None or self.survey_before is None:
            return None
        return self.survey.mean - self.survey_before.mean


@dataclass
class Scorecard:
    title: str
    month: dt.date
    region: Region | None
    lpa: Lpa | None
    coverage: selectors.AreaFigures
    scheme: erules.CategoryScheme
    survey_period: dt.date | None
    survey_before_period: dt.date | None
    respondents: int
    aspects: list[AspectRow]
    recommendations: list[rules.Recommendation]


def _scope_for(
    region: Region | None, lpa: Lpa | None, month: dt.date, today: dt.date, workers: int | None
) -> ind.IndicatorScope:
    if lpa is not None:
        kecamatan = lpa.kelurahan_id // 10**4 * 10**4
        low, high = codes.subtree_range(kecamatan, codes.LEVEL_DISTRICT)
        return ind.IndicatorScope(low, high, month, today, (lpa.pk,), workers)
    assert region is not None
    low, high = region.subtree
    return ind.IndicatorScope(low, high, month, today, None, workers)


def scorecard(
    *,
    user: Any,
    month: dt.date,
    today: dt.date,
    region: Region | None = None,
    lpa: Lpa | None = None,
    scheme: erules.CategoryScheme = erules.CategoryScheme.KEP25,
) -> Scorecard:
    """Scorecard of a city/area (``region``) or of one LPA (its members, officers and kecamatan) for
    ``month``, compared with the month before (indicators) and the previous survey period."""
    if lpa is not None:
        area_region = Region.objects.get(pk=lpa.kelurahan_id // 10**4 * 10**4)
        coverage = selectors.area_figures(user=user, region=area_region, month=month)
        title = f"{lpa.name} ({lpa.code})"
    else:
        assert region is not None
        area_region = region
        coverage = selectors.area_figures(user=user, region=region, month=month)
        title = region.name
    workers = coverage.denominator.workers if coverage.denominator else None
    now_scope = _scope_for(region, lpa, month, today, workers)
    before_scope = _scope_for(region, lpa, add_months(month, -1), today, workers)

    instrument = Instrument.objects.filter(code=DEFAULT_CODE).first()
    periods: list[dt.date] = []
    survey_now = survey_before = None
    if instrument is not None:
        periods = esel.latest_round_periods(user, instrument.pk, now_scope.low, now_scope.high, month)
        base = esel.ScoreFilter(instrument.pk, now_scope.low, now_scope.high, now_scope.lpa_ids)
        if periods:
            survey_now = esel.survey_scores(
                user=user,
                f=esel.ScoreFilter(**{**base.__dict__, "period_from": periods[0], "period_to": periods[0]}),
                scheme=scheme,
            )
        if len(periods) > 1:
            survey_before = esel.survey_scores(
                user=user,
                f=esel.ScoreFilter(**{**base.__dict__, "period_from": periods[1], "period_to": periods[1]}),
                scheme=scheme,
            )
    awareness = (0, 0)
    if survey_now is not None and survey_now.awareness_pct is not None:
        awareness = (int(survey_now.awareness_pct * survey_now.awareness_n / 100), survey_now.awareness_n)
    awareness_before = (0, 0)
    if survey_before is not None and survey_before.awareness_pct is not None:
        awareness_before = (
            int(survey_before.awareness_pct * survey_before.awareness_n / 100),
            survey_before.awareness_n,
        )
    gaps = ind.officer_training_gaps(now_scope)
    now = ind.all_indicators(now_scope, awareness=awareness, gaps=gaps)
    before = ind.all_indicators(before_scope, awareness=awareness_before, gaps=None)
    before_by_code = {i.code: i for i in before}
    rows = []
    for code, label in Aspect.choices:
        mine = [IndicatorRow(i, before_by_code[i.code]) for i in now if i.aspect == code]
        rows.append(
            AspectRow(
                code,
                str(label),
                survey_now.aspect(code) if survey_now else None,
                survey_before.aspect(code) if survey_before else None,
                rules.aspect_category(r.now.category for r in mine),
                mine,
            )
        )
    recs = rules.recommendations(_facts(user, area_region, lpa, month, today, now, gaps))
    return Scorecard(
        title,
        month,
        region,
        lpa,
        coverage,
        scheme,
        periods[0] if periods else None,
        periods[1] if len(periods) > 1 else None,
        survey_now.respondents if survey_now else 0,
        rows,
        recs,
    )


def _facts(
    user: Any,
    area: Region,
    lpa: Lpa | None,
    month: dt.date,
    today: dt.date,
    now: list[ind.Indicator],
    gaps: list[ind.OfficerTraining] | None,
) -> rules.RecommendationInput:
    by_code = {i.code: i for i in now}
    facts = rules.RecommendationInput(today=today)
    kel = selectors.kelurahan_coverage(user=user, region=area, month=month)
    last_event: dict[int, dt.date] = {}
    if apps.is_installed("askesos.outreach"):
        Event = apps.get_model("outreach", "Event")
        low, high = area.subtree
        events = Event.objects.filter(kelurahan_id__gte=low, kelurahan_id__lt=high, held_on__lte=today)
        last_event = dict(
            events.values("kelurahan_id").annotate(last=Max("held_on")).values_list("kelurahan_id", "last")
        )
    names = dict(Region.objects.filter(pk__in=list(kel)).values_list("id", "name"))
    for key, (covered, denominator) in sorted(kel.items()):
        pct = rules.coverage_pct(covered, denominator.workers if denominator else None)
        facts.kelurahan.append(rules.KelurahanFacts(names.get(key, str(key)), pct, last_event.get(key)))
    facts.officers = [rules.OfficerFacts(g.name, g.missing) for g in gaps or [] if g.missing]
    facts.lpas = _lpa_vehicles(area, lpa)
    a = by_code.get("awareness_pct")
    facts.awareness_pct = a.value if a else None
    h = by_code.get("honoraria_on_time_pct")
    facts.honoraria_on_time_pct = h.value if h else None
    c = by_code.get("claims_paid_unverified")
    facts.claims_paid_unverified = c.numerator if c and c.value is not None else None
    t = by_code.get("claim_turnaround_vs_sla")
    if t and t.value is not None:
        facts.turnaround_days, facts.sla_days = Decimal(t.numerator or 0), t.denominator
    d = by_code.get("deposits_unconfirmed")
    facts.deposits_unconfirmed = d.numerator if d and d.value is not None else None
    return facts


def _lpa_vehicles(area: Region, lpa: Lpa | None) -> list[rules.LpaFacts]:
    """Active officers and good vehicles per LPA in the area (two grouped queries)."""
    if not apps.is_installed("askesos.workforce"):
        return []
    from django.db.models import Count, Q

    from askesos.lpa.models import FieldOfficer

    Vehicle = apps.get_model("workforce", "Vehicle")
    low, high = area.subtree
    lpas = (
        Lpa.objects.filter(pk=lpa.pk)
        if lpa
        else Lpa.objects.filter(kelurahan_id__gte=low, kelurahan_id__lt=high)
    )
    officers = dict(
        FieldOfficer.objects.filter(lpa__in=lpas, active_to__isnull=True)
        .values("lpa_id")
        .annotate(n=Count("id"))
        .values_list("lpa_id", "n")
    )
    good = dict(
        Vehicle.objects.filter(lpa__in=lpas)
        .values("lpa_id")
        .annotate(n=Count("id", filter=Q(condition="baik")))
        .values_list("lpa_id", "n")
    )
    codes_by_id = dict(lpas.values_list("id", "code"))
    return [
        rules.LpaFacts(codes_by_id[i], n, good.get(i, 0))
        for i, n in sorted(officers.items())
        if i in codes_by_id
    ]
