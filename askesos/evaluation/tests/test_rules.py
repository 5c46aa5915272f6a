from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from askesos.evaluation import rules
from askesos.evaluation.rules import Category as C
from askesos.evaluation.rules import CategoryScheme as S

TB, KB, B, SB = C.TIDAK_BAIK, C.KURANG_BAIK, C.BAIK, C.SANGAT_BAIK


@pytest.mark.parametrize(
    ("mean", "expected"),
    [
        ("1.00", TB),
        ("1.75", TB),
        ("1.76", KB),
        ("2.50", KB),
        ("2.51", B),
        ("3.25", B),
        ("3.26", SB),
        ("4.00", SB),
        ("1.754", TB),
        ("1.755", KB),
    ],  # rounded half-up to two decimals first
)
def test_it_bands_kep25_at_the_edges(mean: str, expected: C) -> None:
    assert rules.categorize(Decimal(mean), S.KEP25) == expected


@pytest.mark.parametrize(
    ("mean", "expected"),
    [("2.59", TB), ("2.60", KB), ("3.06", KB), ("3.07", B), ("3.53", B), ("3.54", SB)],
)
def test_it_bands_permenpan_14_2017_at_the_edges(mean: str, expected: C) -> None:
    assert rules.categorize(Decimal(mean), S.PERMENPAN14) == expected


def test_it_computes_equal_intervals() -> None:
    assert rules.equal_interval_bounds() == (Decimal("1.75"), Decimal("2.50"), Decimal("3.25"))
    assert rules.equal_interval_bounds(Decimal(1), Decimal(5), 4) == (
        Decimal("2.00"),
        Decimal("3.00"),
        Decimal("4.00"),
    )
    assert rules.categorize(Decimal("1.75"), S.EQUAL_INTERVAL) == TB
    assert rules.categorize(Decimal("1.76"), S.EQUAL_INTERVAL) == KB


@pytest.mark.parametrize(
    ("mean", "pct", "expected"),
    [
        ("1.99", "49.75", KB),
        ("2.00", "50.00", B),
        ("2.99", "74.75", B),
        ("3.00", "75.00", SB),
        ("1.00", "25.00", KB),
    ],
)
def test_it_bands_percent_of_maximum(mean: str, pct: str, expected: C) -> None:
    assert rules.percent_of_max(Decimal(mean)) == Decimal(pct)
    assert rules.categorize(Decimal(mean), S.PERCENT_OF_MAX) == expected


def test_it_rescales_five_point_answers_linearly() -> None:
    assert [rules.to_four_point(v, 5) for v in range(1, 6)] == [
        Decimal("1"),
        Decimal("1.75"),
        Decimal("2.50"),
        Decimal("3.25"),
        Decimal("4"),
    ]
    assert rules.score(5, 5, reverse=True) == Decimal(1)
    assert rules.score(1, 4, reverse=True) == Decimal(4)
    assert rules.index_25_100(Decimal("2.5")) == Decimal("62.50")


def test_it_aggregates_item_to_sub_dimension_to_aspect() -> None:
    specs = [
        rules.ItemSpec(1, "communication", "transmission", False),
        rules.ItemSpec(2, "communication", "transmission", False),
        rules.ItemSpec(3, "communication", "clarity", True),
        rules.ItemSpec(4, "resources", "staff", False),
    ]
    counts = {1: {1: 2, 3: 2}, 2: {4: 1}, 3: {4: 3, 1: 1}, 4: {}}
    scores = rules.aggregate(specs, counts, 4)
    assert scores.items == {1: Decimal(2), 2: Decimal(4), 3: Decimal("1.75")}
    assert scores.sub_dimensions == {
        ("communication", "transmission"): Decimal(3),
        ("communication", "clarity"): Decimal("1.75"),
    }
    assert scores.aspects == {"communication": Decimal("2.375")}  # resources: nobody answered


def test_it_validates_answers() -> None:
    assert rules.validate_answer(" 3 ", scale=4, yes_no=False) == 3
    with pytest.raises(ValueError, match="must be one of"):
        rules.validate_answer("5", scale=4, yes_no=False)
    with pytest.raises(ValueError, match="not a whole number"):
        rules.validate_answer("x", scale=4, yes_no=False)
    assert rules.validate_answer("0", scale=4, yes_no=True) == 0


@given(st.integers(1, 5), st.booleans())
def test_it_keeps_every_score_on_the_one_to_four_scale(value: int, reverse: bool) -> None:
    s = rules.score(value, 5, reverse=reverse)
    assert Decimal(1) <= s <= Decimal(4)
    assert rules.score(value, 5, reverse=not reverse) == Decimal(5) - s


@given(st.decimals(min_value=1, max_value=4, places=4), st.sampled_from(list(S)))
def test_it_orders_categories_with_the_mean(mean: Decimal, scheme: S) -> None:
    lower = max(Decimal(1), mean - Decimal("0.3"))
    assert rules.categorize(lower, scheme).rank <= rules.categorize(mean, scheme).rank


@given(st.dictionaries(st.integers(1, 4), st.integers(0, 50), min_size=1))
def test_it_keeps_item_means_within_the_answers(counts: dict[int, int]) -> None:
    m = rules.item_mean(counts, 4, reverse=False)
    answered = [v for v, n in counts.items() if n]
    if not answered:
        assert m is None
    else:
        assert m is not None
        assert min(answered) <= m <= max(answered)
