"""Field-workforce pages: training needs, trainings, officer KPIs, honoraria, facilities.
Outside the user's scope is a 404 (``get_in_scope_or_404``), a missing capability a 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability, has_capability
from askesos.core.access import get_in_scope_or_404, scoped
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.outreach.exports import xlsx_response
from askesos.workforce import selectors, services
from askesos.workforce.forms import (
    AssetUpdateForm,
    ComputeForm,
    EquipmentForm,
    MaintenanceForm,
    MonthForm,
    PayForm,
    TrainingForm,
    TrainingRecordForm,
    VehicleForm,
)
from askesos.workforce.models import Equipment, HonorariumStatement, Training, Vehicle


def _form_error(form: BaseForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _month_params(request: HttpRequest, today: dt.date) -> tuple[MonthForm, dt.date, int | None]:
    default = today.replace(day=1)
    form = MonthForm(request.GET or None, user=request.user, initial={"month": f"{default:%Y-%m}"})
    if form.is_bound and form.is_valid():
        lpa = form.cleaned_data["lpa"]
        return form, form.cleaned_data["month"] or default, lpa.pk if lpa else None
    return form, default, None


# --- Training ------------------------------------------------------------------------------------

NEEDS_HEADERS = (
    gettext_lazy("LPA"),
    gettext_lazy("Officer"),
    gettext_lazy("Topic"),
    gettext_lazy("Need"),
    gettext_lazy("Last completed"),
    gettext_lazy("Expired on"),
)


def needs_rows(needs: list[selectors.TrainingNeed]) -> list[list[Any]]:
    return [
        [n.officer.lpa.code, n.officer.full_name, n.topic_label, n.need, n.last_completed, n.expired_on]
        for n in needs
    ]


@capability_required(Capability.VIEW_WORKFORCE)
def training_needs(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    needs = selectors.training_needs(user=request.user, today=today)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"training-needs-{today:%Y%m%d}.xlsx", [(_("Training needs"), NEEDS_HEADERS, needs_rows(needs))]
        )
    trainings = scoped(request.user, Training.objects.select_related("lpa", "region"))[:50]
    return render(
        request,
        "workforce/training_needs.html",
        {
            "needs": needs,
            "trainings": trainings,
            "today": today,
            "may_manage": has_capability(request.user, Capability.MANAGE_TRAINING),
        },
    )


@capability_required(Capability.MANAGE_TRAINING)
def training_create(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            training = services.training_create(actor=request.user, today=timezone.localdate(), **data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Training recorded. Add the officers who attended."))
            return redirect("workforce:training_detail", pk=training.pk)
    return render(
        request, "workforce/form.html", {"form": form, "title": _("Record a training"), "upload": True}
    )


def _training(request: HttpRequest, pk: int) -> Training:
    return get_in_scope_or_404(request.user, Training.objects.select_related("lpa", "region"), pk=pk)


@capability_required(Capability.VIEW_WORKFORCE)
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk)
    may_manage = has_capability(request.user, Capability.MANAGE_TRAINING)
    form = TrainingRecordForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.training_record_set(actor=request.user, training=training, **form.cleaned_data)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("workforce:training_detail", pk=training.pk)
    records = scoped(request.user, training.records.select_related("officer__lpa"))
    return render(
        request,
        "workforce/training_detail.html",
        {"training": training, "records": records, "form": form, "may_manage": may_manage},
    )


@login_required
def training_certificate(request: HttpRequest, pk: int) -> FileResponse:
    """Certificates are served only here, after the scope check: never from a public media URL."""
    if not has_capability(request.user, Capability.VIEW_WORKFORCE):
        raise PermissionDenied
    training = _training(request, pk)
    if not training.certificate_file or not training.certificate_file.name:
        raise Http404
    return FileResponse(
        training.certificate_file.open("rb"),
        content_type=training.certificate_content_type,
        as_attachment=True,
        filename=training.certificate_file.name.rsplit("/", 1)[-1],
    )


# --- KPIs ----------------------------------------------------------------------------------------

KPI_HEADERS = (
    gettext_lazy("LPA"),
    gettext_lazy("Officer"),
    gettext_lazy("Enrolments"),
    gettext_lazy("Members due"),
    gettext_lazy("Members paid"),
    gettext_lazy("Collection rate %"),
    gettext_lazy("Collected (Rp)"),
    gettext_lazy("Retention %"),
    gettext_lazy("Claims handled"),
    gettext_lazy("Events"),
    gettext_lazy("Follow-ups"),
    gettext_lazy("Visits"),
    gettext_lazy("Members"),
    gettext_lazy("Norm"),
    gettext_lazy("Workload %"),
)


def kpi_rows(kpis: list[selectors.OfficerKpi]) -> list[list[Any]]:
    return [
        [
            k.officer.lpa.code,
            k.officer.full_name,
            k.enrolments,
            k.due,
            k.paid,
            float(k.collection_rate) if k.collection_rate is not None else None,
            k.collected,
            float(k.retention) if k.retention is not None else None,
            k.claims_handled,
            k.events,
            k.follow_ups,
            k.visits,
            k.members,
            k.norm,
            float(k.workload_pct) if k.workload_pct is not None else None,
        ]
        for k in kpis
    ]


@capability_required(Capability.VIEW_WORKFORCE)
def kpis(request: HttpRequest) -> HttpResponse:
    form, month, lpa_id = _month_params(request, timezone.localdate())
    rows = selectors.officer_kpis(user=request.user, month=month, lpa_id=lpa_id)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"officer-kpis-{month:%Y-%m}.xlsx", [(_("KPIs"), KPI_HEADERS, kpi_rows(rows))])
    return render(
        request,
        "workforce/kpis.html",
        {"form": form, "month": month, "kpis": rows, "query": request.GET.urlencode()},
    )


# --- Honorarium ----------------------------------------------------------------------------------

HONORARIUM_HEADERS = (
    gettext_lazy("Month"),
    gettext_lazy("LPA"),
    gettext_lazy("Officer"),
    gettext_lazy("New members"),
    gettext_lazy("Collections (Rp)"),
    gettext_lazy("Base (Rp)"),
    gettext_lazy("New members (Rp)"),
    gettext_lazy("Share of collections (Rp)"),
    gettext_lazy("Total (Rp)"),
    gettext_lazy("Status"),
    gettext_lazy("Paid on"),
    gettext_lazy("Paid on time"),
)


def honorarium_rows(statements: Any) -> list[list[Any]]:
    return [
        [
            f"{s.month:%Y-%m}",
            s.lpa.code,
            s.officer.full_name,
            s.new_members,
            s.collections,
            s.base_amount,
            s.new_member_amount,
            s.collection_amount,
            s.total,
            s.status,
            s.paid_on,
            s.paid_on_time,
        ]
        for s in statements
    ]


@capability_required(Capability.VIEW_WORKFORCE)
def honorarium_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form, month, lpa_id = _month_params(request, today)
    statements = list(selectors.honorarium_statements(user=request.user, month=month, lpa_id=lpa_id))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"honorarium-{month:%Y-%m}.xlsx",
            [(_("Honorarium"), HONORARIUM_HEADERS, honorarium_rows(statements))],
        )
    may_manage = has_capability(request.user, Capability.MANAGE_HONORARIUM)
    return render(
        request,
        "workforce/honorarium_list.html",
        {
            "form": form,
            "month": month,
            "statements": statements,
            "query": request.GET.urlencode(),
            "may_manage": may_manage,
            "pay_form": PayForm(initial={"paid_on": today}),
            "compute_form": ComputeForm(user=request.user, initial={"month": f"{month:%Y-%m}"})
            if may_manage
            else None,
        },
    )


@require_POST
@capability_required(Capability.MANAGE_HONORARIUM)
def honorarium_compute(request: HttpRequest) -> HttpResponse:
    form = ComputeForm(request.POST, user=request.user)
    if not form.is_valid() or form.cleaned_data["month"] is None:
        messages.error(request, _("Choose an LPA and a month."))
        return redirect("workforce:honorarium_list")
    month = form.cleaned_data["month"]
    try:
        done = services.honorarium_compute(
            actor=request.user, lpa=form.cleaned_data["lpa"], month=month, today=timezone.localdate()
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(n)s draft statements computed.") % {"n": len(done)})
    return redirect(f"{reverse('workforce:honorarium_list')}?month={month:%Y-%m}")


def _statement(request: HttpRequest, pk: int) -> HonorariumStatement:
    return get_in_scope_or_404(
        request.user, HonorariumStatement.objects.select_related("lpa", "officer"), pk=pk
    )


@require_POST
@capability_required(Capability.MANAGE_HONORARIUM)
def honorarium_approve(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    try:
        services.honorarium_approve(actor=request.user, statement=statement, today=timezone.localdate())
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect(f"{reverse('workforce:honorarium_list')}?month={statement.month:%Y-%m}")


@require_POST
@capability_required(Capability.MANAGE_HONORARIUM)
def honorarium_pay(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the payment date and source."))
    else:
        try:
            services.honorarium_pay(
                actor=request.user, statement=statement, today=timezone.localdate(), **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Paid and posted to the fund."))
    return redirect(f"{reverse('workforce:honorarium_list')}?month={statement.month:%Y-%m}")


# --- Facilities ----------------------------------------------------------------------------------

SHORTAGE_HEADERS = (
    gettext_lazy("LPA"),
    gettext_lazy("Kelurahan"),
    gettext_lazy("Active officers"),
    gettext_lazy("With a good vehicle"),
    gettext_lazy("Without a good vehicle"),
    gettext_lazy("Vehicles"),
    gettext_lazy("Vehicles in good condition"),
    gettext_lazy("Good vehicles per officer"),
    gettext_lazy("Officers without"),
)


def shortage_rows(shortage: selectors.Shortage) -> list[list[Any]]:
    return [
        [
            r.lpa_code,
            r.kelurahan or "(all)",
            r.officers,
            r.with_vehicle,
            r.without_vehicle,
            r.vehicles if not r.kelurahan else None,
            r.vehicles_good if not r.kelurahan else None,
            float(r.vehicles_per_officer) if r.vehicles_per_officer is not None and not r.kelurahan else None,
            ", ".join(r.officers_without),
        ]
        for r in shortage.by_lpa + shortage.by_kelurahan
    ]


@capability_required(Capability.VIEW_WORKFORCE)
def facilities(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    shortage = selectors.facilities_shortage(user=request.user, today=today)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"facilities-shortage-{today:%Y%m%d}.xlsx",
            [(_("Shortage"), SHORTAGE_HEADERS, shortage_rows(shortage))],
        )
    return render(
        request,
        "workforce/facilities.html",
        {
            "shortage": shortage,
            "vehicles": scoped(request.user, Vehicle.objects.select_related("lpa", "assigned_officer")),
            "equipment": scoped(request.user, Equipment.objects.select_related("lpa", "assigned_officer")),
            "may_manage": has_capability(request.user, Capability.MANAGE_FACILITIES),
        },
    )


@capability_required(Capability.MANAGE_FACILITIES)
def asset_create(request: HttpRequest, kind: str) -> HttpResponse:
    form_class = {"vehicle": VehicleForm, "equipment": EquipmentForm}.get(kind)
    if form_class is None:
        raise Http404
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        service = services.vehicle_add if kind == "vehicle" else services.equipment_add
        try:
            service(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("workforce:facilities")
    title = _("Add a vehicle") if kind == "vehicle" else _("Add equipment")
    return render(request, "workforce/form.html", {"form": form, "title": title})


def _asset(request: HttpRequest, kind: str, pk: int) -> Vehicle | Equipment:
    if kind == "vehicle":
        return get_in_scope_or_404(
            request.user, Vehicle.objects.select_related("lpa", "assigned_officer"), pk=pk
        )
    if kind == "equipment":
        return get_in_scope_or_404(
            request.user, Equipment.objects.select_related("lpa", "assigned_officer"), pk=pk
        )
    raise Http404


@capability_required(Capability.VIEW_WORKFORCE)
def asset_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    asset = _asset(request, kind, pk)
    may_manage = has_capability(request.user, Capability.MANAGE_FACILITIES)
    update_form = AssetUpdateForm(
        user=request.user,
        lpa_id=asset.lpa_id,
        initial={"condition": asset.condition, "assigned_officer": asset.assigned_officer_id},
    )
    maintenance_form = MaintenanceForm(
        initial={"on": timezone.localdate(), "condition_after": asset.condition}
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        today = timezone.localdate()
        if "description" in request.POST:
            maintenance_form = MaintenanceForm(request.POST)
            if maintenance_form.is_valid():
                try:
                    services.maintenance_record(
                        actor=request.user, asset=asset, today=today, **maintenance_form.cleaned_data
                    )
                except DomainError as error:
                    _form_error(maintenance_form, error)
                else:
                    return redirect("workforce:asset_detail", kind=kind, pk=pk)
        else:
            update_form = AssetUpdateForm(request.POST, user=request.user, lpa_id=asset.lpa_id)
            if update_form.is_valid():
                try:
                    services.asset_update(actor=request.user, asset=asset, **update_form.cleaned_data)
                except DomainError as error:
                    _form_error(update_form, error)
                else:
                    return redirect("workforce:asset_detail", kind=kind, pk=pk)
    return render(
        request,
        "workforce/asset_detail.html",
        {
            "asset": asset,
            "kind": kind,
            "maintenance": asset.maintenance.all(),
            "may_manage": may_manage,
            "update_form": update_form,
            "maintenance_form": maintenance_form,
        },
    )
