"""Outreach pages. Views parse input, call a selector or a service and render; outside the user's
scope is a 404 (``get_in_scope_or_404``), a missing capability a 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability, has_capability
from askesos.core.access import get_in_scope_or_404, scoped
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.lpa.models import FieldOfficer
from askesos.outreach import rules, selectors, services
from askesos.outreach.exports import xlsx_response
from askesos.outreach.forms import (
    AttendanceForm,
    CampaignForm,
    CoverageForm,
    EventForm,
    FunnelForm,
    LeadForm,
    LinkForm,
    TransitionForm,
)
from askesos.outreach.models import Campaign, Channel, Event, Lead, LeadStatus
from askesos.registry.models import Person


def _form_error(form: BaseForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, 50).get_page(request.GET.get("page"))


@capability_required(Capability.VIEW_OUTREACH)
def event_list(request: HttpRequest) -> HttpResponse:
    channel = request.GET.get("channel", "")
    channel = channel if channel in Channel.values else ""
    events = selectors.event_list(user=request.user, channel=channel)
    return render(
        request,
        "outreach/event_list.html",
        {
            "page": _page(request, events),
            "channels": Channel.choices,
            "channel": channel,
            "may_manage": has_capability(request.user, Capability.MANAGE_OUTREACH),
        },
    )


@capability_required(Capability.MANAGE_OUTREACH)
def event_create(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = EventForm(request.POST or None, user=request.user, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_record(
                actor=request.user,
                lpa=data["lpa"],
                channel=data["channel"],
                kelurahan=data["kelurahan"],
                held_on=data["held_on"],
                today=today,
                officers=data["officers"],
                campaign=data["campaign"],
                venue_name=data["venue_name"],
                cost=data["cost"],
                attendance=data["attendance"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Event recorded. Add the leads met there."))
            return redirect("outreach:event_detail", pk=event.pk)
    return render(request, "outreach/form.html", {"form": form, "title": _("Record an outreach event")})


def _event(request: HttpRequest, pk: int) -> Event:
    return get_in_scope_or_404(
        request.user, Event.objects.select_related("lpa", "kelurahan", "campaign"), pk=pk
    )


@capability_required(Capability.VIEW_OUTREACH)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return _render_event(request, event, LeadForm(), AttendanceForm(initial={"attendance": event.attendance}))


def _render_event(
    request: HttpRequest, event: Event, lead_form: LeadForm, attendance_form: AttendanceForm
) -> Any:
    return render(
        request,
        "outreach/event_detail.html",
        {
            "event": event,
            "officers": list(event.officers.all()),
            "leads": selectors.lead_list(user=request.user, event_id=event.pk),
            "attendee_count": event.attendees.count(),
            "lead_form": lead_form,
            "attendance_form": attendance_form,
            "may_manage": has_capability(request.user, Capability.MANAGE_OUTREACH),
        },
    )


@require_POST
@capability_required(Capability.MANAGE_OUTREACH)
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        services.event_set_attendance(
            actor=request.user,
            event=event,
            attendance=form.cleaned_data["attendance"],
            names=form.name_list(),
        )
        messages.success(request, _("Attendance saved."))
        return redirect("outreach:event_detail", pk=event.pk)
    return _render_event(request, event, LeadForm(), form)


@require_POST
@capability_required(Capability.MANAGE_OUTREACH)
def lead_capture(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = LeadForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        officer = FieldOfficer.objects.filter(user_id=request.user.pk or 0, lpa_id=event.lpa_id).first()
        try:
            services.lead_capture(
                actor=request.user,
                event=event,
                full_name=data["full_name"],
                phone=data["phone"],
                nik=data["nik"],
                consent=data["consent"],
                captured_by=officer,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Lead saved: %(name)s.") % {"name": data["full_name"]})
            return redirect("outreach:event_detail", pk=event.pk)
    return _render_event(request, event, form, AttendanceForm(initial={"attendance": event.attendance}))


@capability_required(Capability.VIEW_OUTREACH)
def lead_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in LeadStatus.values else ""
    leads = selectors.lead_list(user=request.user, status=status)
    return render(
        request,
        "outreach/lead_list.html",
        {"page": _page(request, leads), "statuses": LeadStatus.choices, "status": status},
    )


def _lead(request: HttpRequest, pk: int) -> Lead:
    return get_in_scope_or_404(
        request.user, Lead.objects.select_related("event", "lpa", "person", "membership"), pk=pk
    )


@capability_required(Capability.VIEW_OUTREACH)
def lead_detail(request: HttpRequest, pk: int, link_form: LinkForm | None = None) -> HttpResponse:
    lead = _lead(request, pk)
    may_manage = has_capability(request.user, Capability.MANAGE_OUTREACH)
    return render(
        request,
        "outreach/lead_detail.html",
        {
            "lead": lead,
            "follow_ups": lead.follow_ups.select_related("officer").all(),
            "actions": [(s, LeadStatus(s).label) for s in sorted(rules.TRANSITIONS[lead.status])]
            if may_manage
            else [],
            "may_link": may_manage and rules.can_link(lead.status),
            "link_form": link_form or LinkForm(),
            "transition_form": TransitionForm(),
        },
    )


@require_POST
@capability_required(Capability.MANAGE_OUTREACH)
def lead_transition(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    lead = _lead(request, pk)
    if status not in LeadStatus.values:
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        services.lead_transition(
            actor=request.user,
            lead=lead,
            new=status,
            today=timezone.localdate(),
            note=form.cleaned_data.get("note", ""),
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Lead updated."))
    return redirect("outreach:lead_detail", pk=lead.pk)


@require_POST
@capability_required(Capability.MANAGE_OUTREACH)
def lead_link(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        nik = "".join(ch for ch in form.cleaned_data["nik"] if ch.isdigit())
        person = get_in_scope_or_404(request.user, Person, nik=nik)
        try:
            services.lead_link_enrolment(
                actor=request.user, lead=lead, person=person, today=timezone.localdate()
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Lead linked to %(name)s.") % {"name": person.full_name})
            return redirect("outreach:lead_detail", pk=lead.pk)
    return lead_detail(request, pk, link_form=form)


@capability_required(Capability.VIEW_OUTREACH)
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = scoped(request.user, Campaign.objects.select_related("lpa")).order_by("-starts_on", "-id")
    return render(
        request,
        "outreach/campaign_list.html",
        {
            "page": _page(request, campaigns),
            "may_manage": has_capability(request.user, Capability.MANAGE_OUTREACH),
        },
    )


@capability_required(Capability.MANAGE_OUTREACH)
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("outreach:campaign_list")
    return render(request, "outreach/form.html", {"form": form, "title": _("New campaign")})


def _default_range(today: dt.date) -> dict[str, Any]:
    return {"start": today.replace(year=today.year - 1, day=1), "end": today, "by": "channel"}


FUNNEL_HEADERS = (
    gettext_lazy("Group"),
    gettext_lazy("Events"),
    gettext_lazy("People reached"),
    gettext_lazy("Leads"),
    gettext_lazy("Enrolled"),
    gettext_lazy("First payment"),
    gettext_lazy("Still active after 6 months"),
    gettext_lazy("Cost (Rp)"),
    gettext_lazy("Cost per enrolment (Rp)"),
)


def funnel_sheet_rows(result: selectors.Funnel) -> list[list[Any]]:
    rows = [
        [
            r.label,
            r.events,
            r.reached,
            r.leads,
            r.enrolled,
            r.first_payment,
            r.active_6m,
            r.cost,
            r.cost_per_enrolment,
        ]
        for r in result.rows
    ]
    t = result.total
    rows.append(
        [
            "Total",
            t.events,
            t.reached,
            t.leads,
            t.enrolled,
            t.first_payment,
            t.active_6m,
            t.cost,
            t.cost_per_enrolment,
        ]
    )
    return rows


@capability_required(Capability.VIEW_OUTREACH)
def funnel(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = FunnelForm(request.GET or None, initial=_default_range(today))
    params = form.cleaned_data if form.is_bound and form.is_valid() else _default_range(today)
    result = selectors.funnel(
        user=request.user, start=params["start"], end=params["end"], today=today, by=params["by"]
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"funnel-{params['start']:%Y%m%d}-{params['end']:%Y%m%d}.xlsx",
            [(_("Funnel"), FUNNEL_HEADERS, funnel_sheet_rows(result))],
        )
    return render(
        request, "outreach/funnel.html", {"form": form, "funnel": result, "query": request.GET.urlencode()}
    )


@capability_required(Capability.VIEW_OUTREACH)
def coverage(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = CoverageForm(request.GET or None, initial={"threshold": Decimal("1.00"), "days": 90})
    valid = form.is_bound and form.is_valid()
    threshold = form.cleaned_data["threshold"] if valid else Decimal("1.00")
    days = form.cleaned_data["days"] if valid else 90
    rows = selectors.low_coverage(user=request.user, today=today, threshold_pct=threshold, days=days)
    return render(request, "outreach/coverage.html", {"form": form, "rows": rows, "days": days})
