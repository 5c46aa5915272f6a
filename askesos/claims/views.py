"""Claim pages. Views parse input, call a service or selector and render; scope is
``get_in_scope_or_404``/``scoped`` (404 outside), capability is ``capability_required`` (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability, has_capability
from askesos.claims import register, selectors, services
from askesos.claims.forms import (
    IntakeForm,
    NoteForm,
    PayForm,
    ReasonForm,
    RegisterForm,
    UploadForm,
    VerifyForm,
)
from askesos.claims.models import Claim, ClaimAttachment, ClaimPayee, ClaimStatus
from askesos.core.access import get_in_scope_or_404, scoped
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.membership.models import Membership, MembershipStatus
from askesos.schemes.models import ClaimDocument

S = ClaimStatus


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _claim(request: HttpRequest, pk: int) -> Claim:
    return get_in_scope_or_404(
        request.user,
        Claim.objects.select_related(
            "membership__person", "membership__scheme", "lpa", "scheme_version", "benefit"
        ),
        pk=pk,
    )


@capability_required(Capability.VIEW_CLAIMS)
def queue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    status = request.GET.get("status", "")
    rows = selectors.claim_queue(user=request.user, today=today, status=status)
    statuses = [(s, S(s).label) for s in selectors.queue_statuses(request.user)]
    return render(request, "claims/queue.html", {"rows": rows, "statuses": statuses, "status": status})


# --- intake ---------------------------------------------------------------------------------------------


@capability_required(Capability.INTAKE_CLAIMS)
def new(request: HttpRequest) -> HttpResponse:
    """Step 1 on the phone: find the member by member number or name (in scope)."""
    query = request.GET.get("q", "").strip()
    results: list[Membership] = []
    if query:
        qs = Membership.objects.filter(Q(member_number__iexact=query) | Q(person__full_name__icontains=query))
        results = list(
            scoped(request.user, qs).select_related("person", "lpa").order_by("member_number")[:20]
        )
    return render(request, "claims/new.html", {"q": query, "results": results})


@capability_required(Capability.INTAKE_CLAIMS)
def new_for(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Step 2: what happened; the claim is saved, then documents are uploaded on its page."""
    membership = get_in_scope_or_404(
        request.user, Membership.objects.select_related("person", "lpa", "scheme"), pk=membership_id
    )
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.claim_submit(
                actor=request.user,
                membership=membership,
                claim_type=data["claim_type"],
                event_date=data["event_date"],
                days=data["days"],
                cause=data["cause"],
                place=data["place"],
                claimant_name=data["claimant_name"],
                claimant_phone=data["claimant_phone"],
                today=timezone.localdate(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("Claim %(number)s submitted. Upload its documents.") % {"number": claim.number}
            )
            return redirect("claims:detail", pk=claim.pk)
    return render(
        request,
        "claims/new_for.html",
        {
            "membership": membership,
            "form": form,
            "terminated": membership.status == MembershipStatus.TERMINATED,
        },
    )


# --- detail and documents -------------------------------------------------------------------------------


def _checklist(claim: Claim, attachments: list[ClaimAttachment]) -> list[dict[str, Any]]:
    labels = dict(ClaimDocument.choices)
    return [
        {"kind": kind, "label": labels.get(kind, kind), "files": [a for a in attachments if a.kind == kind]}
        for kind in (claim.benefit.documents or [])
    ]


def _actions(user: Any, claim: Claim) -> dict[str, bool]:
    decider = Capability.APPROVE_CLAIMS if claim.status == S.VERIFIED else Capability.VERIFY_CLAIMS
    return {
        "upload": claim.status in (S.SUBMITTED, S.RETURNED)
        and has_capability(user, Capability.INTAKE_CLAIMS),
        "verify": claim.status == S.SUBMITTED and has_capability(user, Capability.VERIFY_CLAIMS),
        "approve": claim.status == S.VERIFIED
        and has_capability(user, Capability.APPROVE_CLAIMS)
        and claim.verified_by_id != user.pk,
        "return": claim.status in (S.SUBMITTED, S.VERIFIED) and has_capability(user, decider),
        "reject": claim.status in (S.SUBMITTED, S.RETURNED, S.VERIFIED) and has_capability(user, decider),
        "resubmit": claim.status == S.RETURNED and has_capability(user, Capability.INTAKE_CLAIMS),
        "pay": claim.status == S.APPROVED and has_capability(user, Capability.PAY_CLAIMS),
    }


@capability_required(Capability.VIEW_CLAIMS)
def detail(request: HttpRequest, pk: int, *, forms: dict[str, Any] | None = None) -> HttpResponse:
    claim = _claim(request, pk)
    attachments = list(claim.attachments.select_related("uploaded_by"))
    today = timezone.localdate()
    context = {
        "claim": claim,
        "checks": list(claim.checks.all()),
        "checklist": _checklist(claim, attachments),
        "payees": list(claim.payees.all()),
        "timeline": list(selectors.claim_timeline(claim).select_related("actor")),
        "actions": _actions(request.user, claim),
        "age_days": (today - claim.reported_on).days,
        "target_days": selectors.sla_days(claim.membership.scheme.code),
        "upload_form": UploadForm(checklist=list(claim.benefit.documents or [])),
        "verify_form": VerifyForm(),
        "reason_form": ReasonForm(),
        "note_form": NoteForm(),
        **(forms or {}),
    }
    return render(request, "claims/detail.html", context)


@require_POST
@capability_required(Capability.INTAKE_CLAIMS)
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a checklist document: claim intake (officers and LPA managers), in scope (404 outside)."""
    claim = _claim(request, pk)
    form = UploadForm(request.POST, request.FILES, checklist=list(claim.benefit.documents or []))
    if form.is_valid():
        try:
            services.claim_document_add(
                actor=request.user,
                claim=claim,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as exc:
            if exc.code == "forbidden":
                raise PermissionDenied from None
            _form_error(form, exc)
        else:
            messages.success(request, _("Document uploaded; checks run again."))
            return redirect("claims:detail", pk=claim.pk)
    return detail(request, pk, forms={"upload_form": form})


@login_required
def document(request: HttpRequest, pk: int) -> FileResponse:
    """Documents are served only here, after the scope check: never from a public media URL."""
    if not has_capability(request.user, Capability.VIEW_CLAIMS):
        raise PermissionDenied
    attachment = get_in_scope_or_404(request.user, ClaimAttachment.objects.all(), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- decisions ------------------------------------------------------------------------------------------

_FORMS = {
    "verify": VerifyForm,
    "approve": NoteForm,
    "return": ReasonForm,
    "reject": ReasonForm,
    "resubmit": NoteForm,
}
_FORM_NAMES = {
    "verify": "verify_form",
    "approve": "note_form",
    "return": "reason_form",
    "reject": "reason_form",
}


def _run(action: str, request: HttpRequest, claim: Claim, data: dict[str, Any]) -> Claim:
    today = timezone.localdate()
    user = request.user
    if action == "verify":
        return services.claim_verify(
            actor=user, claim=claim, today=today, override_reason=data["override_reason"]
        )
    if action == "approve":
        return services.claim_approve(actor=user, claim=claim, today=today, note=data["note"])
    if action == "return":
        return services.claim_return(actor=user, claim=claim, reason=data["reason"], today=today)
    if action == "reject":
        return services.claim_reject(actor=user, claim=claim, reason=data["reason"], today=today)
    return services.claim_resubmit(actor=user, claim=claim, today=today)


@require_POST
@capability_required(Capability.VIEW_CLAIMS)
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _FORMS:
        raise Http404
    claim = _claim(request, pk)
    form = _FORMS[action](request.POST)
    if form.is_valid():
        try:
            claim = _run(action, request, claim, form.cleaned_data)
        except DomainError as exc:
            if exc.code == "forbidden":
                raise PermissionDenied from None
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("Claim %(number)s: %(status)s.")
                % {
                    "number": claim.number,
                    "status": S(claim.status).label,
                },
            )
            return redirect("claims:detail", pk=claim.pk)
    return detail(request, pk, forms={_FORM_NAMES.get(action, "note_form"): form, "failed_action": action})


@capability_required(Capability.PAY_CLAIMS)
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    if claim.status != S.APPROVED:
        messages.error(request, _("Only an approved claim can be paid."))
        return redirect("claims:detail", pk=claim.pk)
    payees = list(ClaimPayee.objects.filter(claim=claim).order_by("id"))
    today = timezone.localdate()
    form = PayForm(request.POST or None, payees=payees, initial={"paid_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payouts = {
            p.pk: services.Payout(
                reference=data[f"reference_{p.pk}"],
                channel=data[f"channel_{p.pk}"],
                account_number=data[f"account_{p.pk}"],
            )
            for p in payees
        }
        try:
            services.claim_pay(
                actor=request.user, claim=claim, paid_on=data["paid_on"], payouts=payouts, today=today
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Claim %(number)s paid.") % {"number": claim.number})
            return redirect("claims:detail", pk=claim.pk)
    return render(request, "claims/pay.html", {"claim": claim, "form": form})


# --- register -------------------------------------------------------------------------------------------


def _default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    return today.replace(day=1), today


@capability_required(Capability.VIEW_CLAIMS)
def register_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start, end = _default_period(today)
    form = RegisterForm(request.GET or None, initial={"date_from": start, "date_to": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        lpa_id, status = form.cleaned_data.get("lpa"), form.cleaned_data.get("status") or ""
    else:
        lpa_id, status = None, ""
    claims = list(
        selectors.claim_register(
            user=request.user, date_from=start, date_to=end, lpa_id=lpa_id, status=status
        )
    )
    report = register.Register(start, end, claims, str(request.user))
    fmt = request.GET.get("format", "")
    if fmt == "pdf":
        return register.as_response(register.register_pdf(report), "application/pdf", report.filename("pdf"))
    if fmt == "xlsx":
        return register.as_response(
            register.register_xlsx(report),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            report.filename("xlsx"),
        )
    return render(
        request, "claims/register.html", {"form": form, "report": report, "query": request.GET.urlencode()}
    )
