from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askesos.audit.rules import MAX_VALUE_CHARS, Change, diff, show_value


def test_it_lists_only_changed_keys():
    assert diff({"amount": 5000, "status": "active"}, {"amount": 10400, "status": "active"}) == [
        Change("amount", "5000", "10400")
    ]


def test_it_shows_creations_and_deletions():
    assert diff(None, {"year": 2025, "is_estimate": True, "note": None}) == [
        Change("year", None, "2025"),
        Change("is_estimate", None, "true"),
        Change("note", None, "\u2013"),
    ]
    assert diff({"code": "LPA-JT-01"}, None) == [Change("code", "LPA-JT-01", None)]


def test_it_shortens_long_and_structured_values():
    assert show_value({"b": [1, 2], "a": "x"}) == '{"a": "x", "b": [1, 2]}'
    long = show_value("x" * 500)
    assert len(long) == MAX_VALUE_CHARS
    assert long.endswith("…")


values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
dicts = st.dictionaries(st.sampled_from("abcdef"), values, max_size=6)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dicts, dicts)
def test_it_reports_exactly_the_keys_that_differ(old, new):
    keys = {c.key for c in diff(old, new)}
    assert keys == {k for k in old.keys() | new.keys() if k not in old or k not in new or old[k] != new[k]}
