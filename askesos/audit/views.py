from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from askesos.accounts.permissions import Capability
from askesos.audit import selectors
from askesos.audit.forms import AuditFilterForm
from askesos.core.decorators import capability_required


@capability_required(Capability.VIEW_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    """Audit events in the reader's scope, newest first, filtered, 50 a page (keyset)."""
    form = AuditFilterForm(request.GET or None)
    page = selectors.events_page(
        request.user,
        form.to_filter() if form.is_bound else selectors.AuditFilter(),
        cursor=request.GET.get("cursor", ""),
    )
    params = request.GET.copy()
    params.pop("cursor", None)
    context = {
        "form": form,
        "events": page.events,
        "next_cursor": page.next_cursor,
        "is_first_page": not request.GET.get("cursor"),
        "filter_query": params.urlencode(),
    }
    return render(request, "audit/list.html", context)
