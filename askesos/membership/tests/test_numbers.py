from __future__ import annotations

import threading

import pytest
from django.db import connection

from askesos.core.errors import DomainError
from askesos.membership.models import MemberNumberCounter
from askesos.membership.rules import MAX_SEQUENCE, normalize_member_number
from askesos.membership.services import allocate_member_numbers


def body(number):
    return number.rsplit("-", 1)[0]


@pytest.mark.django_db
def test_it_allocates_consecutive_numbers_per_city():
    block = allocate_member_numbers("3172", 3)
    assert [body(n) for n in block] == ["3172-0000001", "3172-0000002", "3172-0000003"]
    assert all(normalize_member_number(n) == n for n in block)
    assert body(allocate_member_numbers("3172", 1)[0]) == "3172-0000004"
    assert body(allocate_member_numbers("3175", 1)[0]) == "3175-0000001"
    assert MemberNumberCounter.objects.get(city_key="3172").last_value == 4
    assert allocate_member_numbers("3172", 0) == []


@pytest.mark.django_db
def test_it_allocates_large_blocks_in_one_statement(django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        block = allocate_member_numbers("3175", 5000)
    assert len(set(block)) == 5000
    assert body(block[-1]) == "3175-0005000"


@pytest.mark.django_db
def test_it_refuses_when_a_city_runs_out():
    MemberNumberCounter.objects.create(city_key="3175", last_value=MAX_SEQUENCE - 1)
    assert body(allocate_member_numbers("3175", 1)[0]) == "3175-9999999"
    with pytest.raises(DomainError) as exc:
        allocate_member_numbers("3175", 1)
    assert exc.value.code == "numbers_exhausted"


@pytest.mark.django_db(transaction=True)
def test_it_hands_out_unique_numbers_to_concurrent_callers():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs separate connections to one server (PostgreSQL)")
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        from django.db import connections

        try:
            start.wait()
            for _ in range(10):
                numbers = allocate_member_numbers("3175", 7)
                with lock:
                    results.extend(numbers)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == len(set(results)) == 8 * 10 * 7
    assert sorted(body(n) for n in results)[-1] == "3175-0000560"
