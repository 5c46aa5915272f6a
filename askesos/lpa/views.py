"""LPA and field-officer pages. Views only parse input, call a selector or a service and render;
outside the user's scope is a 404 (``get_in_scope_or_404``), a missing capability a 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability, has_capability
from askesos.core.access import get_in_scope_or_404, user_scope
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.lpa import selectors, services
from askesos.lpa.forms import CriteriaForm, LpaForm, OfficerForm, SeedGrantForm, TransitionForm
from askesos.lpa.models import CriterionEvidence, FieldOfficer, Lpa
from askesos.regions.models import Region


def _form_error(form: BaseForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _lpa(request: HttpRequest, pk: int) -> Lpa:
    return get_in_scope_or_404(request.user, Lpa.objects.select_related("kelurahan__parent"), pk=pk)


@capability_required(Capability.VIEW_LPAS)
def lpa_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    status = request.GET.get("status", "")
    if status not in Lpa.Status.values:
        status = ""
    options = list(selectors.kecamatan_options(user=request.user))
    kecamatan = next((k for k in options if str(k.pk) == request.GET.get("kecamatan")), None)
    lpas = selectors.lpa_list(user=request.user, today=today, status=status, kecamatan=kecamatan)
    return render(
        request,
        "lpa/list.html",
        {
            "lpas": lpas,
            "statuses": Lpa.Status.choices,
            "status": status,
            "kecamatan_options": options,
            "kecamatan": kecamatan,
            "may_create": has_capability(request.user, Capability.MANAGE_LPAS),
        },
    )


@capability_required(Capability.VIEW_LPAS)
def lpa_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    lpa = _lpa(request, pk)
    try:
        seed_grant = lpa.seed_grant
    except ObjectDoesNotExist:
        seed_grant = None
    years, years_met = selectors.service_years(lpa, today=today)
    may_verify = has_capability(request.user, Capability.VERIFY_LPAS)
    actions = services.available_actions(lpa) if may_verify else []
    context: dict[str, Any] = {
        "lpa": lpa,
        "checklist": selectors.lpa_checklist(lpa=lpa),
        "service_years": years,
        "service_years_met": years_met,
        "actions": [(name, name in services.ACTIONS_NEEDING_REASON) for name in actions],
        "verification_problems": services.verification_problems(lpa, today=today)
        if "verify" in actions
        else [],
        "seed_grant": seed_grant,
        "officers": selectors.officer_list(user=request.user, today=today, lpa=lpa),
        "today": today,
        "may_edit": _edit_mode(request.user, lpa) is not None,
        "may_assess": has_capability(request.user, Capability.MANAGE_LPAS)
        and lpa.status != Lpa.Status.CLOSED,
        "may_record_grant": seed_grant is None
        and has_capability(request.user, Capability.MANAGE_LPAS)
        and lpa.status in (Lpa.Status.VERIFIED, Lpa.Status.ACTIVE, Lpa.Status.SUSPENDED),
        "may_manage_officers": has_capability(request.user, Capability.MANAGE_OFFICERS)
        and lpa.status != Lpa.Status.CLOSED,
        "history": selectors.lpa_history(user=request.user, lpa=lpa)
        if has_capability(request.user, Capability.VIEW_AUDIT)
        else None,
    }
    return render(request, "lpa/detail.html", context)


@capability_required(Capability.MANAGE_LPAS)
def lpa_create(request: HttpRequest) -> HttpResponse:
    form = LpaForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code, kelurahan = data.pop("code"), data.pop("kelurahan")
        try:
            lpa = services.lpa_propose(
                actor=request.user, code=code, kelurahan=kelurahan, profile=data, today=timezone.localdate()
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("LPA proposed."))
            return redirect("lpa:detail", pk=lpa.pk)
    return render(request, "lpa/form.html", {"form": form, "title": _("Propose an LPA")})


def _edit_mode(user: Any, lpa: Lpa) -> bool | None:
    """None: may not edit; False: full edit (Dinas Sosial, Kemensos); True: own profile only."""
    if has_capability(user, Capability.MANAGE_LPAS):
        return False
    if has_capability(user, Capability.EDIT_OWN_LPA) and lpa.pk in user_scope(user).lpa_ids:
        return True
    return None


@login_required
def lpa_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not (
        has_capability(request.user, Capability.MANAGE_LPAS)
        or has_capability(request.user, Capability.EDIT_OWN_LPA)
    ):
        raise PermissionDenied
    lpa = _lpa(request, pk)
    own_profile = _edit_mode(request.user, lpa)
    if own_profile is None:
        raise PermissionDenied
    form = LpaForm(request.POST or None, instance=lpa, user=request.user, own_profile=own_profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.lpa_update(
                actor=request.user,
                lpa=lpa,
                changes=form.cleaned_data,
                today=timezone.localdate(),
                own_profile=own_profile,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("LPA saved."))
            return redirect("lpa:detail", pk=lpa.pk)
    return render(request, "lpa/form.html", {"form": form, "lpa": lpa, "title": _("Edit LPA")})


@capability_required(Capability.MANAGE_LPAS)
def lpa_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    lpa = _lpa(request, pk)
    if lpa.status == Lpa.Status.CLOSED:
        raise PermissionDenied
    today = timezone.localdate()
    checklist = selectors.lpa_checklist(lpa=lpa)
    form = CriteriaForm(request.POST or None, request.FILES or None, checklist=checklist)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for criterion, met, note, upload in form.values():
                    services.criterion_assess(
                        actor=request.user, lpa=lpa, criterion=criterion, met=met, note=note, today=today
                    )
                    if upload:
                        try:
                            services.evidence_add(
                                actor=request.user, lpa=lpa, criterion=criterion, upload=upload, today=today
                            )
                        except DomainError as error:
                            error.field = f"file_{criterion.value}"
                            raise
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Selection checklist saved."))
            return redirect("lpa:detail", pk=lpa.pk)
    years, years_met = selectors.service_years(lpa, today=today)
    return render(
        request,
        "lpa/criteria_form.html",
        {"form": form, "lpa": lpa, "service_years": years, "service_years_met": years_met},
    )


@require_POST
@capability_required(Capability.VERIFY_LPAS)
def lpa_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    lpa = _lpa(request, pk)
    service = services.ACTIONS.get(action)
    if service is None:
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        service(
            actor=request.user,
            lpa=lpa,
            today=timezone.localdate(),
            reason=form.cleaned_data.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Status changed to %(status)s.") % {"status": lpa.get_status_display()})
    return redirect("lpa:detail", pk=lpa.pk)


@capability_required(Capability.MANAGE_LPAS)
def seed_grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    lpa = _lpa(request, pk)
    form = SeedGrantForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.seed_grant_record(
                actor=request.user, lpa=lpa, today=timezone.localdate(), **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Seed grant recorded."))
            return redirect("lpa:detail", pk=lpa.pk)
    return render(request, "lpa/form.html", {"form": form, "lpa": lpa, "title": _("Record the seed grant")})


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served only here, after the scope check: never from a public media URL."""
    if not has_capability(request.user, Capability.VIEW_LPAS):
        raise PermissionDenied
    evidence = get_in_scope_or_404(request.user, CriterionEvidence.objects.all(), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )


# --- field officers -------------------------------------------------------------------------


@capability_required(Capability.VIEW_LPAS)
def officer_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    lpa = None
    if request.GET.get("lpa"):
        lpa = get_in_scope_or_404(request.user, Lpa.objects.all(), pk=request.GET["lpa"])
    active_only = request.GET.get("active") == "1"
    officers = selectors.officer_list(user=request.user, today=today, lpa=lpa, active_only=active_only)
    return render(
        request,
        "lpa/officer_list.html",
        {
            "officers": officers,
            "lpa": lpa,
            "active_only": active_only,
            "today": today,
            "may_manage": has_capability(request.user, Capability.MANAGE_OFFICERS),
        },
    )


def _officer_kwargs(form: OfficerForm) -> tuple[dict[str, Any], list[Region]]:
    data = dict(form.cleaned_data)
    return data, list(data.pop("kelurahan"))


@capability_required(Capability.MANAGE_OFFICERS)
def officer_create(request: HttpRequest, pk: int) -> HttpResponse:
    lpa = _lpa(request, pk)
    form = OfficerForm(request.POST or None, lpa=lpa, initial={"active_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data, kelurahan = _officer_kwargs(form)
        try:
            services.officer_create(
                actor=request.user, lpa=lpa, kelurahan=kelurahan, data=data, today=timezone.localdate()
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Field officer saved."))
            return redirect("lpa:detail", pk=lpa.pk)
    return render(
        request, "lpa/officer_form.html", {"form": form, "lpa": lpa, "title": _("New field officer")}
    )


def _officer(request: HttpRequest, pk: int) -> FieldOfficer:
    return get_in_scope_or_404(request.user, FieldOfficer.objects.select_related("lpa", "user"), pk=pk)


@capability_required(Capability.MANAGE_OFFICERS)
def officer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _officer(request, pk)
    form = OfficerForm(request.POST or None, instance=officer, lpa=officer.lpa)
    if request.method == "POST" and form.is_valid():
        data, kelurahan = _officer_kwargs(form)
        try:
            services.officer_update(
                actor=request.user,
                officer=officer,
                changes=data,
                kelurahan=kelurahan,
                today=timezone.localdate(),
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Field officer saved."))
            return redirect("lpa:detail", pk=officer.lpa_id)
    return render(
        request,
        "lpa/officer_form.html",
        {"form": form, "lpa": officer.lpa, "officer": officer, "title": _("Edit field officer")},
    )


@require_POST
@capability_required(Capability.MANAGE_OFFICERS)
def officer_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _officer(request, pk)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        services.officer_deactivate(
            actor=request.user,
            officer=officer,
            today=timezone.localdate(),
            reason=form.cleaned_data.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Field officer deactivated."))
    return redirect("lpa:detail", pk=officer.lpa_id)
