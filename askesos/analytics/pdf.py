"""The scorecard as PDF (WeasyPrint); layout in ``analytics/scorecard_pdf.html``, styles in
``analytics/static/analytics/report.css``."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from askesos.analytics.scorecard import Scorecard

CSS_PATH = Path(__file__).resolve().parent / "static" / "analytics" / "report.css"


def scorecard_pdf(card: Scorecard) -> bytes:
    from weasyprint import CSS, HTML

    with translation.override("id"):
        html = render_to_string(
            "analytics/scorecard_pdf.html", {"card": card, "generated_at": timezone.localtime()}
        )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH))])
