from __future__ import annotations

from django.test import override_settings


@override_settings(ASKESOS_API_RATE="3/m")
def test_it_answers_429_past_the_rate(api, dinsos_jaktim):
    client = api(dinsos_jaktim)
    assert [client.get("/api/v1/regions").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/regions")
    assert response.status_code == 429
    assert response.json() == {
        "code": "rate_limited",
        "message": "Too many requests; retry later.",
        "field": None,
    }
    assert 1 <= int(response["Retry-After"]) <= 60


@override_settings(ASKESOS_API_RATE="2/m")
def test_it_counts_each_user_separately(api, dinsos_jaktim, dinsos_jakbar):
    first, second = api(dinsos_jaktim), api(dinsos_jakbar)
    assert [first.get("/api/v1/regions").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/regions").status_code == 200


def test_it_parses_rates():
    from askesos.api.ratelimit import parse_rate

    assert parse_rate("600/m") == (600, 60)
    assert parse_rate("10/s") == (10, 1)
    assert parse_rate("5000/hour") == (5000, 3600)
    assert parse_rate(120) == (120, 60)
