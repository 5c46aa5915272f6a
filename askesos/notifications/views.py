"""The outbox page: messages in the reader's scope, filtered by status, with "retry now"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability
from askesos.core.access import get_in_scope_or_404
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.notifications import selectors, services
from askesos.notifications.models import Message, MessageStatus


@capability_required(Capability.VIEW_OUTBOX)
def outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    counts = selectors.outbox_counts(user=request.user)
    page = Paginator(selectors.outbox_for(user=request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in MessageStatus.choices],
            "retryable": (MessageStatus.FAILED, MessageStatus.DEAD),
        },
    )


@require_POST
@capability_required(Capability.VIEW_OUTBOX)
def retry(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_in_scope_or_404(request.user, Message, pk=message_id)
    try:
        services.message_retry_now(message=message, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The message is queued again."))
    status = request.POST.get("status", "")
    query = f"?{urlencode({'status': status})}" if status in MessageStatus.values else ""
    return redirect(reverse("notifications:outbox") + query)
