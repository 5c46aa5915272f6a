from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from askesos.schemes.rules import (
    VersionState,
    effective_from_error,
    in_force_index,
    placeholders_after_change,
    version_state,
)

TODAY = dt.date(2026, 3, 15)


def test_it_accepts_next_month_and_later():
    assert effective_from_error(dt.date(2026, 4, 1), TODAY, has_versions=True) is None
    assert effective_from_error(dt.date(2027, 1, 1), TODAY, has_versions=True) is None


def test_it_refuses_the_current_and_past_months_once_a_version_exists():
    assert effective_from_error(dt.date(2026, 3, 1), TODAY, has_versions=True) == (
        "A new version must start in 2026-04 or later; rules in force are never changed."
    )
    assert effective_from_error(dt.date(2020, 1, 1), TODAY, has_versions=True) is not None


def test_it_lets_a_first_version_start_in_the_past():
    assert effective_from_error(dt.date(2003, 1, 1), TODAY, has_versions=False) is None


def test_it_refuses_a_day_other_than_the_first():
    assert effective_from_error(dt.date(2026, 5, 2), TODAY, has_versions=True) == (
        "A new version must start on the first day of a month."
    )


def test_it_marks_past_in_force_and_future():
    starts = [dt.date(2003, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 6, 1)]
    current = starts[in_force_index(starts, TODAY)]  # type: ignore[index]
    assert current == dt.date(2026, 1, 1)
    assert [version_state(s, current, TODAY) for s in starts] == [
        VersionState.PAST,
        VersionState.IN_FORCE,
        VersionState.FUTURE,
    ]


@given(
    st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)), unique=True, max_size=8),
    st.dates(dt.date(1999, 1, 1), dt.date(2041, 1, 1)),
)
def test_it_picks_the_latest_start_on_or_before_the_date(starts, on):
    index = in_force_index(starts, on)
    earlier = [s for s in starts if s <= on]
    if not earlier:
        assert index is None
    else:
        assert index is not None
        assert starts[index] == max(earlier)


def test_it_drops_placeholder_marks_of_changed_values():
    assert placeholders_after_change(
        ["approval_threshold", "benefits.death.amount", "benefits.funeral.amount"],
        ["approval_threshold"],
        ["benefits.death.amount"],
    ) == ["benefits.funeral.amount"]
