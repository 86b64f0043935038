"""What the recommendation pages list: the unit's, the province's and the national lists, a
recommendation's history and versions. Rows come ready to print (the columns shown, labels and
times formatted once per page, no form content, no model instances where a row shows a few
fields) and each page takes a fixed number of queries whatever its number of rows
(tests/recommendations/test_views_queries.py)."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dibiao.accounts.models import User
from dibiao.core import pages
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.recommendations.choices import HOLDS_QUOTA, Action, State
from dibiao.recommendations.models import Notification, Recommendation, Transition, Version
from dibiao.rounds import queries as round_queries
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Extension, Quota, Round

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


def pick_round(candidates: Sequence[Round], choice: str | None) -> Round | None:
    """The round a list shows, among `candidates` (newest first): the one chosen (by year), else
    the latest open round, else the latest of all. No query: the pages list the rounds for
    their picker anyway."""
    if choice and choice.isdigit():
        year = int(choice)
        chosen = next((round_ for round_ in candidates if round_.year == year), None)
        if chosen is not None:
            return chosen
    open_ = next((round_ for round_ in candidates if round_.state == RoundState.OPEN), None)
    return open_ or (candidates[0] if candidates else None)


def _deadline(round_: Round, extended_until: dt.datetime | None) -> dt.datetime:
    """A province's deadline: its latest extension, never before the round's own deadline."""
    return max(round_.deadline_at, extended_until or round_.deadline_at)


def province_rounds(province: Organisation) -> list[Round]:
    """The announced rounds, newest first, each with the province's quota (`own_cap`, None if it
    has none) and deadline (`province_deadline`) in it: the round picker, the chosen round, its
    quota and deadline in one query."""
    cap = Quota.objects.filter(round=OuterRef("pk"), province=province).order_by().values("cap")[:1]
    latest = Extension.objects.filter(round=OuterRef("pk"), province=province).order_by("-granted_at", "-pk")
    result: list[Round] = list(
        rounds().annotate(
            own_cap=Subquery(cap, output_field=IntegerField()),
            extended_until=Subquery(latest.values("until")[:1]),
        )
    )
    for round_ in result:
        round_.province_deadline = _deadline(round_, round_.extended_until)  # type: ignore[attr-defined]
    return result


def select_round(choice: str | None, *, include_drafts: bool = False) -> Round | None:
    """`pick_round` among the announced rounds (all rounds with `include_drafts`)."""
    candidates = Round.objects.order_by("-year") if include_drafts else rounds()
    return pick_round(list(candidates), choice)


def open_round() -> Round | None:
    return Round.objects.filter(state=RoundState.OPEN).order_by("-year").first()


# --- what every row shows, computed once per page ------------------------------------------------


def local_format(pattern: str) -> Callable[[dt.datetime | None], str]:
    """A formatter of times in the current time zone (looked up once, not once a row):
    `strftime(pattern)`, "" for None. "%Y-%m-%d %H:%M" prints what the `date` filter prints
    for "Y-m-d H:i"."""
    zone = timezone.get_current_timezone()
    return lambda value: "" if value is None else value.astimezone(zone).strftime(pattern)


MINUTE = "%Y-%m-%d %H:%M"
DAY = "%Y-%m-%d"


class DetailUrls:
    """The address of each recommendation's page from one `reverse`: prefix + pk + suffix."""

    PLACEHOLDER = 2_147_483_647

    def __init__(self) -> None:
        url = reverse("recommendations:detail", args=[self.PLACEHOLDER])
        self.prefix, self.suffix = url.split(str(self.PLACEHOLDER), 1)

    def __call__(self, pk: int) -> str:
        return f"{self.prefix}{pk}{self.suffix}"


def state_labels() -> dict[str, str]:
    """Each state's label in the active language."""
    return {value: str(label) for value, label in State.choices}


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
        .defer("data")
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
    """The province's recommendations in one state: rows as `province_rows` makes them."""

    state: State
    rows: list[dict[str, Any]] = field(default_factory=list)

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
    silent_units: Sequence[Any]
    total: int

    @property
    def quota_left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.held, 0)


def province_rows(
    visible: QuerySet[Recommendation], province: Organisation, round_: Round
) -> list[dict[str, Any]]:
    """The province's recommendations in `round_` (within `visible`), by implementing unit: one
    dict per row with what the list shows, ready to print (no form content, no model
    instances). One query."""
    untitled = gettext("(untitled recommendation)")
    url = DetailUrls()
    minute = local_format(MINUTE)
    recs = (
        visible.filter(round=round_, province=province)
        .order_by("implementing_unit__sort_key", "pk")
        .values_list(
            "pk", "state", "number", "is_returned", "submitted_at", "project_name", "implementing_unit__name"
        )
    )
    return [
        {
            "url": url(pk),
            "state": state,
            "number": number or "—",
            "is_returned": is_returned,
            "submitted": minute(submitted_at) or "—",
            "name": name or untitled,
            "unit": unit,
        }
        for pk, state, number, is_returned, submitted_at, name, unit in recs
    ]


def province_page(visible: QuerySet[Recommendation], province: Organisation, round_: Round) -> ProvincePage:
    """The province's recommendations in `round_` (one of `province_rounds`, which carries the
    province's quota and deadline) within `visible`, by state, what it holds, and its
    implementing units that have submitted nothing. Two queries."""
    rows = province_rows(visible, province, round_)
    groups = {state: StateGroup(state) for state in State}
    for row in rows:
        groups[State(row["state"])].rows.append(row)
    held = sum(1 for row in rows if row["state"] in HOLDS_QUOTA)
    in_round = Q(recommendations__round=round_)
    units = (
        Organisation.objects.filter(kind=Kind.IMPLEMENTING, province=province, is_active=True)
        .annotate(
            submitted=Count(
                "recommendations", filter=in_round & Q(recommendations__state__in=SUBMITTED_OR_LATER)
            ),
            draft_count=Count("recommendations", filter=in_round),
        )
        .order_by("sort_key", "name")
        .values("name", "code", "submitted", "draft_count")
    )
    silent = [unit for unit in units if not unit["submitted"]]
    return ProvincePage(
        round=round_,
        province=province,
        quota=round_.own_cap,  # type: ignore[attr-defined]
        held=held,
        deadline=round_.province_deadline,  # type: ignore[attr-defined]
        groups=[group for group in groups.values() if group.rows],
        silent_units=silent,
        total=len(rows),
    )


# --- the national page -------------------------------------------------------------------------


class ProvincialUnit(NamedTuple):
    """A provincial unit as the national page shows it: with its quota and deadline in a round."""

    pk: int
    name: str
    province_code: str
    cap: int | None = None
    deadline: dt.datetime | None = None


def provincial_units(round_: Round | None = None) -> list[ProvincialUnit]:
    """The provincial units by province code; with `round_`, each with its quota in it (None if
    it has none) and its deadline. One query."""
    provinces = Organisation.objects.filter(kind=Kind.PROVINCIAL).order_by("province_code")
    if round_ is None:
        return [ProvincialUnit(*row) for row in provinces.values_list("pk", "name", "province_code")]
    cap = Quota.objects.filter(round=round_, province=OuterRef("pk")).order_by().values("cap")[:1]
    latest = Extension.objects.filter(round=round_, province=OuterRef("pk")).order_by("-granted_at", "-pk")
    rows = provinces.values_list(
        "pk",
        "name",
        "province_code",
        Subquery(cap, output_field=IntegerField()),
        Subquery(latest.values("until")[:1]),
    )
    return [
        ProvincialUnit(pk, name, code, cap, _deadline(round_, extended_until))
        for pk, name, code, cap, extended_until in rows
    ]


# What each province has in a round, from one GROUP BY over its recommendations:
# {province id: {state: (recommendations, of which with the paper copy received)}}.
StateCounts = dict[int, dict[str, tuple[int, int]]]


def state_counts(visible: QuerySet[Recommendation], round_: Round) -> StateCounts:
    """How many recommendations (within `visible`) each province has in `round_` in each state,
    and how many of those have their paper copy: one GROUP BY query over the round's
    recommendations, for the table by province and the list's count alike."""
    counts: StateCounts = {}
    groups = (
        visible.filter(round=round_)
        .order_by()
        .values("province_id", "state")
        .annotate(n=Count("pk"), paper=Count("pk", filter=Q(paper_received_at__isnull=False)))
    )
    for group in groups:
        counts.setdefault(group["province_id"], {})[group["state"]] = (group["n"], group["paper"])
    return counts


def national_rows(
    round_: Round, provinces: Sequence[ProvincialUnit], counts: StateCounts
) -> list[dict[str, Any]]:
    """One row per provincial unit (`provincial_units(round_)`): what it submitted, recommended,
    what CNIPA received and the paper copies that arrived, against its quota, and its
    deadline; ready to print. No query."""
    minute = local_format(MINUTE)
    rows = []
    for province in provinces:
        by_state = counts.get(province.pk, {})
        submitted = recommended = received = paper = 0
        for state, (n, with_paper) in by_state.items():
            if state in SUBMITTED_OR_LATER:
                submitted += n
            if state in HOLDS_QUOTA:
                recommended += n
            if state in RECEIVED_OR_LATER:
                received += n
                paper += with_paper
        quota = province.cap
        deadline = province.deadline or round_.deadline_at
        rows.append(
            {
                "name": province.name,
                "href": f"?round={round_.year}&province={province.province_code}#list",
                "submitted": submitted,
                "recommended": recommended,
                "received": received,
                "paper": paper,
                "paper_missing": received - paper,
                "quota": quota,
                # Recommended (held) projects as a percentage of the quota.
                "quota_use": f"{round(100 * recommended / quota)}%" if quota else "—",
                "deadline": minute(deadline),
                "extended": deadline != round_.deadline_at,
            }
        )
    return rows


@dataclass
class Totals:
    submitted: int = 0
    recommended: int = 0
    received: int = 0
    paper: int = 0
    quota: int = 0


def totals(rows: list[dict[str, Any]]) -> Totals:
    result = Totals()
    for row in rows:
        result.submitted += row["submitted"]
        result.recommended += row["recommended"]
        result.received += row["received"]
        result.paper += row["paper"]
        result.quota += row["quota"] or 0
    return result


def national_count(
    counts: StateCounts, *, province: ProvincialUnit | None = None, state: str | None = None
) -> int:
    """How many rows `national_list` has with these filters, from `state_counts`."""
    return sum(
        n
        for province_id, by_state in counts.items()
        if province is None or province_id == province.pk
        for row_state, (n, _paper) in by_state.items()
        if row_state != State.DRAFT and (not state or row_state == state)
    )


def national_list(
    visible: QuerySet[Recommendation],
    round_: Round,
    *,
    province: ProvincialUnit | None = None,
    state: str | None = None,
) -> QuerySet[Any]:
    """Every recommendation of the round (within `visible`) that has left its unit, filtered:
    the columns the list shows (`national_page_rows` makes them ready to print)."""
    recs = (
        visible.filter(round=round_)
        .exclude(state=State.DRAFT)
        .order_by("province__province_code", "number_seq", "implementing_unit__sort_key", "pk")
    )
    if province is not None:
        recs = recs.filter(province_id=province.pk)
    if state:
        recs = recs.filter(state=state)
    return recs.values_list(
        "pk",
        "number",
        "state",
        "is_returned",
        "received_at",
        "paper_received_at",
        "project_name",
        "province__name",
        "implementing_unit__name",
    )


def national_page_rows(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The rows of one page of `national_list`, ready to print."""
    untitled = gettext("(untitled recommendation)")
    url = DetailUrls()
    labels = state_labels()
    day = local_format(DAY)
    return [
        {
            "url": url(pk),
            "number": number or "—",
            "state_label": labels.get(state, state),
            "is_returned": is_returned,
            "paper": day(paper_received_at),
            "paper_missing": received_at is not None and paper_received_at is None,
            "name": name or untitled,
            "province_name": province_name,
            "unit": unit,
        }
        for pk, number, state, is_returned, received_at, paper_received_at, name, province_name, unit in rows
    ]


class CountedPaginator(Paginator):
    """A paginator told its count (the page has it already), so it does not ask the database."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def paginate(queryset: QuerySet[Any], page: str | None, *, count: int | None = None) -> Page:
    paginator = (
        Paginator(queryset, PAGE_SIZE) if count is None else CountedPaginator(queryset, PAGE_SIZE, count)
    )
    return paginator.get_page(page)


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
        .defer("data")
        .order_by("province__province_code", "number_seq", "pk")
    )
    by_province: dict[int, PaperMissing] = {}
    for rec in recs:
        by_province.setdefault(rec.province_id, PaperMissing(rec.province, [])).recs.append(rec)
    return list(by_province.values())


# --- one recommendation's history and versions --------------------------------------------------


def history(rec: Recommendation) -> list[dict[str, Any]]:
    """Every step of `rec`, oldest first: when, what, who (and their organisation), from and to
    which state, why, with which version; labels in the active language. One query, no model
    instances (nor the versions' frozen forms)."""
    actions = dict(Action.choices)
    states = state_labels()
    steps = (
        Transition.objects.filter(recommendation=rec)
        .order_by("at", "pk")
        .values_list(
            "at",
            "action",
            "actor__full_name",
            "actor__organisation__name",
            "from_state",
            "to_state",
            "reason",
            "version__number",
        )
    )
    return [
        {
            "at": at,
            "action": actions.get(action, action),
            "actor": actor,
            "organisation": organisation,
            "from_state": states.get(from_state, from_state),
            "to_state": states.get(to_state, to_state),
            "reason": reason,
            "version": version,
        }
        for at, action, actor, organisation, from_state, to_state, reason, version in steps
    ]


def versions(rec: Recommendation) -> list[dict[str, Any]]:
    """The frozen versions of `rec` by number: number, when, by whom, fingerprint. One query."""
    rows = (
        Version.objects.filter(recommendation=rec)
        .order_by("number")
        .values_list("number", "created_at", "created_by__full_name", "fingerprint")
    )
    return [
        {"number": number, "created_at": created_at, "created_by": created_by, "fingerprint": fingerprint}
        for number, created_at, created_by, fingerprint in rows
    ]


# --- notifications -----------------------------------------------------------------------------


def notifications_for(user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user).select_related("recommendation").order_by("-created_at", "-pk")
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    count = pages.derived(
        f"unread:{user.pk}", lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
    )
    return count or 0
