"""MYCIN's combination: evidence combines to the same certainty in any order."""

from itertools import permutations

import pytest

from kansrijk.engine.certainty import combine, conclude


def test_positive_evidence_accumulates_but_stays_below_one():
    assert combine([0.6, 0.5]) == pytest.approx(0.8)
    assert combine([0.6, 0.5, 0.5]) == pytest.approx(0.9)


def test_negative_evidence_mirrors_positive():
    assert combine([-0.6, -0.5]) == pytest.approx(-0.8)


def test_mixed_evidence_uses_mycin_formula():
    # (0.7 - 0.5) / (1 - min(0.7, 0.5))
    assert combine([0.7, -0.5]) == pytest.approx(0.4)


def test_fully_certain_evidence_both_ways_cancels():
    assert combine([1.0, -1.0]) == 0.0


@pytest.mark.parametrize("values", [[0.8, -0.5, 0.3, -0.4], [0.9, 0.2, -0.7], [0.33, -0.61, 0.47, 0.05, -0.2]])
def test_combination_is_independent_of_order(values):
    results = {combine(list(p)) for p in permutations(values)}
    assert len(results) == 1


def test_conclusion_takes_the_weakest_premise():
    assert conclude(0.8, [0.9, 0.5]) == pytest.approx(0.4)
    assert conclude(-0.5, []) == -0.5


def test_a_certainty_that_is_a_threshold_on_paper_reaches_it():
    # 0.7 x 2/7 is 0.2 on paper but 0.19999999999999998 in floats
    assert 0.7 * (2 / 7) < 0.2
    assert conclude(0.7, [2 / 7]) == 0.2
    # (0.6 - 0.5) / (1 - 0.5) is 0.2 on paper but 0.19999999999999996 in floats
    assert combine([0.6, -0.5]) == 0.2
