"""Coverage dashboards (drill-down Indonesia → province → city → kecamatan → kelurahan), coverage
targets and the implementation scorecard. Areas outside the user's scope answer 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability, has_capability
from askesos.analytics import charts, selectors
from askesos.analytics.forms import TargetForm
from askesos.analytics.models import CoverageRollup
from askesos.analytics.scorecard import Scorecard, scorecard
from askesos.core.access import get_in_scope_or_404, scoped, user_scope
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.core.months import add_months, month_start, parse_month
from askesos.evaluation.rules import CategoryScheme
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region


def default_month() -> dt.date:
    """The newest month with rollups (else the current month)."""
    latest = CoverageRollup.objects.aggregate(m=Max("month"))["m"]
    return latest or month_start(timezone.localdate())


def month_param(request: HttpRequest) -> dt.date:
    try:
        return parse_month(request.GET.get("month", ""))
    except ValueError:
        return default_month()


def scheme_param(request: HttpRequest) -> CategoryScheme:
    try:
        return CategoryScheme(request.GET.get("scheme", CategoryScheme.KEP25.value))
    except ValueError:
        return CategoryScheme.KEP25


@capability_required(Capability.VIEW_COVERAGE)
def coverage(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if code is None and not user_scope(request.user).national:
        areas = selectors.home_areas(request.user)
        if len(areas) == 1:
            return redirect("analytics:coverage_area", code=areas[0].code)
        return render(request, "analytics/areas.html", {"areas": areas})
    region = selectors.area_or_404(request.user, code)
    month = month_param(request)
    view = selectors.coverage_view(user=request.user, region=region, month=month)
    can_target = region is not None and has_capability(request.user, Capability.MANAGE_TARGETS)
    return render(
        request,
        "analytics/coverage.html",
        {
            "v": view,
            "month": month,
            "prev": add_months(month, -1),
            "next": add_months(month, 1),
            "trend": charts.trend_chart(view.trend),
            "ranking": charts.rank_chart(view.children),
            "child_level": (region.level if region else 0) + 1,
            "drill": region is None or region.level < codes.LEVEL_VILLAGE,
            "target_form": TargetForm(initial={"year": month.year}) if can_target else None,
        },
    )


@require_POST
@capability_required(Capability.MANAGE_TARGETS)
def target_set(request: HttpRequest, code: str) -> HttpResponse:
    from askesos.analytics.services import coverage_target_set

    region = selectors.area_or_404(request.user, code)
    assert region is not None
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            coverage_target_set(
                actor=request.user,
                region=region,
                year=form.cleaned_data["year"],
                target_percent=form.cleaned_data["target_percent"],
                target_count=form.cleaned_data["target_count"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Target saved."))
        except DomainError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Check the target: %(e)s") % {"e": form.errors.as_text()})
    return redirect("analytics:coverage_area", code=region.code)


@capability_required(Capability.VIEW_SCORECARD)
def scorecard_index(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    cities = Region.objects.filter(level=codes.LEVEL_CITY)
    if not scope.national:
        q = Region.objects.none()
        for low, high in scope.region_ranges:
            q = q | Region.objects.filter(level=codes.LEVEL_CITY, id__gte=low - low % 10**6, id__lt=high)
        cities = q
    cities = cities.order_by("id")[:200]
    lpas = scoped(request.user, Lpa.objects.all()).order_by("code")[:500]
    return render(
        request,
        "analytics/scorecard_index.html",
        {"cities": cities, "lpas": lpas, "month": month_param(request)},
    )


def _city(request: HttpRequest, code: str) -> Region:
    region = selectors.area_or_404(request.user, code)
    if region is None or region.level != codes.LEVEL_CITY:
        raise Http404
    return region


def _render_scorecard(request: HttpRequest, card: Scorecard, pdf_url: str) -> HttpResponse:
    return render(
        request,
        "analytics/scorecard.html",
        {"card": card, "schemes": list(CategoryScheme), "pdf_url": pdf_url, "month": card.month},
    )


@capability_required(Capability.VIEW_SCORECARD)
def scorecard_city(request: HttpRequest, code: str) -> HttpResponse:
    region = _city(request, code)
    card = scorecard(
        user=request.user,
        month=month_param(request),
        today=timezone.localdate(),
        region=region,
        scheme=scheme_param(request),
    )
    return _render_scorecard(request, card, "analytics:scorecard_city_pdf")


@capability_required(Capability.VIEW_SCORECARD)
def scorecard_lpa(request: HttpRequest, lpa_id: int) -> HttpResponse:
    lpa = get_in_scope_or_404(request.user, Lpa, pk=lpa_id)
    card = scorecard(
        user=request.user,
        month=month_param(request),
        today=timezone.localdate(),
        lpa=lpa,
        scheme=scheme_param(request),
    )
    return _render_scorecard(request, card, "analytics:scorecard_lpa_pdf")


def _pdf_response(card: Scorecard, name: str) -> HttpResponse:
    from askesos.analytics.pdf import scorecard_pdf

    response = HttpResponse(scorecard_pdf(card), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@capability_required(Capability.VIEW_SCORECARD)
def scorecard_city_pdf(request: HttpRequest, code: str) -> HttpResponse:
    region = _city(request, code)
    month = month_param(request)
    card = scorecard(
        user=request.user,
        month=month,
        today=timezone.localdate(),
        region=region,
        scheme=scheme_param(request),
    )
    return _pdf_response(card, f"rapor-{region.code}-{month:%Y-%m}.pdf")


@capability_required(Capability.VIEW_SCORECARD)
def scorecard_lpa_pdf(request: HttpRequest, lpa_id: int) -> HttpResponse:
    lpa = get_in_scope_or_404(request.user, Lpa, pk=lpa_id)
    month = month_param(request)
    card = scorecard(
        user=request.user, month=month, today=timezone.localdate(), lpa=lpa, scheme=scheme_param(request)
    )
    return _pdf_response(card, f"rapor-{lpa.code}-{month:%Y-%m}.pdf")
