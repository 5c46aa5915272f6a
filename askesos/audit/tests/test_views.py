from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from askesos.audit.models import AuditEvent
from askesos.audit.selectors import AuditFilter, events_for_object, events_page, filtered_events
from askesos.audit.services import audit_record

JAKARTA = dt.timezone(dt.timedelta(hours=7))


def record(**fields):
    values = {
        "actor": None,
        "action": "lpa.verify",
        "object_type": "lpa.lpa",
        "object_id": "1",
        "region_id": 3175031001,
        "at": dt.datetime(2025, 3, 10, 9, 0, tzinfo=JAKARTA),
    }
    with transaction.atomic():
        return audit_record(**{**values, **fields})


@pytest.fixture
def events(dinsos_jaktim, dinsos_jakbar):
    return {
        "verify": record(actor=dinsos_jaktim, reason="Documents complete"),
        "suspend": record(
            actor=dinsos_jaktim,
            action="lpa.suspend",
            object_id="2",
            region_id=3175061001,
            old={"status": "active"},
            new={"status": "suspended"},
            reason="Fund report overdue",
            at=dt.datetime(2025, 3, 11, 23, 59, tzinfo=JAKARTA),
        ),
        "workforce": record(
            actor=dinsos_jaktim,
            action="workforce.set",
            object_type="regions.workforceestimate",
            object_id="7",
            region_id=3175000000,
            at=dt.datetime(2025, 3, 12, 0, 0, tzinfo=JAKARTA),
        ),
        "west": record(actor=dinsos_jakbar, region_id=3173011001, reason="Documents complete"),
        "national": record(action="scheme.update", object_type="schemes.scheme", region_id=None),
    }


def ids(qs):
    return sorted(e.pk for e in qs)


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (AuditFilter(), ["verify", "suspend", "workforce"]),
        (AuditFilter(actor="dinsos_jaktim"), ["verify", "suspend", "workforce"]),
        (AuditFilter(actor="dinsos_jakta"), []),
        (AuditFilter(action="lpa.suspend"), ["suspend"]),
        (AuditFilter(action="lpa"), []),
        (AuditFilter(object_type="regions.workforceestimate"), ["workforce"]),
        (AuditFilter(object_type="lpa.lpa", object_id="1"), ["verify"]),
        (AuditFilter(date_from=dt.date(2025, 3, 11)), ["suspend", "workforce"]),
        (AuditFilter(date_to=dt.date(2025, 3, 11)), ["verify", "suspend"]),
        (AuditFilter(date_from=dt.date(2025, 3, 11), date_to=dt.date(2025, 3, 11)), ["suspend"]),
        (AuditFilter(text="OVERDUE"), ["suspend"]),
    ],
)
def test_it_filters_exactly(auditor, events, f, expected):
    assert ids(filtered_events(auditor, f)) == sorted(events[name].pk for name in expected)


def test_it_limits_events_to_the_reader_scope(auditor, dinsos_jakbar, kemensos_admin, events):
    assert ids(filtered_events(auditor, AuditFilter())) == sorted(
        events[n].pk for n in ("verify", "suspend", "workforce")
    )
    assert ids(filtered_events(dinsos_jakbar, AuditFilter())) == [events["west"].pk]
    assert ids(filtered_events(kemensos_admin, AuditFilter())) == sorted(e.pk for e in events.values())


def test_it_shows_lpa_events_to_lpa_scoped_readers(lpa_manager, lpa_jt01):
    mine = record(lpa_id=lpa_jt01.pk, region_id=None)
    record(lpa_id=lpa_jt01.pk + 1000, region_id=None)
    assert ids(filtered_events(lpa_manager, AuditFilter())) == [mine.pk]


def test_it_pages_newest_first_with_a_cursor(kemensos_admin):
    start = timezone.now()
    made = [record(object_id=str(i), at=start + dt.timedelta(seconds=i // 2)) for i in range(7)]
    newest_first = [e.pk for e in sorted(made, key=lambda e: (e.at, e.pk), reverse=True)]
    first = events_page(kemensos_admin, AuditFilter(), size=3)
    second = events_page(kemensos_admin, AuditFilter(), cursor=first.next_cursor, size=3)
    third = events_page(kemensos_admin, AuditFilter(), cursor=second.next_cursor, size=3)
    pages = [[e.pk for e in p.events] for p in (first, second, third)]
    assert pages == [newest_first[:3], newest_first[3:6], newest_first[6:]]
    assert third.next_cursor is None
    assert events_page(kemensos_admin, AuditFilter(), cursor="garbage", size=3).events == first.events


def test_it_renders_the_list_with_filters_and_diff(client, auditor, events):
    client.force_login(auditor)
    response = client.get(reverse("audit:list"), {"action": "lpa.suspend"})
    assert response.status_code == 200
    assert [e.pk for e in response.context["events"]] == [events["suspend"].pk]
    html = response.content.decode()
    assert "<code>status</code>:" in html
    assert "<del>active</del> → <ins>suspended</ins>" in html
    assert "Fund report overdue" in html


def test_it_reads_a_page_with_a_fixed_number_of_queries(client, auditor, events, django_assert_num_queries):
    client.force_login(auditor)
    for i in range(60):
        record(object_id=str(100 + i))
    # session, user, scope regions, scope LPAs, one page of events, session save (3)
    with django_assert_num_queries(8):
        response = client.get(reverse("audit:list"))
    assert len(response.context["events"]) == 50
    assert response.context["next_cursor"]
    older = client.get(reverse("audit:list"), {"cursor": response.context["next_cursor"]})
    assert len(older.context["events"]) == 63 - 50


@pytest.mark.parametrize("persona", ["lpa_manager", "officer", "member_user"])
def test_it_forbids_roles_without_view_audit(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("audit:list")).status_code == 403


def test_it_gives_object_history_only_to_audit_readers(auditor, lpa_manager, events):
    history = events_for_object(auditor, "regions.workforceestimate", 7)
    assert [e.pk for e in history] == [events["workforce"].pk]
    assert events_for_object(lpa_manager, "regions.workforceestimate", 7) == []


def test_it_refuses_orm_updates_and_deletes(events):
    event = events["verify"]
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        event.delete()
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == "Documents complete"


def test_it_has_the_database_refuse_updates(events):
    event = events["verify"]
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", ["rewritten", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == "Documents complete"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite guards UPDATE only (see migration 0002)"
)
def test_it_has_postgresql_refuse_deletes(events):
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [events["verify"].pk])
    assert AuditEvent.objects.filter(pk=events["verify"].pk).exists()
