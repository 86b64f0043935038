from fractions import Fraction
from math import ceil, floor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dibiao.rounds.apportionment import propose_quotas

pytestmark = pytest.mark.unit


@st.composite
def apportionments(draw):
    """A feasible case: 1-40 provinces, holdings 0-5000, floor ≤ ceiling, total in between."""
    count = draw(st.integers(min_value=1, max_value=40))
    codes = [f"{11 + index:02d}" for index in range(count)]
    weights = {code: draw(st.integers(min_value=0, max_value=5000)) for code in codes}
    low = draw(st.integers(min_value=0, max_value=5))
    high = draw(st.integers(min_value=low, max_value=low + 15))
    total = draw(st.integers(min_value=low * count, max_value=high * count))
    return total, weights, low, high


@given(apportionments())
def test_proposal_sums_to_total(case):
    total, weights, low, high = case
    assert sum(propose_quotas(total, weights, low, high).values()) == total


@given(apportionments())
def test_proposal_stays_within_floor_and_ceiling(case):
    total, weights, low, high = case
    result = propose_quotas(total, weights, low, high)
    assert set(result) == set(weights)
    assert all(low <= quota <= high for quota in result.values())


@given(apportionments())
def test_more_holdings_never_get_fewer_places(case):
    total, weights, low, high = case
    result = propose_quotas(total, weights, low, high)
    for a in weights:
        for b in weights:
            if weights[a] > weights[b]:
                assert result[a] >= result[b], (a, b)


@given(apportionments())
def test_quota_rule_holds_where_no_ceiling_binds(case):
    total, weights, low, high = case
    weight_total = sum(weights.values())
    if weight_total == 0:
        return
    rest = total - low * len(weights)
    exact = {code: low + Fraction(rest * weight, weight_total) for code, weight in weights.items()}
    if any(share > high for share in exact.values()):
        return  # a ceiling binds: the excess went to the others
    result = propose_quotas(total, weights, low, high)
    for code, share in exact.items():
        assert floor(share) <= result[code] <= ceil(share), code


@given(apportionments(), st.randoms())
def test_proposal_does_not_depend_on_the_order_of_provinces(case, random):
    total, weights, low, high = case
    items = list(weights.items())
    random.shuffle(items)
    assert propose_quotas(total, dict(items), low, high) == propose_quotas(total, weights, low, high)


def test_floor_first_then_shares_by_largest_remainder():
    # rest 6 of 9: exact shares 3.6, 1.8, 0.6 → whole 3, 1, 0; the 2 left go to .8 (12) and
    # to one of the two .6: the larger holdings (11).
    result = propose_quotas(9, {"11": 6, "12": 3, "13": 1}, 1, 9)
    assert result == {"11": 5, "12": 3, "13": 1}


def test_excess_over_the_ceiling_is_shared_again_among_the_others():
    # 11 would get 1 + 5.88; it gets the ceiling 5, and the 2 places left go to 12 and 13.
    assert propose_quotas(9, {"11": 100, "12": 1, "13": 1}, 1, 5) == {"11": 5, "12": 2, "13": 2}


def test_ties_go_to_larger_holdings_then_to_smaller_province_code():
    # Shares 1/3, 4/3, 1/3: equal fractional parts; the one place left goes to the larger holdings.
    assert propose_quotas(2, {"11": 1, "12": 4, "13": 1}, 0, 10) == {"11": 0, "12": 2, "13": 0}
    # Equal holdings: the smaller code wins.
    assert propose_quotas(4, {"13": 1, "12": 1, "11": 1}, 1, 2) == {"11": 2, "12": 1, "13": 1}


def test_without_any_holdings_places_are_shared_equally():
    assert propose_quotas(7, {"11": 0, "12": 0, "13": 0}, 1, 5) == {"11": 3, "12": 2, "13": 2}


@pytest.mark.parametrize(
    ("total", "low", "high", "reason"),
    [
        (2, 1, 5, "the total must lie between"),
        (16, 1, 5, "the total must lie between"),
        (5, 3, 2, "the floor is above the ceiling"),
        (-1, 0, 5, "must not be negative"),
    ],
    ids=["below-floor-times-units", "above-ceiling-times-units", "floor-above-ceiling", "negative-total"],
)
def test_impossible_bounds_are_refused(total, low, high, reason):
    with pytest.raises(ValueError, match=reason):
        propose_quotas(total, {"11": 1, "12": 2, "13": 3}, low, high)


def test_negative_holdings_are_refused():
    with pytest.raises(ValueError, match="weights must not be negative"):
        propose_quotas(3, {"11": -1, "12": 2, "13": 3}, 0, 3)
