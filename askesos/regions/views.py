from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from askesos.accounts.permissions import Capability, has_capability
from askesos.audit.selectors import events_for_object
from askesos.core.access import region_in_scope
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.regions import selectors, services
from askesos.regions.forms import WorkforceEstimateForm, WorkforceImportForm
from askesos.regions.models import Region, WorkforceEstimate
from askesos.regions.services import CsvImportError


def _can_edit(request: HttpRequest, region: Region) -> bool:
    return has_capability(request.user, Capability.EDIT_WORKFORCE) and region_in_scope(
        request.user, region.id
    )


@capability_required(Capability.VIEW_REGIONS)
def browse(request: HttpRequest) -> HttpResponse:
    """Landing page: the user's own areas (or the provinces), and search."""
    query = request.GET.get("q", "").strip()
    context = {
        "query": query,
        "results": selectors.region_search(request.user, query) if query else None,
        "rows": selectors.home_regions(request.user),
        "can_import": has_capability(request.user, Capability.EDIT_WORKFORCE),
    }
    return render(request, "regions/browse.html", context)


@capability_required(Capability.VIEW_REGIONS)
def search(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type results (htmx partial)."""
    query = request.GET.get("q", "").strip()
    results = selectors.region_search(request.user, query) if query else None
    return render(request, "regions/_search_results.html", {"query": query, "results": results})


@capability_required(Capability.VIEW_REGIONS)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(request.user, code)
    context = {
        "region": region,
        "ancestors": selectors.region_ancestors(request.user, region),
        "rows": selectors.region_children(request.user, region),
        "estimates": selectors.region_estimates(request.user, region),
        "can_edit": _can_edit(request, region),
    }
    return render(request, "regions/detail.html", context)


@capability_required(Capability.EDIT_WORKFORCE)
@require_http_methods(["GET", "POST"])
def workforce_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Add or change a denominator for one year; regions outside the user's scope are a 404."""
    region = selectors.region_get(request.user, code)
    if not region_in_scope(request.user, region.id):
        raise Http404
    existing = _existing(region, request.GET.get("year", ""))
    form = WorkforceEstimateForm(request.POST or None, initial=_initial(existing))
    if request.method == "POST" and form.is_valid():
        try:
            services.workforce_set(actor=request.user, region=region, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Informal workforce for %(year)s saved.") % form.cleaned_data)
            return redirect("regions:detail", code=region.code)
    history = (
        events_for_object(request.user, WorkforceEstimate._meta.label_lower, existing.pk) if existing else []
    )
    context = {"region": region, "form": form, "existing": existing, "history_events": history}
    return render(request, "regions/workforce_form.html", context)


def _existing(region: Region, year: str) -> WorkforceEstimate | None:
    if not year.isdigit():
        return None
    return WorkforceEstimate.objects.filter(region=region, year=int(year)).first()


def _initial(existing: WorkforceEstimate | None) -> dict[str, object]:
    if existing is None:
        return {"is_estimate": True}
    fields = ("year", "informal_workers", "source", "is_estimate", "note")
    return {name: getattr(existing, name) for name in fields}


@capability_required(Capability.EDIT_WORKFORCE)
@require_http_methods(["GET", "POST"])
def workforce_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of denominators: all rows stored, or none and a list of what to fix."""
    form = WorkforceImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = request.FILES.get("file")
        try:
            result = services.workforce_import_csv(
                actor=request.user,
                text=form.cleaned_data["file"],
                filename=str(getattr(upload, "name", "") or ""),
            )
        except CsvImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Import done: %(created)s added, %(updated)s changed, %(unchanged)s unchanged.")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
            return redirect("regions:workforce_import")
    status = 400 if errors or form.errors else 200
    return render(request, "regions/workforce_import.html", {"form": form, "errors": errors}, status=status)


@capability_required(Capability.VIEW_REGIONS)
def workforce_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(services.workforce_csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="askesos-pekerja-informal.csv"'
    return response
