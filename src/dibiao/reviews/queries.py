"""Reusable reads of the expert review: conflicts of interest, the conditions of the review
steps, what an expert may read of a project, and the tables of the review pages."""

from collections import defaultdict
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from dibiao.recommendations.choices import State
from dibiao.recommendations.models import Recommendation
from dibiao.reviews.choices import ReviewState
from dibiao.reviews.models import Assignment, Criterion, Expert, Panel, Tie
from dibiao.rounds.models import Round

# The states in which experts can still be assigned to a project (and removed from it).
ASSIGNABLE_STATES = (State.RECEIVED, State.IN_REVIEW)


# --- conflicts of interest ---------------------------------------------------------------------


def tied_unit_ids(expert: Expert) -> set[int]:
    return set(Tie.objects.filter(expert=expert).values_list("organisation_id", flat=True))


def conflict_of(expert: Expert, rec: Recommendation, ties: Iterable[Tie] | None = None) -> str | None:
    """Why `expert` may not review `rec`, or None. Own province first, then a declared tie to
    the implementing or the recommending unit. `ties` saves the query when known."""
    if expert.province_id is not None and expert.province_id == rec.province_id:
        return _("%(expert)s comes from %(province)s, the province of this project.") % {
            "expert": expert.user.full_name,
            "province": rec.province.name,
        }
    tie_list = list(ties) if ties is not None else list(expert.ties.select_related("organisation"))
    for tie in tie_list:
        if tie.organisation_id in (rec.implementing_unit_id, rec.province_id):
            return _("%(expert)s declared a tie to %(unit)s (%(kind)s).") % {
                "expert": expert.user.full_name,
                "unit": tie.organisation.name,
                "kind": tie.get_kind_display(),
            }
    return None


# --- the conditions of the review steps (recommendations.workflow calls them under the lock) ---


def start_review_problem(rec: Recommendation) -> str | None:
    """A project goes to review only with its experts assigned."""
    if not Assignment.objects.filter(recommendation=rec).exists():
        return _("No expert is assigned to this project yet: assign its experts first.")
    return None


def complete_review_problem(rec: Recommendation) -> str | None:
    """The review of a project is complete when every assigned review is submitted and the
    group leader's opinion (专家组意见) is written."""
    counts = Assignment.objects.filter(recommendation=rec).aggregate(
        total=Count("pk"), open=Count("pk", filter=~Q(state=ReviewState.SUBMITTED))
    )
    if not counts["total"]:
        return _("No expert is assigned to this project.")
    if counts["open"]:
        return _("%(open)d of the %(total)d reviews of this project are not submitted yet.") % counts
    if not group_opinion_of(rec).get("opinion"):
        return _("The group leader has not written the expert group's opinion yet.")
    return None


# --- what an expert reads ----------------------------------------------------------------------

# Where the form holds phones, faxes, e-mail and postal addresses. Experts need none of them.
CONTACT_PATHS = (
    "implementing_unit.phone",
    "implementing_unit.fax",
    "implementing_unit.email",
    "implementing_unit.address",
    "implementing_unit.responsible.landline",
    "implementing_unit.responsible.mobile",
    "implementing_unit.contact.mobile",
    "implementing_unit.contact.landline",
    "implementing_unit.contact.fax",
    "recommending_unit.division_head.mobile",
    "recommending_unit.contact.mobile",
)
# Parts of the form that are CNIPA's own business (六), not the reviewer's.
NATIONAL_ONLY = ("approval",)


def reviewer_copy(data: dict[str, Any] | None) -> dict[str, Any]:
    """The form as a reviewer sees it: a copy of `data` without the contact persons' phones,
    faxes, e-mail and postal address (CONTACT_PATHS) and without 六 (NATIONAL_ONLY). Pages
    for experts are built from this copy only, never from the stored data."""
    copy = deepcopy(data or {})
    for path in CONTACT_PATHS:
        *parents, key = path.split(".")
        node: Any = copy
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(key, None)
    for key in NATIONAL_ONLY:
        copy.pop(key, None)
    return copy


def paragraphs(text: Any) -> list[str]:
    """A long text as its paragraphs: one per non-empty line, leading spaces removed (the
    page indents paragraphs itself)."""
    if not isinstance(text, str):
        return []
    return [line.strip(" \t\u3000") for line in text.splitlines() if line.strip(" \t\u3000")]


def group_opinion_of(rec: Recommendation) -> dict[str, Any]:
    approval = (rec.data or {}).get("approval")
    value = approval.get("expert_group") if isinstance(approval, dict) else None
    return value if isinstance(value, dict) else {}


def department_opinion_of(rec: Recommendation) -> dict[str, Any]:
    approval = (rec.data or {}).get("approval")
    value = approval.get("department") if isinstance(approval, dict) else None
    return value if isinstance(value, dict) else {}


# --- panels, rubrics, pools --------------------------------------------------------------------


def panel_of(round: Round) -> Panel | None:
    return Panel.objects.select_related("leader", "leader__user").filter(round=round).first()


def review_started(round: Round) -> bool:
    return Panel.objects.filter(round=round, review_started_at__isnull=False).exists()


def criteria_of(round: Round) -> list[Criterion]:
    return list(Criterion.objects.filter(round=round).order_by("position", "pk"))


def rubric_total(criteria: Iterable[Criterion]) -> Decimal:
    return sum((criterion.max_points for criterion in criteria), Decimal(0))


def active_experts() -> QuerySet[Expert]:
    return Expert.objects.filter(is_active=True, user__is_active=True).select_related("user", "province")


def search_experts(experts: QuerySet[Expert], text: str) -> QuerySet[Expert]:
    """Experts whose name, affiliation, field, province, e-mail or phone contains `text`."""
    text = text.strip()
    if not text:
        return experts
    return experts.filter(
        Q(user__full_name__icontains=text)
        | Q(affiliation__icontains=text)
        | Q(field__icontains=text)
        | Q(province__name__icontains=text)
        | Q(user__email__icontains=text)
        | Q(user__phone__icontains=text)
    )


def with_assignment_counts(experts: QuerySet[Expert], round: Round | None = None) -> QuerySet[Expert]:
    """Each expert with `assignment_count` (in `round`, or in all rounds) and `open_count`."""
    in_round = Q(assignments__recommendation__round=round) if round is not None else Q()
    return experts.annotate(
        assignment_count=Count("assignments", filter=in_round, distinct=True),
        open_count=Count(
            "assignments", filter=in_round & ~Q(assignments__state=ReviewState.SUBMITTED), distinct=True
        ),
    )


# --- an expert's list --------------------------------------------------------------------------


def assignments_for_list(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Score sheets for a list: the project, its round and province, `scored_count` and
    `criteria_count` (of the round's rubric), in
    a fixed number of queries however many there are."""
    return (
        assignments.select_related(
            "recommendation", "recommendation__round", "recommendation__province", "expert__user"
        )
        .annotate(
            scored_count=Count("scores", distinct=True),
            criteria_count=Count("recommendation__round__criteria", distinct=True),
        )
        .order_by(
            "-recommendation__round__year",
            "recommendation__province__sort_key",
            "recommendation__number_seq",
            "pk",
        )
    )


# --- the administrator's round table -----------------------------------------------------------


@dataclass
class ProjectRow:
    rec: Recommendation
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def submitted_count(self) -> int:
        return sum(1 for a in self.assignments if a.state == ReviewState.SUBMITTED)

    @property
    def has_group_opinion(self) -> bool:
        return bool(group_opinion_of(self.rec).get("opinion"))

    @property
    def has_department_opinion(self) -> bool:
        return bool(department_opinion_of(self.rec).get("opinion"))


REVIEW_TABLE_STATES = (State.RECEIVED, State.IN_REVIEW, State.REVIEWED, State.SELECTED, State.NOT_SELECTED)


def projects_in_review(round: Round, *, state: str = "") -> list[ProjectRow]:
    """The round's projects from their receipt on, each with its experts: three queries."""
    recs = (
        Recommendation.objects.filter(round=round, state__in=REVIEW_TABLE_STATES)
        .select_related("province", "implementing_unit")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("expert__user").order_by(
                    "expert__user__full_name", "pk"
                ),
            )
        )
        .order_by("province__sort_key", "number_seq", "pk")
    )
    if state:
        recs = recs.filter(state=state)
    return [ProjectRow(rec, list(rec.assignments.all())) for rec in recs]


def loads_in_round(round: Round) -> dict[int, int]:
    """How many projects of `round` each expert (by pk) is assigned."""
    rows = (
        Assignment.objects.filter(recommendation__round=round)
        .values("expert_id")
        .annotate(count=Count("pk"))
        .values_list("expert_id", "count")
    )
    return dict(rows)


def state_counts(round: Round) -> dict[str, int]:
    rows = (
        Recommendation.objects.filter(round=round, state__in=REVIEW_TABLE_STATES)
        .values("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    return dict(rows)


# --- for the ranking and decision pages --------------------------------------------------------


def submitted_assignments(round: Round) -> QuerySet[Assignment]:
    """The submitted score sheets of `round` with their totals, expert and project; the scores
    per criterion are `assignment.scores` (prefetched)."""
    return (
        Assignment.objects.filter(recommendation__round=round, state=ReviewState.SUBMITTED)
        .select_related("expert__user", "recommendation__province", "recommendation__implementing_unit")
        .prefetch_related("scores__criterion")
        .order_by("recommendation_id", "expert_id")
    )


def submitted_totals(round: Round) -> dict[int, list[Decimal]]:
    """The submitted totals of each project of `round`, by recommendation pk (one query)."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    rows = Assignment.objects.filter(
        recommendation__round=round, state=ReviewState.SUBMITTED, total__isnull=False
    ).values_list("recommendation_id", "total")
    for rec_id, total in rows:
        if total is not None:
            totals[rec_id].append(total)
    return dict(totals)
