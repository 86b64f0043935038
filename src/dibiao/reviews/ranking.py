"""The ranking of a round's projects by their experts' totals (DOMAIN §6), for the national
administrator alone: the table, its sorting and filters, and the spreadsheet.

`ranking_rows(round)` runs three queries, whatever the number of projects and experts: the
projects (with province, implementing unit and decision joined), their score sheets with the
experts' names, and the county counts of their implementing units. Mean, spread, standard
deviation and rank are computed here, in Python, from the submitted totals.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db.models import Count, F, Max, QuerySet
from django.utils.translation import gettext as _

from dibiao.organisations.choices import CountyList, DivisionLevel
from dibiao.organisations.models import CountyDesignation
from dibiao.organisations.queries import COUNTY_LEVELS, PREFECTURE_LEVELS
from dibiao.recommendations.choices import State
from dibiao.recommendations.models import Recommendation
from dibiao.reviews.choices import ReviewState
from dibiao.reviews.models import Assignment
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Round

# The states of a project that has reached CNIPA and stays there: these are ranked.
RANKED_STATES = (State.RECEIVED, State.IN_REVIEW, State.REVIEWED, State.SELECTED, State.NOT_SELECTED)
# Still being reviewed: a round with such projects cannot be published.
UNDER_REVIEW_STATES = (State.RECEIVED, State.IN_REVIEW)

SORTS = ("rank", "province", "mean", "spread")
DEFAULT_SORT = "rank"

TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")


class Review(NamedTuple):
    """One expert's sheet for a project, as the ranking shows it."""

    expert: str
    total: Decimal | None  # None until the expert submits
    is_submitted: bool


@dataclass(slots=True)
class RankingRow:
    pk: int
    number: str
    project_name: str
    state: str
    province_id: int
    province_name: str
    province_code: str
    province_sort: str
    unit_id: int
    unit_name: str
    reviews: list[Review]
    decision: bool | None  # selected (True), not selected (False), not decided (None)
    poverty_alleviated_count: int = 0
    key_support_count: int = 0
    mean_exact: Decimal | None = None  # for ranking: see compute_statistics
    mean: Decimal | None = None
    spread: Decimal | None = None
    stdev: Decimal | None = None
    rank: int | None = None
    slots: list[Review | None] = field(default_factory=list)
    submitted_count: int = 0

    def __post_init__(self) -> None:
        self.submitted_count = sum(1 for review in self.reviews if review.is_submitted)

    @property
    def is_priority(self) -> bool:
        """Notice 三(一): projects in poverty-alleviated areas (a county on either list) come first."""
        return self.poverty_alleviated_count > 0 or self.key_support_count > 0

    @property
    def assigned_count(self) -> int:
        return len(self.reviews)

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)

    @property
    def is_decidable(self) -> bool:
        return self.state == State.REVIEWED


@dataclass(frozen=True)
class Filters:
    province: str = ""  # a province code
    priority: str = ""  # "1" flagged only, "0" not flagged only
    state: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False  # the reverse of the sort's natural order

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> "Filters":
        """Read the table's query parameters; anything unknown is ignored."""
        sort = str(query.get("sort") or DEFAULT_SORT)
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        if sort not in SORTS:
            sort, descending = DEFAULT_SORT, False
        province = str(query.get("province") or "")
        priority = str(query.get("priority") or "")
        state = str(query.get("state") or "")
        return cls(
            province=province if province.isdigit() and len(province) == 2 else "",
            priority=priority if priority in ("0", "1") else "",
            state=state if state in RANKED_STATES else "",
            sort=sort,
            descending=descending,
        )

    @property
    def sort_param(self) -> str:
        return f"-{self.sort}" if self.descending else self.sort


# --- reading -----------------------------------------------------------------------------------
# Plain values, not model instances: a round's table is 184 projects and 552 score sheets, and
# building that many model objects (with deferred fields) costs more than the queries.

RECOMMENDATION_COLUMNS = (
    "pk",
    "number",
    "project_name",
    "state",
    "province_id",
    "province_name",
    "province_code",
    "province_sort",
    "implementing_unit_id",
    "unit_name",
    "unit_level",
    "unit_code",
    "unit_division_id",
    "is_selected",
)
COUNTY_LISTS = (CountyList.POVERTY_ALLEVIATED, CountyList.KEY_SUPPORT)
ASSIGNMENT_COLUMNS = ("recommendation_id", "state", "total", "expert__user__full_name")


def ranked_recommendations(round: Round) -> QuerySet[Recommendation]:
    """The projects the ranking shows: those of `round` that have reached CNIPA."""
    return Recommendation.objects.filter(round=round, state__in=RANKED_STATES)


def _reviews_by_project(round: Round) -> dict[int, list[Review]]:
    """Every score sheet of the round's ranked projects with its expert's name: one query."""
    sheets = (
        Assignment.objects.filter(recommendation__in=ranked_recommendations(round))
        .order_by("recommendation_id", "pk")
        .values_list(*ASSIGNMENT_COLUMNS)
    )
    reviews: dict[int, list[Review]] = {}
    for rec_id, state, total, expert in sheets:
        submitted = state == ReviewState.SUBMITTED and total is not None
        reviews.setdefault(rec_id, []).append(Review(expert, total if submitted else None, submitted))
    return reviews


class Unit(NamedTuple):
    """What decides which counties an implementing unit has."""

    pk: int
    level: str
    code: str
    division_id: int | None


CountyCounters = tuple[Counter[tuple[str, str]], Counter[tuple[str, int]]]
# The county lists counted, with the version of the lists they were counted from (see below).
_counted_lists: tuple[tuple[Any, ...], CountyCounters] | None = None


def county_list_counters() -> CountyCounters:
    """The two county lists counted by (list, first four digits of a county's code) and by
    (list, division).

    The lists are national reference data of about a thousand counties, replaced as a whole
    by organisations.services.import_county_list (which deletes a list's rows and creates new
    ones) and read by every ranking page. So the counts are kept in the process and read again
    only when the lists' version changes: their number of rows, latest row and latest import
    time, one small aggregate query.
    """
    global _counted_lists
    version = tuple(
        CountyDesignation.objects.aggregate(rows=Count("pk"), last=Max("pk"), at=Max("imported_at")).values()
    )
    if _counted_lists is not None and _counted_lists[0] == version:
        return _counted_lists[1]
    by_prefix: Counter[tuple[str, str]] = Counter()
    by_division: Counter[tuple[str, int]] = Counter()
    designations = CountyDesignation.objects.values_list(
        "list", "division_id", "division__code", "division__level"
    )
    for county_list, division_id, code, level in designations:
        by_division[county_list, division_id] += 1
        if level == DivisionLevel.COUNTY:
            by_prefix[county_list, code[:4]] += 1
    _counted_lists = (version, (by_prefix, by_division))
    return by_prefix, by_division


def county_counts_of(units: Iterable[Unit]) -> dict[int, tuple[int, int]]:
    """{unit id: (poverty-alleviated counties, key-support counties)}, counted as
    organisations.queries.with_county_counts counts them: a prefecture has the county-level
    divisions under the first four digits of its code, a county-level unit itself.

    with_county_counts annotates a queryset of organisations; the ranking's units come from
    its own query, so here the counting happens in Python, from `county_list_counters`.
    tests/reviews/test_ranking.py holds the two equal.
    """
    units = list(units)
    if not units:
        return {}
    by_prefix, by_division = county_list_counters()
    counts = {}
    for unit in units:
        if unit.level in PREFECTURE_LEVELS and unit.code:
            found = [by_prefix[county_list, unit.code[:4]] for county_list in COUNTY_LISTS]
        elif unit.level in COUNTY_LEVELS and unit.division_id is not None:
            found = [by_division[county_list, unit.division_id] for county_list in COUNTY_LISTS]
        else:
            found = [0, 0]
        counts[unit.pk] = (found[0], found[1])
    return counts


def ranking_rows(round: Round) -> list[RankingRow]:
    """Every ranked project of `round` with its statistics and rank, in rank order: three
    queries, whatever the number of projects and experts."""
    projects = list(
        ranked_recommendations(round)
        .order_by()
        .annotate(
            province_name=F("province__name"),
            province_code=F("province__province_code"),
            province_sort=F("province__sort_key"),
            unit_name=F("implementing_unit__name"),
            unit_level=F("implementing_unit__level"),
            unit_code=F("implementing_unit__code"),
            unit_division_id=F("implementing_unit__division_id"),
            is_selected=F("decision__is_selected"),
        )
        .values_list(*RECOMMENDATION_COLUMNS, named=True)
    )
    reviews = _reviews_by_project(round)
    counts = county_counts_of(
        Unit(p.implementing_unit_id, p.unit_level, p.unit_code, p.unit_division_id) for p in projects
    )
    untitled = str(_("(untitled recommendation)"))
    rows = [
        RankingRow(
            pk=p.pk,
            number=p.number or "",
            project_name=p.project_name or untitled,
            state=p.state,
            province_id=p.province_id,
            province_name=p.province_name,
            province_code=p.province_code,
            province_sort=p.province_sort,
            unit_id=p.implementing_unit_id,
            unit_name=p.unit_name,
            reviews=reviews.get(p.pk, []),
            decision=p.is_selected,
        )
        for p in projects
    ]
    for row in rows:
        row.poverty_alleviated_count, row.key_support_count = counts.get(row.unit_id, (0, 0))
        compute_statistics(row)
    assign_ranks(rows)
    slots = max((len(row.reviews) for row in rows), default=0)
    for row in rows:
        row.slots = [*row.reviews, *[None] * (slots - len(row.reviews))]
    return sort_rows(rows, DEFAULT_SORT)


# --- statistics --------------------------------------------------------------------------------


def compute_statistics(row: RankingRow) -> None:
    """Mean, spread (highest − lowest) and standard deviation of the submitted totals.

    Drafts do not count. The standard deviation is the population one (divided by n): the
    experts who scored are the whole panel of the project, not a sample of it. The mean is
    kept unrounded for ranking (`mean_exact`), so that only truly equal means share a rank;
    what is shown is rounded half up, the mean and deviation to two places, the spread to one.

    The unrounded mean is a Decimal division, correctly rounded to 28 digits: equal fractions
    give equal Decimals, and two different means of totals with one decimal place, by a handful
    of experts, differ by far more than the rounding, so comparing them is exact.
    """
    totals = [review.total for review in row.reviews if review.is_submitted and review.total is not None]
    if not totals:
        row.mean_exact = row.mean = row.spread = row.stdev = None
        return
    count = len(totals)
    mean = sum(totals, Decimal(0)) / count
    deviations = [value - mean for value in totals]
    variance = sum([deviation * deviation for deviation in deviations], Decimal(0)) / count
    row.mean_exact = mean
    row.mean = mean.quantize(TWO_PLACES, ROUND_HALF_UP)
    row.spread = (max(totals) - min(totals)).quantize(ONE_PLACE, ROUND_HALF_UP)
    row.stdev = variance.sqrt().quantize(TWO_PLACES, ROUND_HALF_UP)


def assign_ranks(rows: list[RankingRow]) -> None:
    """Rank by mean, highest first; equal means share a rank and the next rank skips
    (standard competition ranking: 1, 2, 2, 4). A project without a submitted total has no rank."""
    scored = sorted(
        (row for row in rows if row.mean_exact is not None), key=lambda row: -(row.mean_exact or 0)
    )
    previous: Decimal | None = None
    rank = 0
    for position, row in enumerate(scored, start=1):
        if row.mean_exact != previous:
            rank, previous = position, row.mean_exact
        row.rank = rank
    for row in rows:
        if row.mean_exact is None:
            row.rank = None


# --- sorting and filtering ---------------------------------------------------------------------


def _by_rank(row: RankingRow) -> tuple[Any, ...]:
    return (row.rank, row.province_sort, row.number, row.pk)


SORT_KEYS = {
    # Each sort's natural order; rows without the value (no submitted total) always come last.
    "rank": _by_rank,
    "province": lambda row: (row.province_sort, row.rank is None, row.rank or 0, row.number),
    "mean": lambda row: (-(row.mean_exact or 0), *_by_rank(row)),
    "spread": lambda row: (-(row.spread or 0), -(row.stdev or 0), *_by_rank(row)),
}
NEEDS_VALUE = {"rank": "rank", "province": None, "mean": "mean_exact", "spread": "spread"}


def sort_rows(rows: Iterable[RankingRow], sort: str, *, descending: bool = False) -> list[RankingRow]:
    """`rows` in the order of `sort` (natural: rank 1 first, province by its order, highest
    mean first, widest spread first), or its reverse; rows lacking the value stay last."""
    key = SORT_KEYS.get(sort, SORT_KEYS[DEFAULT_SORT])
    attribute = NEEDS_VALUE.get(sort, "rank")
    rows = list(rows)
    with_value = [row for row in rows if attribute is None or getattr(row, attribute) is not None]
    without = [row for row in rows if attribute is not None and getattr(row, attribute) is None]
    with_value.sort(key=key, reverse=descending)
    without.sort(key=lambda row: (row.province_sort, row.number, row.pk))
    return with_value + without


def filter_rows(rows: Iterable[RankingRow], filters: Filters) -> list[RankingRow]:
    """Narrow `rows` by province, priority flag and state. Ranks stay those of the whole round."""
    found = list(rows)
    if filters.province:
        found = [row for row in found if row.province_code == filters.province]
    if filters.priority:
        wanted = filters.priority == "1"
        found = [row for row in found if row.is_priority == wanted]
    if filters.state:
        found = [row for row in found if row.state == filters.state]
    return found


def apply(rows: Iterable[RankingRow], filters: Filters) -> list[RankingRow]:
    return sort_rows(filter_rows(rows, filters), filters.sort, descending=filters.descending)


def provinces_of(rows: Iterable[RankingRow]) -> list[tuple[str, str]]:
    """(code, name) of the provinces that have ranked projects, in the provinces' order."""
    seen: dict[str, tuple[str, str]] = {}
    for row in sorted(rows, key=lambda row: row.province_sort):
        seen.setdefault(row.province_code, (row.province_code, row.province_name))
    return list(seen.values())


# --- rounds ------------------------------------------------------------------------------------


def ranking_round(choice: str | None, rounds: list[Round]) -> Round | None:
    """The round the ranking shows, of `rounds` (newest first): the one chosen (by year), else
    the latest round with projects at CNIPA, else the latest round."""
    if choice and choice.isdigit():
        chosen = next((round for round in rounds if round.year == int(choice)), None)
        if chosen is not None:
            return chosen
    if not rounds:
        return None
    with_projects = set(
        Recommendation.objects.filter(state__in=RANKED_STATES).values_list("round_id", flat=True).distinct()
    )
    return next((round for round in rounds if round.pk in with_projects), rounds[0])


def is_published(round: Round) -> bool:
    return round.state == RoundState.PUBLISHED


@dataclass(frozen=True)
class Summary:
    """Where the round's decision stands, counted from its ranking rows (no query)."""

    ranked: int
    under_review: int
    reviewed: int
    selected: int
    not_selected: int
    undecided: int

    @property
    def can_publish(self) -> bool:
        return self.under_review == 0 and self.undecided == 0 and self.reviewed > 0


def summarise(rows: Iterable[RankingRow]) -> Summary:
    rows = list(rows)
    reviewed = [row for row in rows if row.state == State.REVIEWED]
    decided = [row for row in rows if row.decision is not None]
    return Summary(
        ranked=len(rows),
        under_review=sum(1 for row in rows if row.state in UNDER_REVIEW_STATES),
        reviewed=len(reviewed),
        selected=sum(1 for row in decided if row.decision),
        not_selected=sum(1 for row in decided if not row.decision),
        undecided=sum(1 for row in reviewed if row.decision is None),
    )


# --- the outcome, after publication --------------------------------------------------------------

OUTCOME_STATES = (State.SELECTED, State.NOT_SELECTED)


def outcome_in_round(recs: QuerySet[Recommendation], round: Round) -> QuerySet[Recommendation]:
    """Of `recs` (already scoped to the user), those of `round` that have an outcome: nothing
    until the round is published. Only the columns the outcome page shows are read."""
    if not is_published(round):
        return recs.none()
    return (
        recs.filter(round=round, state__in=OUTCOME_STATES)
        .select_related(None)
        .select_related("province", "implementing_unit")
        .only("number", "number_seq", "project_name", "state", "province__name", "implementing_unit__name")
        .order_by("province__sort_key", "number_seq", "pk")
    )
