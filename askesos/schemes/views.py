"""Scheme pages: list, history (timeline), version rules, and the "new version" form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.accounts.permissions import Capability, has_capability
from askesos.core.access import get_in_scope_or_404
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.schemes.forms import SchemeVersionForm
from askesos.schemes.models import Scheme, SchemeVersion
from askesos.schemes.rules import earliest_new_version_month
from askesos.schemes.selectors import scheme_list, scheme_timeline, version_benefits, version_rule_rows
from askesos.schemes.services import scheme_version_create, scheme_version_update


@capability_required(Capability.VIEW_SCHEMES)
def scheme_index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "schemes/list.html", {"summaries": scheme_list(user=request.user, today=today)})


@capability_required(Capability.VIEW_SCHEMES)
def scheme_detail(request: HttpRequest, code: str) -> HttpResponse:
    scheme = get_in_scope_or_404(request.user, Scheme, code=code)
    today = timezone.localdate()
    return render(
        request,
        "schemes/detail.html",
        {
            "scheme": scheme,
            "timeline": scheme_timeline(scheme=scheme, today=today),
            "today": today,
            "can_manage": has_capability(request.user, Capability.MANAGE_SCHEMES),
        },
    )


@capability_required(Capability.VIEW_SCHEMES)
def version_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_in_scope_or_404(
        request.user, SchemeVersion.objects.select_related("scheme"), pk=pk, scheme__code=code
    )
    today = timezone.localdate()
    return render(
        request,
        "schemes/version.html",
        {
            "version": version,
            "scheme": version.scheme,
            "rules": version_rule_rows(version),
            "benefits": version_benefits(version),
            "editable": version.effective_from > today,
            "can_manage": has_capability(request.user, Capability.MANAGE_SCHEMES),
        },
    )


def _base_for_new(scheme: Scheme) -> SchemeVersion | None:
    versions = list(SchemeVersion.objects.filter(scheme=scheme).order_by("effective_from"))
    return versions[-1] if versions else None


@capability_required(Capability.MANAGE_SCHEMES)
def version_new(request: HttpRequest, code: str) -> HttpResponse:
    scheme = get_in_scope_or_404(request.user, Scheme, code=code)
    today = timezone.localdate()
    base = _base_for_new(scheme)
    if base is None:
        messages.error(request, _("This scheme has no rules yet; seed it first."))
        return redirect("schemes:detail", code=scheme.code)
    initial = {"effective_from": earliest_new_version_month(today)}
    form = SchemeVersionForm(request.POST or None, base=base, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes, benefits = form.changes()
        try:
            version = scheme_version_create(
                actor=request.user,
                scheme=scheme,
                effective_from=form.cleaned_data["effective_from"],
                changes=changes,
                benefits=benefits,
                today=today,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("New version saved."))
            return redirect("schemes:version", code=scheme.code, pk=version.pk)
    return render(
        request, "schemes/version_form.html", {"scheme": scheme, "form": form, "base": base, "new": True}
    )


@capability_required(Capability.MANAGE_SCHEMES)
def version_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_in_scope_or_404(
        request.user, SchemeVersion.objects.select_related("scheme"), pk=pk, scheme__code=code
    )
    today = timezone.localdate()
    if version.effective_from <= today:
        messages.error(
            request,
            _(
                "This version is in force (or past) and cannot be edited; "
                "create a new version from a future month."
            ),
        )
        return redirect("schemes:version", code=code, pk=version.pk)
    form = SchemeVersionForm(request.POST or None, base=version, with_month=False)
    if request.method == "POST" and form.is_valid():
        changes, benefits = form.changes()
        try:
            scheme_version_update(
                actor=request.user, version=version, changes=changes, benefits=benefits, today=today
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Version updated."))
            return redirect("schemes:version", code=code, pk=version.pk)
    return render(
        request,
        "schemes/version_form.html",
        {"scheme": version.scheme, "form": form, "base": version, "new": False},
    )
