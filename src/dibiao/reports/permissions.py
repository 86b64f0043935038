"""Who may see and do what in the reports: summaries, cases, key projects, plans, tasks.

Built from the predicates of `dibiao.accounts.permissions` (the one place where roles are
read); this module only composes them for the objects of this app. Scopes (`visible_*`) give
the rows a user may see, so anything else is a 404; `can(user, action, obj)` decides the
actions, so a visible object the user may not change is a 403.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet

from dibiao.accounts.permissions import (
    is_implementing_officer,
    is_national_admin,
    is_officer_of_province,
    is_provincial_officer,
)
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.recommendations.choices import State as RecommendationState
from dibiao.recommendations.models import Recommendation
from dibiao.reports.choices import CaseState, SummaryState
from dibiao.reports.models import (
    ActionPlan,
    ActionTask,
    AnnualSummary,
    TypicalCase,
)


class ReportAction:
    """Names of the actions `can` decides here; the comment says what `obj` is."""

    VIEW_SUMMARY_STATUS = "view_summary_status"  # the national overview; no obj
    START_SUMMARY = "start_summary"  # no obj
    EDIT_SUMMARY = "edit_summary"  # obj: the summary
    SUBMIT_SUMMARY = "submit_summary"  # obj: the summary
    LIST_CASES = "list_cases"  # the internal case list; no obj
    PROPOSE_CASES = "propose_cases"  # start a case; no obj
    EDIT_CASE = "edit_case"  # obj: the case
    PROPOSE_CASE = "propose_case"
    RETURN_CASE = "return_case"
    ACCEPT_CASE = "accept_case"
    PUBLISH_CASE = "publish_case"
    UNPUBLISH_CASE = "unpublish_case"
    LIST_KEY_PROJECTS = "list_key_projects"  # no obj
    ADD_FOLLOW_UP = "add_follow_up"  # obj: the key project (a Recommendation)
    WRITE_PROGRESS_NOTE = "write_progress_note"  # obj: the key project
    VIEW_PLAN_STATUS = "view_plan_status"  # no obj
    EDIT_PLAN = "edit_plan"  # obj: the provincial unit (an Organisation) or its plan
    VIEW_TASKS = "view_tasks"  # the matrix; no obj
    RECORD_TASK_PROGRESS = "record_task_progress"  # obj: the task


# --- predicates -------------------------------------------------------------------------------


def is_officer_of_provincial_unit(user: Any) -> bool:
    """A provincial officer whose organisation is the provincial unit itself (not a centre):
    the unit that files summaries, proposes cases and records the plan."""
    return (
        is_provincial_officer(user)
        and user.organisation is not None
        and user.organisation.kind == Kind.PROVINCIAL
    )


def is_department_user(user: Any) -> bool:
    """A national administrator working for one of the national departments."""
    return (
        is_national_admin(user)
        and user.organisation is not None
        and user.organisation.kind == Kind.DEPARTMENT
    )


def departments_user_may_record_for(user: Any, task: ActionTask) -> list[Organisation]:
    """The task's responsible departments `user` may record progress for: a department's own
    administrators for their department only; administrators of the national office (or of no
    organisation) for any of them, on a department's behalf."""
    if not is_national_admin(user):
        return []
    departments = list(task.action.departments.all())
    if is_department_user(user):
        return [dept for dept in departments if dept.pk == user.organisation_id]
    return departments


# --- scopes -----------------------------------------------------------------------------------


def visible_summaries(user: Any) -> QuerySet[AnnualSummary]:
    """All for the national administrator; its own province's for a provincial officer."""
    summaries = AnnualSummary.objects.select_related("province")
    if is_national_admin(user):
        return summaries
    if is_provincial_officer(user):
        return summaries.filter(province_id=user.organisation_id)
    return summaries.none()


def visible_cases(user: Any) -> QuerySet[TypicalCase]:
    """A province sees all its cases; the national administrator every case a province has
    proposed (a draft stays the province's own until then)."""
    cases = TypicalCase.objects.select_related("province")
    if is_national_admin(user):
        return cases.exclude(state=CaseState.DRAFT)
    if is_provincial_officer(user):
        return cases.filter(province_id=user.organisation_id)
    return cases.none()


def visible_key_projects(user: Any) -> QuerySet[Recommendation]:
    """Selected projects: all for the national administrator, a province's own for its
    officers, its own for the implementing unit; nothing for anyone else."""
    projects = Recommendation.objects.filter(state=RecommendationState.SELECTED).select_related(
        "round", "implementing_unit", "province"
    )
    if is_national_admin(user):
        return projects
    if is_provincial_officer(user):
        return projects.filter(province_id=user.organisation_id)
    if is_implementing_officer(user):
        return projects.filter(implementing_unit_id=user.organisation_id)
    return projects.none()


def visible_plans(user: Any) -> QuerySet[ActionPlan]:
    plans = ActionPlan.objects.select_related("province")
    if is_national_admin(user):
        return plans
    if is_provincial_officer(user):
        return plans.filter(province_id=user.organisation_id)
    return plans.none()


# --- actions ----------------------------------------------------------------------------------


def _summary_owner_while_draft(user: Any, summary: AnnualSummary | None) -> bool:
    return (
        summary is not None
        and is_officer_of_province(user, summary.province_id)
        and summary.state == SummaryState.DRAFT
    )


def _case_in_state(states: tuple[str, ...], who: Callable[[Any, TypicalCase], bool]) -> Callable[..., bool]:
    def rule(user: Any, case: TypicalCase | None) -> bool:
        return case is not None and case.state in states and who(user, case)

    return rule


def _province_of_case(user: Any, case: TypicalCase) -> bool:
    return is_officer_of_province(user, case.province_id)


def _admin(user: Any, obj: Any = None) -> bool:
    return is_national_admin(user)


def _can_edit_case(user: Any, case: TypicalCase | None) -> bool:
    if case is None:
        return False
    if case.state == CaseState.DRAFT:
        return _province_of_case(user, case)
    return is_national_admin(user)


def _can_add_follow_up(user: Any, project: Recommendation | None) -> bool:
    return project is not None and project.state == RecommendationState.SELECTED and is_national_admin(user)


def _can_write_progress_note(user: Any, project: Recommendation | None) -> bool:
    return (
        project is not None
        and project.state == RecommendationState.SELECTED
        and is_implementing_officer(user)
        and user.organisation_id == project.implementing_unit_id
    )


def _can_edit_plan(user: Any, obj: Organisation | ActionPlan | None) -> bool:
    if obj is None:
        return is_officer_of_provincial_unit(user)
    province_id = obj.province_id if isinstance(obj, ActionPlan) else obj.pk
    return is_officer_of_provincial_unit(user) and is_officer_of_province(user, province_id)


def _can_record_task_progress(user: Any, task: ActionTask | None) -> bool:
    return task is not None and bool(departments_user_may_record_for(user, task))


RULES: dict[str, Callable[[Any, Any], bool]] = {
    ReportAction.VIEW_SUMMARY_STATUS: _admin,
    ReportAction.START_SUMMARY: lambda user, obj: is_officer_of_provincial_unit(user),
    ReportAction.EDIT_SUMMARY: _summary_owner_while_draft,
    ReportAction.SUBMIT_SUMMARY: _summary_owner_while_draft,
    ReportAction.LIST_CASES: lambda user, obj: is_officer_of_provincial_unit(user) or is_national_admin(user),
    ReportAction.PROPOSE_CASES: lambda user, obj: is_officer_of_provincial_unit(user),
    ReportAction.EDIT_CASE: _can_edit_case,
    ReportAction.PROPOSE_CASE: _case_in_state((CaseState.DRAFT,), _province_of_case),
    ReportAction.RETURN_CASE: _case_in_state((CaseState.PROPOSED, CaseState.ACCEPTED), _admin),
    ReportAction.ACCEPT_CASE: _case_in_state((CaseState.PROPOSED,), _admin),
    ReportAction.PUBLISH_CASE: _case_in_state((CaseState.ACCEPTED,), _admin),
    ReportAction.UNPUBLISH_CASE: _case_in_state((CaseState.PUBLISHED,), _admin),
    ReportAction.LIST_KEY_PROJECTS: lambda user, obj: (
        is_national_admin(user) or is_provincial_officer(user) or is_implementing_officer(user)
    ),
    ReportAction.ADD_FOLLOW_UP: _can_add_follow_up,
    ReportAction.WRITE_PROGRESS_NOTE: _can_write_progress_note,
    ReportAction.VIEW_PLAN_STATUS: _admin,
    ReportAction.EDIT_PLAN: _can_edit_plan,
    ReportAction.VIEW_TASKS: _admin,
    ReportAction.RECORD_TASK_PROGRESS: _can_record_task_progress,
}


def can(user: Any, action: str, obj: Model | None = None) -> bool:
    """May `user` do `action` (to `obj`)? Unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None:
        return False
    return bool(rule(user, obj))
