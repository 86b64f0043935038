"""Quota apportionment: a pure function, no database, no translation.

The notice sets each province's quota "by its GI holdings at the end of 2020" (Attachment 2,
注) without saying how. The product proposes a table by the largest-remainder (Hamilton)
method with a floor and a ceiling; the administrator reviews it and applies it or not.
"""

from collections.abc import Hashable, Mapping
from fractions import Fraction
from typing import Any


def check_bounds(total: int, count: int, floor: int, ceiling: int) -> None:
    """Raise ValueError unless `count` units can share `total` places within [floor, ceiling]."""
    if count <= 0:
        raise ValueError("there is nobody to apportion to")
    if total < 0 or floor < 0:
        raise ValueError("total and floor must not be negative")
    if floor > ceiling:
        raise ValueError("the floor is above the ceiling")
    if not floor * count <= total <= ceiling * count:
        raise ValueError("the total must lie between floor × units and ceiling × units")


def propose_quotas[K: Hashable](
    total: int, weights: Mapping[K, int], floor: int, ceiling: int
) -> dict[K, int]:
    """Share `total` places among the keys of `weights`, in proportion to the weights.

    1. Give every unit the floor; `rest = total - floor × units` places remain.
    2. Among the units still below the ceiling (at first: all), compute each one's exact share
       of `rest` in proportion to its weight (as a fraction, so no rounding error creeps in).
       If all of them have weight 0, the shares are equal.
    3. A unit whose floor plus exact share exceeds the ceiling gets the ceiling and leaves the
       group; the places it took are subtracted from `rest`, and step 2 runs again for the
       others. This repeats until no exact share exceeds the ceiling (at most once per unit).
    4. Largest remainder (Hamilton): every unit left in the group gets the whole part of its
       share; the places still over go, one each, to the units with the largest fractional
       parts. Ties go to the larger weight, then to the smaller key (the province code).

    Hence: the sum is `total`; every unit gets between floor and ceiling; a unit with more
    weight never gets fewer places than one with less; and where no ceiling binds, each unit
    gets its exact quota (floor + share) rounded down or up (the quota rule).

    Raises ValueError if the bounds cannot be met (see `check_bounds`) or a weight is negative.
    """
    check_bounds(total, len(weights), floor, ceiling)
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("weights must not be negative")

    result = dict.fromkeys(weights, floor)
    rest = total - floor * len(weights)
    group = list(weights)
    while True:
        shares = _exact_shares(rest, {key: weights[key] for key in group})
        over = [key for key in group if floor + shares[key] > ceiling]
        if not over:
            break
        for key in over:
            result[key] = ceiling
            rest -= ceiling - floor
        group = [key for key in group if key not in over]

    whole = {key: int(shares[key]) for key in group}
    leftover = rest - sum(whole.values())

    def priority(key: Any) -> tuple[Fraction, int, Any]:
        # sorted() is ascending: negate what should come first when larger.
        return (-(shares[key] - whole[key]), -weights[key], key)

    for index, key in enumerate(sorted(group, key=priority)):
        result[key] += whole[key] + (1 if index < leftover else 0)
    return result


def _exact_shares[K](rest: int, weights: Mapping[K, int]) -> dict[K, Fraction]:
    if not weights:
        return {}
    total_weight = sum(weights.values())
    if total_weight == 0:
        return {key: Fraction(rest, len(weights)) for key in weights}
    return {key: Fraction(rest * weight, total_weight) for key, weight in weights.items()}
