"""The membership card: an HTML template rendered to PDF by WeasyPrint, with a QR code that opens
the public status page for the member's number. Nothing is fetched over the network."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from askesos.membership.models import Membership

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def public_status_url(number: str, request: HttpRequest | None = None) -> str:
    """Absolute URL of the public status page with the number filled in.

    ``ASKESOS_PUBLIC_BASE_URL`` wins when set (cards outlive the host they were printed from),
    then the request's own host, then the local default.
    """
    path = f"{reverse('public_status')}?{urlencode({'n': number})}"
    base = getattr(settings, "ASKESOS_PUBLIC_BASE_URL", "")
    if base:
        return f"{base.rstrip('/')}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{DEFAULT_PUBLIC_BASE_URL}{path}"


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (embedded, so the PDF renderer needs no fetch)."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def card_context(membership: Membership, status_url: str) -> dict[str, Any]:
    return {
        "membership": membership,
        "person_name": membership.person.full_name,
        "status_url": status_url,
        "qr": qr_data_uri(status_url),
    }


def render_card_html(membership: Membership, status_url: str) -> str:
    return render_to_string("membership/card.html", card_context(membership, status_url))


def render_card_pdf(html: str) -> bytes:
    """PDF bytes of the card. The fetcher allows only inline ``data:`` URIs: never the network or
    the file system, so a card can't be made to leak or hang on a remote resource."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()
