"""The audit filter's dates: ISO (YYYY-MM-DD, what <input type=date> sends) in every language, and a
clear error for anything else (the filter is then ignored, never guessed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from askesos.audit.forms import AuditFilterForm
from askesos.audit.selectors import AuditFilter
from askesos.audit.tests.test_views import events  # noqa: F401  (fixture)

ISO_ERROR = "Enter the date as YYYY-MM-DD, e.g. 2025-03-11."


@pytest.mark.parametrize("language", ["en", "id"])
def test_it_reads_iso_dates_in_every_language(language):
    with translation.override(language):
        form = AuditFilterForm({"date_from": "2025-03-11", "date_to": "2025-03-12"})
        assert form.to_filter() == AuditFilter(date_from=dt.date(2025, 3, 11), date_to=dt.date(2025, 3, 12))
        assert form.errors == {}


@pytest.mark.parametrize(
    "raw", ["11/03/2025", "03/11/2025", "11-03-2025", "2025-13-01", "2025-02-30", "kemarin"]
)
def test_it_refuses_other_date_formats_with_a_clear_error(raw):
    form = AuditFilterForm({"date_from": raw, "action": "lpa.suspend"})
    assert form.to_filter() == AuditFilter(action="lpa.suspend")
    assert form.errors == {"date_from": [ISO_ERROR]}


def test_it_says_when_the_range_is_upside_down():
    form = AuditFilterForm({"date_from": "2025-03-12", "date_to": "2025-03-11"})
    assert form.to_filter() == AuditFilter(date_from=dt.date(2025, 3, 12))
    assert form.errors == {"date_to": ["“To” is before “From”."]}


def test_it_renders_date_inputs_with_the_iso_value():
    form = AuditFilterForm(initial={"date_from": dt.date(2025, 3, 11)})
    with translation.override("id"):
        html = str(form["date_from"])
    assert 'type="date"' in html
    assert 'value="2025-03-11"' in html


def test_the_list_filters_by_iso_dates_and_shows_the_error_for_others(client, auditor, events):  # noqa: F811
    client.force_login(auditor)
    response = client.get(reverse("audit:list"), {"date_from": "2025-03-11", "date_to": "2025-03-11"})
    assert [e.pk for e in response.context["events"]] == [events["suspend"].pk]
    everything = [e.pk for e in client.get(reverse("audit:list")).context["events"]]
    response = client.get(reverse("audit:list"), {"date_from": "11/03/2025"})
    assert response.context["form"].errors == {"date_from": [ISO_ERROR]}
    assert ISO_ERROR in response.content.decode()
    assert [e.pk for e in response.context["events"]] == everything  # ignored, never guessed
    assert len(everything) > 1
