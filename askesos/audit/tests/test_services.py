from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askesos.audit.models import AuditEvent
from askesos.audit.services import audit_record, audit_row, jsonable
from askesos.contributions.models import Channel


def _round_trip(values):
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.dates(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.sampled_from(list(Channel)),
)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=12,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(max_size=6), values, max_size=6))
def test_jsonable_reads_exactly_what_the_json_column_reads_back(data):
    assert jsonable(data) == _round_trip(data)


def test_jsonable_falls_back_for_values_json_cannot_take_as_they_are():
    data = {
        "at": dt.datetime(2027, 1, 10, 8, 30, 15, 123456, tzinfo=dt.UTC),
        "rate": decimal.Decimal("1.50"),
        "id": uuid.UUID(int=7),
        "label": gettext_lazy("payment"),
        "when": dt.date(2027, 1, 1),
        "by_month": {1: "Jan"},
    }
    assert jsonable(data) == _round_trip(data)
    assert jsonable(None) is None


def test_audit_row_is_what_audit_record_writes(db, lpa_manager):
    at = timezone.now()
    with transaction.atomic():
        event = audit_record(
            actor=lpa_manager,
            action="thing.change",
            object_type="x.thing",
            object_id=7,
            new={"on": dt.date(2027, 1, 1), "n": 2},
            region_id=3175,
            lpa_id=1,
            at=at,
        )
        row = audit_row(
            actor=lpa_manager,
            action="thing.change",
            object_type="x.thing",
            object_id=7,
            new={"on": dt.date(2027, 1, 1), "n": 2},
            region_id=3175,
            lpa_id=1,
            at=at,
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert {k: getattr(stored, k) for k in row} == row


def test_audit_row_must_be_written_inside_the_change_s_transaction():
    with pytest.raises(RuntimeError):
        audit_row(actor=None, action="x", object_type="y", object_id=1)
