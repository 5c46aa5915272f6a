from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from askesos.core.db import prepared_cursor
from askesos.lpa.models import Lpa

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are a PostgreSQL server feature"
)


def _prepared() -> dict[str, tuple[int, int]]:
    """The statements this connection has prepared, with (generic, custom) plan counts."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


@postgres_only
def test_it_prepares_a_statement_once_and_runs_it_with_each_call_s_parameters():
    results = []
    with prepared_cursor() as cursor:
        for n in (1, 2, 41):
            cursor.execute("SELECT %s::int + 1", [n])
            results.append(cursor.fetchone()[0])
    assert results == [2, 3, 42]
    plans = _prepared()["SELECT $1::int + 1"]
    assert sum(plans) == 3  # one prepared statement, planned or reused by each of the three runs


@postgres_only
def test_the_orm_s_own_statements_stay_unprepared():
    with prepared_cursor() as cursor:
        cursor.execute("SELECT 1")
    for _ in range(3):
        Lpa.objects.filter(code="X").exists()
    assert not [s for s in _prepared() if "lpa_lpa" in s]


def test_it_logs_each_statement_with_its_parameters_inlined():
    with CaptureQueriesContext(connection) as captured, prepared_cursor() as cursor:
        for n in (1, 41):
            cursor.execute("SELECT %s + 1", [n])
            assert cursor.fetchone()[0] == n + 1
    assert [q["sql"] for q in captured.captured_queries] == ["SELECT 1 + 1", "SELECT 41 + 1"]
