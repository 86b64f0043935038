"""Reusable reads of the reports. Each runs a fixed number of queries, whatever the rows."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from dibiao.core.models import AuditEvent
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.reports.choices import SummaryEvent, SummaryState, SummaryStatus, TaskStatus
from dibiao.reports.models import (
    Action,
    ActionPlan,
    ActionTask,
    AnnualSummary,
    CaseTheme,
    TaskProgress,
    TypicalCase,
)


def provincial_units() -> QuerySet[Organisation]:
    """The provincial units (32 in force), in the order of Attachment 2."""
    return Organisation.objects.filter(kind=Kind.PROVINCIAL, is_active=True).order_by("sort_key", "name")


def summary_status(summary: AnnualSummary | None) -> SummaryStatus:
    if summary is None or summary.state != SummaryState.SUBMITTED:
        return SummaryStatus.MISSING
    return SummaryStatus.LATE if summary.is_late else SummaryStatus.SUBMITTED


@dataclass
class SummaryHistoryEntry:
    event: AuditEvent
    label: str
    reason: str


def summary_history(summary: AnnualSummary) -> list[SummaryHistoryEntry]:
    """The summary's steps from the audit log, oldest first: started, submitted, returned (why)."""
    labels = dict(SummaryEvent.choices)
    events = AuditEvent.objects.filter(
        object_type=AnnualSummary._meta.label_lower, object_id=str(summary.pk), verb__in=labels
    ).select_related("actor")
    return [
        SummaryHistoryEntry(event, str(labels[event.verb]), str(event.data.get("reason", "")))
        for event in events.order_by("at", "pk")
    ]


@dataclass
class ProvinceSummaryRow:
    province: Organisation
    summary: AnnualSummary | None
    status: SummaryStatus


def summary_overview(year: int) -> list[ProvinceSummaryRow]:
    """For each provincial unit, its summary of `year` (if any) and its status: two queries."""
    summaries = {
        summary.province_id: summary
        for summary in AnnualSummary.objects.filter(year=year).select_related("submitted_by")
    }
    rows = []
    for province in provincial_units():
        summary = summaries.get(province.pk)
        rows.append(ProvinceSummaryRow(province, summary, summary_status(summary)))
    return rows


def count_statuses(rows: list[Any]) -> dict[str, int]:
    counts = {status.value: 0 for status in SummaryStatus}
    for row in rows:
        counts[row.status.value] += 1
    return counts


def with_themes(cases: QuerySet[TypicalCase]) -> QuerySet[TypicalCase]:
    return cases.prefetch_related(Prefetch("theme_rows", queryset=CaseTheme.objects.order_by("theme")))


def search_cases(
    cases: QuerySet[TypicalCase],
    *,
    q: str = "",
    province: Organisation | None = None,
    gi: str = "",
    theme: str = "",
    year: int | None = None,
) -> QuerySet[TypicalCase]:
    """Filter cases by words (each must appear in the title, GI, summary or full text; CJK
    works as it is: a substring match on SQLite and PostgreSQL alike), province, GI, action and
    year."""
    for word in q.split():
        cases = cases.filter(
            Q(title__icontains=word)
            | Q(gi_name__icontains=word)
            | Q(summary__icontains=word)
            | Q(full_text__icontains=word)
        )
    if province is not None:
        cases = cases.filter(province=province)
    if gi:
        cases = cases.filter(gi_name__icontains=gi.strip())
    if theme:
        cases = cases.filter(theme_rows__theme=theme)
    if year:
        cases = cases.filter(year=year)
    return cases


def plan_overview() -> list[tuple[Organisation, ActionPlan | None]]:
    """Each provincial unit with its action plan, if it has recorded one: two queries."""
    plans = {plan.province_id: plan for plan in ActionPlan.objects.all()}
    return [(province, plans.get(province.pk)) for province in provincial_units()]


@dataclass
class MatrixCell:
    year: int
    status: TaskStatus
    entries: list[TaskProgress] = field(default_factory=list)
    departments: int = 0


@dataclass
class MatrixRow:
    task: ActionTask
    cells: list[MatrixCell]


def combined_status(entries: list[TaskProgress], departments: int) -> TaskStatus:
    """Done when every responsible department says done; in progress once any has begun."""
    statuses = [entry.status for entry in entries]
    if departments and statuses.count(TaskStatus.DONE) >= departments:
        return TaskStatus.DONE
    if any(status != TaskStatus.NOT_STARTED for status in statuses):
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


def task_matrix(years: list[int]) -> list[tuple[Action, list[MatrixRow]]]:
    """Tasks × years: each cell the departments' progress and their combined status."""
    actions = list(Action.objects.prefetch_related("departments", "tasks").order_by("position"))
    progress: dict[tuple[int, int], list[TaskProgress]] = {}
    for entry in TaskProgress.objects.filter(year__in=years).select_related("department"):
        progress.setdefault((entry.task_id, entry.year), []).append(entry)
    matrix = []
    for action in actions:
        departments = len(action.departments.all())
        rows = []
        for task in action.tasks.all():
            cells = []
            for year in years:
                entries = progress.get((task.pk, year), [])
                cells.append(MatrixCell(year, combined_status(entries, departments), entries, departments))
            rows.append(MatrixRow(task, cells))
        matrix.append((action, rows))
    return matrix
