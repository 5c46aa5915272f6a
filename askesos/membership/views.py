"""Membership pages: member list, enrolment (with the eligibility check shown before confirming),
membership detail, the card PDF, and the public status page (no login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from askesos.accounts.models import Role
from askesos.accounts.permissions import Capability, has_capability
from askesos.audit.services import audit_view
from askesos.core.access import get_in_scope_or_404
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.core.masking import mask_nik
from askesos.membership.card import public_status_url, render_card_html, render_card_pdf
from askesos.membership.forms import EnrolForm, MemberFilterForm, PublicStatusForm
from askesos.membership.models import Membership
from askesos.membership.selectors import membership_audit, membership_list, person_search, public_status
from askesos.membership.services import NotEligible, eligibility_for, membership_enrol
from askesos.membership.throttle import attempt_allowed, client_ip
from askesos.registry.models import Person
from askesos.schemes.selectors import version_in_force

PAGE_SIZE = 50


@capability_required(Capability.VIEW_MEMBERS)
def member_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    lpa = filters.get("lpa")
    qs = membership_list(
        user=request.user,
        status=filters.get("status") or "",
        lpa_id=lpa.pk if lpa else None,
        region_range=filters.get("kelurahan"),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "membership/list.html", {"form": form, "page": page, "query": query.urlencode()})


@capability_required(Capability.ENROL)
def person_results(request: HttpRequest) -> HttpResponse:
    """htmx partial: persons in scope matching a NIK prefix or part of a name."""
    persons = _search(request, request.GET.get("q", ""))
    return render(
        request, "membership/_person_results.html", {"persons": persons, "q": request.GET.get("q", "")}
    )


def _search(request: HttpRequest, query: str) -> list[Person]:
    """Search results with the NIK shown in full only to roles that may see it."""
    persons = person_search(user=request.user, query=query)
    full = has_capability(request.user, Capability.VIEW_NIK)
    for person in persons:
        person.nik_display = person.nik if full else mask_nik(person.nik)  # type: ignore[attr-defined]
    return persons


def _with_defaults(request: HttpRequest) -> QueryDict:
    """A person picked from the search results: preselect the only (or first) scheme and LPA."""
    data = request.GET.copy()
    blank = EnrolForm(user=request.user)
    for name in ("scheme", "lpa"):
        if not data.get(name):
            field = blank.fields[name]
            first = (
                field.queryset.first()
                if isinstance(field, ModelChoiceField) and field.queryset is not None
                else None
            )
            if first is not None:
                data[name] = str(first.pk)
    return data


@capability_required(Capability.ENROL)
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = (
        request.POST
        if request.method == "POST"
        else (_with_defaults(request) if "person" in request.GET else None)
    )
    form = EnrolForm(data, user=request.user)
    context: dict[str, object] = {"form": form, "q": request.GET.get("q", "")}
    if data is None:
        context["persons"] = _search(request, request.GET.get("q", ""))
        return render(request, "membership/enrol.html", context)
    if form.is_valid():
        person, scheme, lpa = (
            form.cleaned_data["person"],
            form.cleaned_data["scheme"],
            form.cleaned_data["lpa"],
        )
        context["person"] = person
        if request.method == "POST":
            try:
                membership = membership_enrol(
                    actor=request.user, person=person, scheme=scheme, lpa=lpa, today=today
                )
            except NotEligible as exc:
                context["findings"] = exc.findings
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Enrolled with member number %(number)s.") % {"number": membership.member_number},
                )
                return redirect("membership:detail", number=membership.member_number)
        else:
            try:
                version, findings = eligibility_for(person, scheme, today)
            except DomainError as exc:
                form.add_error("scheme", exc.message)
            else:
                context.update(findings=findings, version=version, checked=True)
    return render(request, "membership/enrol.html", context)


@capability_required(Capability.VIEW_MEMBERS)
def detail(request: HttpRequest, number: str) -> HttpResponse:
    membership = get_in_scope_or_404(
        request.user, Membership.objects.select_related("person", "lpa", "scheme"), member_number=number
    )
    audit_view(request, membership)
    today = timezone.localdate()
    try:
        version = version_in_force(membership.scheme_id, today)
    except DomainError:
        version = None
    return render(
        request,
        "membership/detail.html",
        {"m": membership, "version": version, "events": membership_audit(membership)},
    )


@login_required
def card_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The card, for staff with the member in scope, and for the member themself (scope: own rows)."""
    if not (
        has_capability(request.user, Capability.VIEW_MEMBERS)
        or getattr(request.user, "role", "") == Role.MEMBER
    ):
        raise PermissionDenied
    membership = get_in_scope_or_404(
        request.user, Membership.objects.select_related("person", "lpa", "scheme"), member_number=number
    )
    html = render_card_html(membership, public_status_url(membership.member_number, request))
    response = HttpResponse(render_card_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="askesos-card-{membership.member_number}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def status_page(request: HttpRequest) -> HttpResponse:
    """Public: number + birth date → status and paid-through month only; generic "not found"."""
    context: dict[str, object] = {}
    if request.method == "POST":
        if not attempt_allowed("public-status", client_ip(request)):
            context["form"] = PublicStatusForm(initial={"number": request.POST.get("number", "")})
            context["limited"] = True
            return render(request, "membership/status.html", context, status=429)
        form = PublicStatusForm(request.POST)
        if form.is_valid():
            result = public_status(form.cleaned_data["number"], form.cleaned_data["birth_date"])
            context["result"] = result
            context["not_found"] = result is None
    else:
        form = PublicStatusForm(initial={"number": request.GET.get("n", "")[:20]})
    context["form"] = form
    return render(request, "membership/status.html", context)
