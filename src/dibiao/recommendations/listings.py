"""What the recommendation list pages show: rows and aggregates, each page in a fixed number
of queries whatever its number of rows (tests/recommendations/test_views_queries.py)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from dibiao.accounts.models import User
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.recommendations.choices import HOLDS_QUOTA, State
from dibiao.recommendations.models import Notification, Recommendation
from dibiao.rounds import queries as round_queries
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Quota, Round

PAGE_SIZE = 50

# States at or after "submitted to the province", and at or after "received by CNIPA".
SUBMITTED_OR_LATER = tuple(state for state in State if state != State.DRAFT)
RECEIVED_OR_LATER = tuple(state for state in HOLDS_QUOTA if state != State.RECOMMENDED)

# What the implementing unit does (or waits for) next, by state.
NEXT_STEP = {
    State.DRAFT: _("Fill in the form and submit it to the province"),
    State.SUBMITTED: _("Waiting for the province to recommend it"),
    State.RECOMMENDED: _("Waiting for CNIPA to receive it"),
    State.RECEIVED: _("Received; waiting for the expert review"),
    State.IN_REVIEW: _("In expert review"),
    State.REVIEWED: _("Reviewed; waiting for the decision"),
    State.SELECTED: _("Selected: CNIPA follows the project"),
    State.NOT_SELECTED: _("Not selected this round"),
}
NEXT_STEP_RETURNED = _("Returned: change it as the reason says and submit it again")

STATE_BADGE = {
    State.DRAFT: "",
    State.SUBMITTED: "info",
    State.RECOMMENDED: "warn",
    State.RECEIVED: "ok",
    State.IN_REVIEW: "ok",
    State.REVIEWED: "ok",
    State.SELECTED: "ok",
    State.NOT_SELECTED: "",
}


def next_step(rec: Recommendation) -> Any:
    if rec.state == State.DRAFT and rec.is_returned:
        return NEXT_STEP_RETURNED
    return NEXT_STEP.get(State(rec.state), "")


# --- rounds --------------------------------------------------------------------------------------


def rounds() -> QuerySet[Round]:
    return Round.objects.exclude(state=RoundState.DRAFT).order_by("-year")


def select_round(choice: str | None, *, include_drafts: bool = False) -> Round | None:
    """The round a list shows: the one chosen (by year), else the latest open round, else the
    latest of all."""
    candidates = Round.objects.all() if include_drafts else rounds()
    if choice and choice.isdigit():
        chosen = candidates.filter(year=int(choice)).first()
        if chosen is not None:
            return chosen
    return candidates.filter(state=RoundState.OPEN).order_by("-year").first() or candidates.first()


def open_round() -> Round | None:
    return Round.objects.filter(state=RoundState.OPEN).order_by("-year").first()


# --- the implementing unit's list --------------------------------------------------------------


@dataclass
class UnitRow:
    rec: Recommendation
    deadline: dt.datetime | None

    @property
    def next_step(self) -> Any:
        return next_step(self.rec)

    @property
    def badge(self) -> str:
        return STATE_BADGE.get(State(self.rec.state), "")


def unit_rows(visible: QuerySet[Recommendation], unit: Organisation) -> list[UnitRow]:
    """All recommendations of an implementing unit (within `visible`), newest round first, with
    the deadline of its province in each round: one query, plus one per round (not per row)."""
    recs = list(
        visible.filter(implementing_unit=unit)
        .select_related("round")
        .order_by("-round__year", "-updated_at", "-pk")
    )
    deadlines: dict[int, dt.datetime] = {}
    if unit.province_id is not None:
        for round_ in {rec.round_id: rec.round for rec in recs}.values():
            deadlines[round_.pk] = round_queries.deadline_for(round_, unit.province)  # type: ignore[arg-type]
    return [UnitRow(rec, deadlines.get(rec.round_id)) for rec in recs]


# --- the province's page -----------------------------------------------------------------------


@dataclass
class StateGroup:
    state: State
    rows: list[Recommendation] = field(default_factory=list)

    @property
    def label(self) -> Any:
        return self.state.label

    @property
    def badge(self) -> str:
        return STATE_BADGE.get(self.state, "")


@dataclass
class ProvincePage:
    round: Round
    province: Organisation
    quota: int | None
    held: int
    deadline: dt.datetime
    groups: list[StateGroup]
    silent_units: Sequence[Organisation]
    total: int

    @property
    def quota_left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.held, 0)


def province_page(visible: QuerySet[Recommendation], province: Organisation, round_: Round) -> ProvincePage:
    """The province's recommendations in `round_` (within `visible`), by state, its quota and
    what it holds, and its implementing units that have submitted nothing. Four queries."""
    recs = list(
        visible.filter(round=round_, province=province)
        .select_related("implementing_unit")
        .order_by("implementing_unit__sort_key", "pk")
    )
    groups = {state: StateGroup(state) for state in State}
    for rec in recs:
        groups[State(rec.state)].rows.append(rec)
    quota = Quota.objects.filter(round=round_, province=province).values_list("cap", flat=True).first()
    held = sum(1 for rec in recs if rec.state in HOLDS_QUOTA)
    submitted = Recommendation.objects.filter(
        round=round_, implementing_unit=OuterRef("pk"), state__in=SUBMITTED_OR_LATER
    )
    silent = list(
        Organisation.objects.filter(kind=Kind.IMPLEMENTING, province=province, is_active=True)
        .annotate(
            has_submitted=Exists(submitted),
            draft_count=Count("recommendations", filter=Q(recommendations__round=round_)),
        )
        .filter(has_submitted=False)
        .order_by("sort_key", "name")
    )
    return ProvincePage(
        round=round_,
        province=province,
        quota=quota,
        held=held,
        deadline=round_queries.deadline_for(round_, province),
        groups=[group for group in groups.values() if group.rows],
        silent_units=silent,
        total=len(recs),
    )


# --- the national page -------------------------------------------------------------------------


@dataclass
class NationalRow:
    province: Organisation
    submitted: int
    recommended: int
    received: int
    paper: int
    quota: int | None
    deadline: dt.datetime | None

    @property
    def quota_use(self) -> int | None:
        """Recommended (held) projects as a percentage of the quota."""
        if not self.quota:
            return None
        return round(100 * self.recommended / self.quota)

    @property
    def paper_missing(self) -> int:
        return self.received - self.paper


def national_rows(round_: Round) -> list[NationalRow]:
    """One row per provincial unit: what it submitted, recommended, what CNIPA received and
    the paper copies that arrived, against its quota. Two queries."""
    in_round = Q(province_recommendations__round=round_)
    quota = Quota.objects.filter(round=round_, province=OuterRef("pk")).values("cap")[:1]
    provinces = (
        Organisation.objects.filter(kind=Kind.PROVINCIAL)
        .annotate(
            n_submitted=Count(
                "province_recommendations",
                filter=in_round & Q(province_recommendations__state__in=SUBMITTED_OR_LATER),
            ),
            n_recommended=Count(
                "province_recommendations",
                filter=in_round & Q(province_recommendations__state__in=HOLDS_QUOTA),
            ),
            n_received=Count(
                "province_recommendations",
                filter=in_round & Q(province_recommendations__state__in=RECEIVED_OR_LATER),
            ),
            n_paper=Count(
                "province_recommendations",
                filter=in_round
                & Q(province_recommendations__state__in=RECEIVED_OR_LATER)
                & Q(province_recommendations__paper_received_at__isnull=False),
            ),
            cap=Subquery(quota, output_field=IntegerField()),
        )
        .order_by("province_code")
    )
    deadlines = round_queries.deadlines_in_round(round_)
    return [
        NationalRow(
            province=province,
            submitted=province.n_submitted,
            recommended=province.n_recommended,
            received=province.n_received,
            paper=province.n_paper,
            quota=province.cap,
            deadline=deadlines.get(province.pk, round_.deadline_at),
        )
        for province in provinces
    ]


@dataclass
class Totals:
    submitted: int = 0
    recommended: int = 0
    received: int = 0
    paper: int = 0
    quota: int = 0


def totals(rows: list[NationalRow]) -> Totals:
    result = Totals()
    for row in rows:
        result.submitted += row.submitted
        result.recommended += row.recommended
        result.received += row.received
        result.paper += row.paper
        result.quota += row.quota or 0
    return result


def national_list(
    visible: QuerySet[Recommendation],
    round_: Round,
    *,
    province: Organisation | None = None,
    state: str | None = None,
) -> QuerySet[Recommendation]:
    """Every recommendation of the round (within `visible`) that has left its unit, filtered."""
    recs = (
        visible.filter(round=round_)
        .exclude(state=State.DRAFT)
        .select_related("implementing_unit", "province")
        .order_by("province__province_code", "number_seq", "implementing_unit__sort_key", "pk")
    )
    if province is not None:
        recs = recs.filter(province=province)
    if state:
        recs = recs.filter(state=state)
    return recs


def paginate(queryset: QuerySet[Any], page: str | None) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(page)


@dataclass
class PaperMissing:
    province: Organisation
    recs: list[Recommendation]


def paper_missing(round_: Round) -> list[PaperMissing]:
    """The provinces whose received projects still lack their sealed paper copy, with those
    projects. One query."""
    recs = (
        Recommendation.objects.filter(
            round=round_, state__in=RECEIVED_OR_LATER, paper_received_at__isnull=True
        )
        .select_related("province", "implementing_unit")
        .order_by("province__province_code", "number_seq", "pk")
    )
    by_province: dict[int, PaperMissing] = {}
    for rec in recs:
        by_province.setdefault(rec.province_id, PaperMissing(rec.province, [])).recs.append(rec)
    return list(by_province.values())


def provincial_units() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Kind.PROVINCIAL).order_by("province_code")


# --- notifications -----------------------------------------------------------------------------


def notifications_for(user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user).select_related("recommendation").order_by("-created_at", "-pk")
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
