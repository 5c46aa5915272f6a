"""Pages for premiums. Views parse input, call a service or selector and render; scope is
``get_in_scope_or_404``/``scoped`` (404 outside), capability is ``capability_required`` (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability, has_capability
from askesos.contributions import rules, selectors
from askesos.contributions.forms import BatchForm, DepositForm, DisputeForm, PaymentForm, new_receipt_number
from askesos.contributions.models import Channel, MemberCredit, OfficerDeposit, Payment, ThirdPartyBatch
from askesos.contributions.services import (
    BatchRejected,
    deposit_confirm,
    deposit_dispute,
    deposit_submit,
    payment_record,
    third_party_batch_record,
)
from askesos.core.access import get_in_scope_or_404, scoped
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.core.months import month_start, parse_month
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.membership.models import Membership, MembershipStatus
from askesos.schemes.selectors import version_in_force

PAGE_SIZE = 50


def _own_officer(user: Any) -> FieldOfficer | None:
    return FieldOfficer.objects.filter(user=user).first() if user.is_authenticated else None


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- recording a payment ------------------------------------------------------------------------------


@capability_required(Capability.RECORD_PAYMENT)
def record(request: HttpRequest) -> HttpResponse:
    """Step 1 on the phone: find the member by member number or name (in scope)."""
    query = request.GET.get("q", "")
    results = selectors.member_lookup(user=request.user, query=query) if query else []
    return render(request, "contributions/record.html", {"q": query, "results": results})


def _officer_choices(
    membership: Membership, own: FieldOfficer | None, today: dt.date
) -> list[tuple[int, str]]:
    if own is not None and own.lpa_id == membership.lpa_id:
        return [(own.pk, own.full_name)]
    officers = FieldOfficer.objects.filter(lpa_id=membership.lpa_id).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=today)
    )
    return [(o.pk, o.full_name) for o in officers]


@capability_required(Capability.RECORD_PAYMENT)
def record_for(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Step 2: months → amount (pre-filled), channel, save. Then the receipt page."""
    membership = get_in_scope_or_404(
        request.user, Membership.objects.select_related("person", "lpa"), pk=membership_id
    )
    today = timezone.localdate()
    version = version_in_force(membership.scheme_id, today)
    own = _own_officer(request.user)
    officers = _officer_choices(membership, own, today)
    kwargs: dict[str, Any] = {"max_months": version.max_advance_months, "officers": officers}
    if request.method == "POST":
        form = PaymentForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            collector = None
            if data["channel"] == Channel.CASH_OFFICER and data["collector"]:
                collector = FieldOfficer.objects.filter(
                    pk=data["collector"], lpa_id=membership.lpa_id
                ).first()
            try:
                result = payment_record(
                    actor=request.user,
                    membership_id=membership.pk,
                    amount=data["amount"],
                    channel=data["channel"],
                    paid_on=data["paid_on"],
                    receipt_number=data["receipt_number"],
                    today=today,
                    collector=collector,
                    carry_forward=data["carry_forward"],
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                (messages.success if result.created else messages.info)(request, result.message)
                return redirect("contributions:receipt", payment_id=result.payment.pk)
    else:
        form = PaymentForm(
            initial={
                "months": 1,
                "amount": version.premium_monthly,
                "channel": Channel.CASH_OFFICER,
                "collector": officers[0][0] if len(officers) == 1 else "",
                "paid_on": today,
                "receipt_number": new_receipt_number(),
            },
            **kwargs,
        )
    credit = MemberCredit.objects.filter(pk=membership.pk).values_list("balance", flat=True).first() or 0
    return render(
        request,
        "contributions/record_form.html",
        {
            "membership": membership,
            "form": form,
            "premium": version.premium_monthly,
            "credit": credit,
        },
    )


@capability_required(Capability.RECORD_PAYMENT)
def amount_fragment(request: HttpRequest, membership_id: int) -> HttpResponse:
    """htmx: the amount input re-filled as months x premium when the months change."""
    membership = get_in_scope_or_404(request.user, Membership, pk=membership_id)
    premium = version_in_force(membership.scheme_id, timezone.localdate()).premium_monthly
    try:
        months = max(1, int(request.GET.get("months", "1")))
    except ValueError:
        months = 1
    return render(request, "contributions/_amount.html", {"amount": months * premium})


def _payment_in_scope(request: HttpRequest, payment_id: int) -> Payment:
    return get_in_scope_or_404(
        request.user,
        Payment.objects.select_related("membership__person", "collector", "lpa", "recorded_by"),
        pk=payment_id,
    )


def _receipt_context(payment: Payment) -> dict[str, Any]:
    from lokal import terbilang

    return {
        "payment": payment,
        "period": rules.format_period(payment.period_from, payment.period_to),
        "in_words": terbilang(payment.amount, currency=True, case="sentence"),
    }


@capability_required(Capability.VIEW_CONTRIBUTIONS)
def receipt(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _payment_in_scope(request, payment_id)
    return render(request, "contributions/receipt.html", _receipt_context(payment))


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"a receipt may not fetch {url!r}")


@capability_required(Capability.VIEW_CONTRIBUTIONS)
def receipt_pdf(request: HttpRequest, payment_id: int) -> HttpResponse:
    from weasyprint import HTML

    payment = _payment_in_scope(request, payment_id)
    html = render_to_string("contributions/receipt_pdf.html", _receipt_context(payment))
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kuitansi-{payment.receipt_number}.pdf"'
    return response


# --- member history, arrears, follow-up -------------------------------------------------------------------


@capability_required(Capability.VIEW_CONTRIBUTIONS)
def member(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_in_scope_or_404(
        request.user, Membership.objects.select_related("person", "lpa", "scheme"), pk=membership_id
    )
    today = timezone.localdate()
    page = Paginator(selectors.member_payments(membership), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contributions/member.html",
        {
            "membership": membership,
            "page": page,
            "timeline": selectors.coverage_timeline(membership, today=today),
            "coverage": selectors.covered_on(membership, today),
            "credit": MemberCredit.objects.filter(pk=membership.pk).values_list("balance", flat=True).first()
            or 0,
            "changes": membership.status_changes.order_by("-on", "-id")[:20],
            "can_record": has_capability(request.user, Capability.RECORD_PAYMENT)
            and membership.status != MembershipStatus.TERMINATED,
        },
    )


@capability_required(Capability.VIEW_CONTRIBUTIONS)
def arrears(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    lpas = list(scoped(request.user, Lpa.objects.all()).values_list("id", "code"))
    try:
        lpa_id = int(request.GET.get("lpa") or 0) or None
    except ValueError:
        lpa_id = None
    qs = selectors.arrears_list(user=request.user, status=status, lpa_id=lpa_id)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    current = month_start(timezone.localdate())
    rows = [(m, rules.months_unpaid(m.paid_through, current) if m.paid_through else None) for m in page]
    return render(
        request,
        "contributions/arrears.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "lpa_id": lpa_id,
            "lpas": lpas,
            "statuses": [
                (MembershipStatus.ARREARS, MembershipStatus.ARREARS.label),
                (MembershipStatus.LAPSED, MembershipStatus.LAPSED.label),
            ],
        },
    )


@capability_required(Capability.VIEW_CONTRIBUTIONS)
def followup(request: HttpRequest) -> HttpResponse:
    try:
        month = (
            parse_month(request.GET["month"])
            if request.GET.get("month")
            else month_start(timezone.localdate())
        )
    except ValueError:
        month = month_start(timezone.localdate())
    own = _own_officer(request.user)
    qs = selectors.followup_list(user=request.user, month=month, officer=own)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(request, "contributions/followup.html", {"page": page, "month": month, "own": own})


# --- officer cash -----------------------------------------------------------------------------------------


@capability_required(Capability.VIEW_CONTRIBUTIONS)
def cashbook(request: HttpRequest) -> HttpResponse:
    """An officer goes to their own book; managers and supervisors get the officers in scope."""
    own = _own_officer(request.user)
    if own is not None:
        return redirect("contributions:cashbook_officer", officer_id=own.pk)
    officers = list(selectors.officers_in_scope(request.user).select_related("lpa"))
    ids = [o.pk for o in officers]
    collected = dict(
        Payment.objects.filter(collector_id__in=ids, channel=Channel.CASH_OFFICER)
        .values("collector_id")
        .annotate(t=Sum("amount"))
        .values_list("collector_id", "t")
    )
    confirmed = dict(
        OfficerDeposit.objects.filter(officer_id__in=ids, status=OfficerDeposit.Status.CONFIRMED)
        .values("officer_id")
        .annotate(t=Sum("amount"))
        .values_list("officer_id", "t")
    )
    rows = [
        (o, collected.get(o.pk, 0), confirmed.get(o.pk, 0), collected.get(o.pk, 0) - confirmed.get(o.pk, 0))
        for o in officers
    ]
    return render(request, "contributions/cashbook_list.html", {"rows": rows})


@capability_required(Capability.VIEW_CONTRIBUTIONS)
def cashbook_officer(request: HttpRequest, officer_id: int) -> HttpResponse:
    officer = get_in_scope_or_404(request.user, FieldOfficer.objects.select_related("lpa"), pk=officer_id)
    today = timezone.localdate()
    book = selectors.cash_book(officer, today=today)
    receipts = selectors.undeposited_receipts(officer)[:200]
    deposits = OfficerDeposit.objects.filter(officer=officer)[:50]
    return render(
        request,
        "contributions/cashbook.html",
        {
            "officer": officer,
            "book": book,
            "receipts": receipts,
            "deposits": deposits,
            "held_days": selectors.cash_held_days(),
            "is_own": officer.user_id == request.user.pk,
        },
    )


@capability_required(Capability.SUBMIT_DEPOSIT)
def deposit_new(request: HttpRequest) -> HttpResponse:
    own = _own_officer(request.user)
    if own is None:
        raise Http404
    today = timezone.localdate()
    receipts = [
        (p.pk, f"{p.receipt_number} · {p.paid_on:%d-%m-%Y} · {p.amount}")
        for p in selectors.undeposited_receipts(own)[:200]
    ]
    if request.method == "POST":
        form = DepositForm(request.POST, receipts=receipts)
        if form.is_valid():
            data = form.cleaned_data
            try:
                deposit_submit(
                    actor=request.user,
                    officer=own,
                    amount=data["amount"],
                    deposited_on=data["deposited_on"],
                    payment_ids=data["receipts"] or None,
                    note=data["note"],
                    today=today,
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Deposit submitted; the LPA manager will confirm it."))
                return redirect("contributions:cashbook_officer", officer_id=own.pk)
    else:
        form = DepositForm(initial={"deposited_on": today}, receipts=receipts)
    return render(request, "contributions/deposit_form.html", {"form": form, "officer": own})


@capability_required(Capability.CONFIRM_DEPOSIT)
def deposits(request: HttpRequest) -> HttpResponse:
    qs = scoped(request.user, OfficerDeposit.objects.select_related("officer", "lpa"))
    waiting = qs.filter(status=OfficerDeposit.Status.SUBMITTED).order_by("deposited_on", "id")
    decided = qs.exclude(status=OfficerDeposit.Status.SUBMITTED).order_by("-decided_at", "-id")[:50]
    return render(
        request,
        "contributions/deposits.html",
        {
            "waiting": waiting,
            "decided": decided,
            "dispute_form": DisputeForm(),
        },
    )


@require_POST
@capability_required(Capability.CONFIRM_DEPOSIT)
def deposit_decide(request: HttpRequest, deposit_id: int, decision: str) -> HttpResponse:
    if decision not in ("confirm", "dispute"):
        raise Http404
    deposit = get_in_scope_or_404(request.user, OfficerDeposit, pk=deposit_id)
    try:
        if decision == "confirm":
            deposit_confirm(actor=request.user, deposit=deposit, today=timezone.localdate())
            if deposit.variance:
                messages.warning(
                    request,
                    _("Confirmed, with a variance of %(v)s against the receipts named.")
                    % {"v": deposit.variance},
                )
            else:
                messages.success(request, _("Deposit confirmed."))
        else:
            form = DisputeForm(request.POST)
            reason = form.data.get("reason", "")
            deposit_dispute(actor=request.user, deposit=deposit, reason=reason)
            messages.success(request, _("Deposit disputed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("contributions:deposits")


# --- third-party batches --------------------------------------------------------------------------------


@capability_required(Capability.RECORD_THIRD_PARTY)
def batch_upload(request: HttpRequest) -> HttpResponse:
    lpas = {lpa.pk: lpa for lpa in scoped(request.user, Lpa.objects.all())}
    choices = [(pk, f"{lpa.code} · {lpa.name}") for pk, lpa in lpas.items()]
    row_errors: list[tuple[int, str]] = []
    if request.method == "POST":
        form = BatchForm(request.POST, request.FILES, lpas=choices)
        if form.is_valid():
            rows, row_errors = form.rows()
            data = form.cleaned_data
            if not row_errors:
                try:
                    batch = third_party_batch_record(
                        actor=request.user,
                        lpa=lpas[data["lpa"]],
                        payer=data["payer"],
                        payer_name=data["payer_name"],
                        reference=data["reference"],
                        paid_on=data["paid_on"],
                        total=data["total"],
                        rows=rows,
                        today=timezone.localdate(),
                    )
                except BatchRejected as exc:
                    row_errors = exc.errors
                except DomainError as exc:
                    _form_error(form, exc)
                else:
                    messages.success(request, _("Recorded %(n)d payments.") % {"n": batch.member_count})
                    return redirect("contributions:batch", batch_id=batch.pk)
    else:
        form = BatchForm(initial={"paid_on": timezone.localdate()}, lpas=choices)
    return render(request, "contributions/batch_upload.html", {"form": form, "row_errors": row_errors})


@capability_required(Capability.VIEW_CONTRIBUTIONS)
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    obj = get_in_scope_or_404(request.user, ThirdPartyBatch.objects.select_related("lpa"), pk=batch_id)
    payments = obj.payments.select_related("membership__person").order_by("id")
    return render(request, "contributions/batch.html", {"batch": obj, "payments": payments})
