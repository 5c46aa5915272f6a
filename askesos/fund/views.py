"""Fund pages: the overview across the user's LPAs, one LPA's dashboard and journal, its monthly
report downloads, and the LPA manager's expense and reversal forms. Scope: an LPA outside the user's
scope is a 404 (``get_in_scope_or_404``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability, has_capability
from askesos.core.access import get_in_scope_or_404
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.core.months import add_months, month_start, parse_month
from askesos.fund import charts, reports, selectors, services
from askesos.fund.forms import ExpenseForm, ReverseForm
from askesos.fund.models import JournalEntry
from askesos.lpa.models import Lpa


def _month(request: HttpRequest) -> dt.date:
    try:
        return parse_month(request.GET.get("month", ""))
    except ValueError:
        return month_start(timezone.localdate())


def _month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


@capability_required(Capability.VIEW_FUND)
def overview(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    rows = selectors.fund_overview(user=request.user, start=month, end=_month_end(month))
    totals = {
        "cash": sum(r.figures.closing_cash for r in rows),
        "premiums": sum(r.figures.premiums for r in rows),
        "claims": sum(r.figures.claims for r in rows),
        "due": sum(r.due for r in rows),
    }
    series = selectors.monthly_series(lpa_ids=[r.lpa.pk for r in rows], end_month=month)
    return render(
        request,
        "fund/overview.html",
        {
            "rows": rows,
            "month": month,
            "totals": totals,
            "chart": charts.bar_chart(series),
            "prev": add_months(month, -1),
            "next": add_months(month, 1),
        },
    )


def _lpa(request: HttpRequest, lpa_id: int) -> Lpa:
    return get_in_scope_or_404(request.user, Lpa, pk=lpa_id)


@capability_required(Capability.VIEW_FUND)
def lpa_dashboard(request: HttpRequest, lpa_id: int) -> HttpResponse:
    lpa = _lpa(request, lpa_id)
    month = _month(request)
    report = reports.monthly_report(lpa=lpa, month=month)
    series = selectors.monthly_series(lpa_ids=[lpa.pk], end_month=month)
    can_manage = has_capability(request.user, Capability.MANAGE_FUND)
    return render(
        request,
        "fund/lpa.html",
        {
            "lpa": lpa,
            "r": report,
            "month": month,
            "chart": charts.bar_chart(series),
            "loss_ratio": reports.percent(report.figures.loss_ratio),
            "reserve": reports.months_text(report.figures.reserve_months),
            "collection": reports.percent(report.collection_rate),
            "balances": [
                (code, report.accounts[code], report.figures.closing(code)) for code in report.accounts
            ],
            "can_manage": can_manage,
            "expense_form": ExpenseForm(initial={"on": timezone.localdate()}) if can_manage else None,
            "prev": add_months(month, -1),
            "next": add_months(month, 1),
        },
    )


@capability_required(Capability.VIEW_FUND)
def journal(request: HttpRequest, lpa_id: int) -> HttpResponse:
    lpa = _lpa(request, lpa_id)
    page = Paginator(selectors.journal_for(lpa_id=lpa.pk), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "fund/journal.html",
        {
            "lpa": lpa,
            "page": page,
            "can_manage": has_capability(request.user, Capability.MANAGE_FUND),
            "reverse_form": ReverseForm(),
        },
    )


def _report_month(month: str) -> dt.date:
    try:
        return parse_month(month)
    except ValueError:
        raise Http404 from None


@capability_required(Capability.VIEW_FUND)
def report_pdf(request: HttpRequest, lpa_id: int, month: str) -> HttpResponse:
    lpa = _lpa(request, lpa_id)
    report = reports.monthly_report(lpa=lpa, month=_report_month(month))
    response = HttpResponse(reports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="fund-{lpa.code}-{month}.pdf"'
    return response


@capability_required(Capability.VIEW_FUND)
def report_xlsx(request: HttpRequest, lpa_id: int, month: str) -> HttpResponse:
    lpa = _lpa(request, lpa_id)
    report = reports.monthly_report(lpa=lpa, month=_report_month(month))
    response = HttpResponse(
        reports.report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="fund-{lpa.code}-{month}.xlsx"'
    return response


@require_POST
@capability_required(Capability.MANAGE_FUND)
def expense_create(request: HttpRequest, lpa_id: int) -> HttpResponse:
    lpa = _lpa(request, lpa_id)
    form = ExpenseForm(request.POST)
    if form.is_valid():
        try:
            services.fund_record_expense(lpa=lpa, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Expense recorded."))
    else:
        messages.error(
            request, _("The expense was not recorded: %(errors)s") % {"errors": form.errors.as_text()}
        )
    return redirect("fund:lpa", lpa_id=lpa.pk)


@require_POST
@capability_required(Capability.MANAGE_FUND)
def entry_reverse(request: HttpRequest, lpa_id: int, entry_id: int) -> HttpResponse:
    lpa = _lpa(request, lpa_id)
    entry = get_in_scope_or_404(request.user, JournalEntry.objects.filter(lpa=lpa), pk=entry_id)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the reversal."))
    else:
        try:
            services.journal_reverse(
                entry=entry, reason=form.cleaned_data["reason"], on=timezone.localdate(), actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Entry reversed."))
    return redirect("fund:journal", lpa_id=lpa.pk)
