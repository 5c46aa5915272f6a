"""The report download page (only reports whose area or LPA is in the user's scope; 404 otherwise)
and on-demand generation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability, has_capability
from askesos.core.access import get_in_scope_or_404, region_in_scope, scoped, user_scope
from askesos.core.decorators import capability_required
from askesos.core.months import parse_month
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region
from askesos.reports import services
from askesos.reports.forms import GenerateForm
from askesos.reports.models import GeneratedReport, ReportKind


@capability_required(Capability.VIEW_REPORTS)
def report_list(request: HttpRequest) -> HttpResponse:
    reports = scoped(request.user, GeneratedReport.objects.all())
    kind = request.GET.get("kind", "")
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    form = None
    if has_capability(request.user, Capability.GENERATE_REPORTS):
        form = GenerateForm(initial={"month": timezone.localdate().strftime("%Y-%m")})
        form.fields["lpa"].widget.choices = [("", "—")] + [
            (lpa.pk, lpa.code) for lpa in scoped(request.user, Lpa.objects.all()).order_by("code")[:500]
        ]
    return render(
        request,
        "reports/list.html",
        {"reports": reports[:300], "kinds": ReportKind.choices, "kind": kind, "form": form},
    )


@capability_required(Capability.VIEW_REPORTS)
def download(request: HttpRequest, report_id: int) -> HttpResponse:  # FileResponse is a streaming response
    report = get_in_scope_or_404(request.user, GeneratedReport, pk=report_id)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = (report.file.name or "").rsplit("/", 1)[-1]
    response: Any = FileResponse(handle, as_attachment=True, filename=f"{report.month:%Y-%m}-{name}")
    return response  # a StreamingHttpResponse; the decorator's typing expects HttpResponse


@require_POST
@capability_required(Capability.GENERATE_REPORTS)
def generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    form.fields["lpa"].widget.choices = []
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("reports:list")
    try:
        month = parse_month(form.cleaned_data["month"])
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("reports:list")
    kind = form.cleaned_data["kind"]
    if kind == ReportKind.LPA_MONTHLY:
        lpa = get_in_scope_or_404(request.user, Lpa, pk=form.cleaned_data["lpa"] or 0)
        services.lpa_report_generate(lpa=lpa, month=month, actor=request.user)
    elif kind == ReportKind.DINSOS_PACK:
        try:
            city = Region.objects.get(
                code=codes.normalize_code(form.cleaned_data["area"] or ""), level=codes.LEVEL_CITY
            )
        except (Region.DoesNotExist, codes.RegionCodeError):
            raise Http404 from None
        if not region_in_scope(request.user, city.id):
            raise Http404
        services.dinsos_pack_generate(city=city, month=month, today=timezone.localdate(), actor=request.user)
    else:
        if not user_scope(request.user).national:
            raise Http404
        services.national_summary_generate(month=month, actor=request.user)
    messages.success(request, _("Report generated."))
    return redirect("reports:list")
