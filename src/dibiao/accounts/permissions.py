"""Who may see what, and who may do what: the one place where permissions are decided.

Scopes (`visible_*`) answer "may this user see it?": views fetch objects through them, so an
object out of scope is a 404 and never leaks. `can(user, action, obj)` answers "may this user
do it?": visible but not allowed is a 403. Views and templates never compare roles themselves.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation

if TYPE_CHECKING:
    from dibiao.rounds.models import Round


class Action:
    """Names of the actions `can` decides. Plain strings keep templates simple."""

    MANAGE_ACCOUNTS = "manage_accounts"  # open the account pages at all
    CREATE_ACCOUNT = "create_account"  # obj: the organisation the account is for
    CHANGE_ACCOUNT = "change_account"  # obj: the user account
    DISABLE_ACCOUNT = "disable_account"  # obj: the user account; never one's own
    MANAGE_ORGANISATIONS = "manage_organisations"
    IMPORT_COUNTY_LISTS = "import_county_lists"
    MANAGE_ROUNDS = "manage_rounds"
    VIEW_ORGANISATIONS = "view_organisations"  # open the organisation list (scoped)
    VIEW_ROUNDS = "view_rounds"  # open the round pages (scoped: provinces read their quota)
    USE_ADMIN = "use_admin"


# --- predicates: one condition each, so coverage shows every branch -------------------------


def is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_national_admin(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.NATIONAL_ADMIN


def is_provincial_officer(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.PROVINCIAL and user.organisation_id is not None


def is_implementing_officer(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.IMPLEMENTING and user.organisation_id is not None


def is_expert(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.EXPERT


def is_officer_of_province(user: Any, province_id: int | None) -> bool:
    return is_provincial_officer(user) and province_id is not None and user.organisation_id == province_id


def is_implementing_unit_of_province(org: Organisation, province_id: int | None) -> bool:
    return org.kind == Kind.IMPLEMENTING and org.province_id == province_id


def is_same_person(user: Any, account: User) -> bool:
    return bool(getattr(user, "pk", None)) and user.pk == account.pk


# Which kinds of organisation an account of each role belongs to (DOMAIN §1-2). An expert
# needs none; if one is given, any kind will do (it only says where the expert works).
ROLE_ORGANISATION_KINDS: dict[str, tuple[str, ...]] = {
    Role.NATIONAL_ADMIN: (Kind.NATIONAL, Kind.DEPARTMENT),
    # DOMAIN §2: a provincial officer belongs to a provincial unit. The two centres are
    # addressees of the notice without a quota of their own; their staff act through the
    # provincial unit's accounts.
    Role.PROVINCIAL: (Kind.PROVINCIAL,),
    Role.IMPLEMENTING: (Kind.IMPLEMENTING,),
    Role.EXPERT: (),
}


def role_needs_organisation(role: str) -> bool:
    return bool(ROLE_ORGANISATION_KINDS.get(role))


def role_fits_organisation(role: str, org: Organisation | None) -> bool:
    """Is `org` (None: no organisation) a possible organisation for an account of `role`?"""
    if role not in ROLE_ORGANISATION_KINDS:
        return False
    if org is None:
        return not role_needs_organisation(role)
    if not role_needs_organisation(role):
        return True
    return org.kind in ROLE_ORGANISATION_KINDS[role]


# --- scopes ----------------------------------------------------------------------------------


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """National administrators see all; a provincial officer its province and its units;
    an implementing officer its own unit; nobody else anything."""
    orgs = Organisation.objects.all()
    if is_national_admin(user):
        return orgs
    if is_provincial_officer(user):
        return orgs.filter(Q(pk=user.organisation_id) | Q(province_id=user.organisation_id))
    if is_implementing_officer(user):
        return orgs.filter(pk=user.organisation_id)
    return orgs.none()


def visible_rounds(user: Any) -> "QuerySet[Round]":
    """The national administrator sees every round; a provincial officer every round that has
    left the draft state (a draft has not been announced); nobody else any."""
    from dibiao.rounds.choices import RoundState
    from dibiao.rounds.models import Round

    rounds = Round.objects.all()
    if is_national_admin(user):
        return rounds
    if is_provincial_officer(user):
        return rounds.exclude(state=RoundState.DRAFT)
    return rounds.none()


def visible_users(user: Any) -> QuerySet[User]:
    """The accounts a user may see in the account pages: all for the national administrator,
    the implementing officers of its own province for a provincial officer."""
    users = User.objects.select_related("organisation")
    if is_national_admin(user):
        return users
    if is_provincial_officer(user):
        return users.filter(
            role=Role.IMPLEMENTING,
            organisation__kind=Kind.IMPLEMENTING,
            organisation__province_id=user.organisation_id,
        )
    return users.none()


def listable_roles(user: Any) -> list[str]:
    """The roles of the accounts `user` may see (the account list's role filter)."""
    if is_national_admin(user):
        return list(Role.values)
    if is_provincial_officer(user):
        return [Role.IMPLEMENTING]
    return []


# --- creating and assigning accounts ---------------------------------------------------------


def creatable_roles(user: Any) -> list[str]:
    """The roles `user` may give a new account: any for the national administrator, only
    the implementing role for a provincial officer, none for anybody else."""
    if is_national_admin(user):
        return list(Role.values)
    if is_provincial_officer(user):
        return [Role.IMPLEMENTING]
    return []


def can_assign(user: Any, role: str, org: Organisation | None) -> bool:
    """May `user` give an account of `role` the organisation `org` (when creating it, or when
    moving an account of that role)? The organisation must fit the role, and a provincial
    officer may only use the implementing units of its own province."""
    if role not in creatable_roles(user):
        return False
    if not role_fits_organisation(role, org):
        return False
    if is_national_admin(user):
        return True
    return org is not None and is_implementing_unit_of_province(org, user.organisation_id)


def assignable_organisations(user: Any, role: str | None = None) -> QuerySet[Organisation]:
    """The active organisations `user` may give an account of `role` (of any role `user` may
    create, when `role` is None): exactly the choices a form offers, matching `can_assign`."""
    roles = creatable_roles(user) if role is None else [role]
    roles = [r for r in roles if r in creatable_roles(user)]
    orgs = Organisation.objects.filter(is_active=True).order_by("kind", "sort_key", "name")
    if not roles:
        return orgs.none()
    if not all(role_needs_organisation(r) for r in roles):
        kinds = None  # an expert may have any organisation
    else:
        kinds = {kind for r in roles for kind in ROLE_ORGANISATION_KINDS[r]}
    if kinds is not None:
        orgs = orgs.filter(kind__in=kinds)
    if is_national_admin(user):
        return orgs
    return orgs.filter(kind=Kind.IMPLEMENTING, province_id=user.organisation_id)


# --- actions ---------------------------------------------------------------------------------


def _can_create_account(user: Any, org: Organisation | None) -> bool:
    """With no organisation: may `user` open the account form at all? With one: may `user`
    create an account of some role for it?"""
    if org is None:
        return bool(creatable_roles(user))
    return any(can_assign(user, role, org) for role in creatable_roles(user))


def _can_change_account(user: Any, account: User | None) -> bool:
    if account is None:
        return False
    if is_national_admin(user):
        return True
    return (
        is_provincial_officer(user)
        and account.role == Role.IMPLEMENTING
        and account.organisation is not None
        and is_implementing_unit_of_province(account.organisation, user.organisation_id)
    )


def _can_disable_account(user: Any, account: User | None) -> bool:
    if account is None:
        return False
    if is_same_person(user, account):
        return False
    return _can_change_account(user, account)


RULES: dict[str, Callable[[Any, Any], bool]] = {
    Action.MANAGE_ACCOUNTS: lambda user, obj: is_national_admin(user) or is_provincial_officer(user),
    Action.CREATE_ACCOUNT: _can_create_account,
    Action.CHANGE_ACCOUNT: _can_change_account,
    Action.DISABLE_ACCOUNT: _can_disable_account,
    Action.MANAGE_ORGANISATIONS: lambda user, obj: is_national_admin(user),
    Action.IMPORT_COUNTY_LISTS: lambda user, obj: is_national_admin(user),
    Action.MANAGE_ROUNDS: lambda user, obj: is_national_admin(user),
    Action.VIEW_ORGANISATIONS: lambda user, obj: is_national_admin(user) or is_provincial_officer(user),
    Action.VIEW_ROUNDS: lambda user, obj: is_national_admin(user) or is_provincial_officer(user),
    Action.USE_ADMIN: lambda user, obj: is_national_admin(user),
}


def can(user: Any, action: str, obj: Model | None = None) -> bool:
    """May `user` do `action` (to `obj`)? Unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None:
        return False
    return bool(rule(user, obj))


# === recommendations ==========================================================================
# Who may see a recommendation (the scope) and who may act on it (the rules below, used by
# recommendations.workflow for its "who" check and by the recommendation pages). Kept apart
# from the account rules above; imports stay here so that this section is self-contained.

from dibiao.recommendations.choices import State as RecommendationState  # noqa: E402  section-local import
from dibiao.recommendations.models import Recommendation  # noqa: E402  section-local import


class RecommendationAction:
    """Names of the recommendation actions `can` decides; obj is the recommendation."""

    READ = "read_recommendation"
    EDIT = "edit_recommendation"  # change the draft's content (and its attached pages)
    SUBMIT = "submit_recommendation"
    RETURN = "return_recommendation"
    RECOMMEND = "recommend_recommendation"
    WITHDRAW = "withdraw_recommendation"
    RECEIVE = "receive_recommendation"
    RETURN_TO_PROVINCE = "return_to_province"
    RECORD_PAPER_COPY = "record_paper_copy"
    START_REVIEW = "start_review"
    COMPLETE_REVIEW = "complete_review"
    SELECT = "select_recommendation"
    NOT_SELECT = "not_select_recommendation"


def is_officer_of_unit(user: Any, unit_id: int | None) -> bool:
    return is_implementing_officer(user) and unit_id is not None and user.organisation_id == unit_id


def was_ever_submitted(rec: Recommendation) -> bool:
    """A draft belongs to its unit until first submitted; a returned draft was submitted."""
    return rec.state != RecommendationState.DRAFT or rec.submitted_at is not None


def visible_recommendations(user: Any) -> QuerySet[Recommendation]:
    """National administrators see all; a provincial officer its province's recommendations
    except drafts that were never submitted; an implementing officer its own unit's; an expert
    the projects in review assigned to them (the group leader: every project of the round in
    review), never one of their own province or of a unit they declared a tie to (see
    `_expert_scope`); everybody else none."""
    recs = Recommendation.objects.select_related("round", "implementing_unit", "province")
    if is_national_admin(user):
        return recs
    if is_expert(user):
        return _expert_scope(user, recs)
    if is_provincial_officer(user):
        return recs.filter(province_id=user.organisation_id).filter(
            ~Q(state=RecommendationState.DRAFT) | Q(submitted_at__isnull=False)
        )
    if is_implementing_officer(user):
        return recs.filter(implementing_unit_id=user.organisation_id)
    return recs.none()


def _can_read_recommendation(user: Any, rec: Recommendation | None) -> bool:
    if rec is None:
        return False
    if is_national_admin(user):
        return True
    if is_officer_of_province(user, rec.province_id):
        return was_ever_submitted(rec)
    return is_officer_of_unit(user, rec.implementing_unit_id)


def _is_unit_officer_for(user: Any, rec: Recommendation | None) -> bool:
    return rec is not None and is_officer_of_unit(user, rec.implementing_unit_id)


def _is_province_officer_for(user: Any, rec: Recommendation | None) -> bool:
    return rec is not None and is_officer_of_province(user, rec.province_id)


def _is_national_admin_for(user: Any, rec: Recommendation | None) -> bool:
    return rec is not None and is_national_admin(user)


def _can_edit_recommendation(user: Any, rec: Recommendation | None) -> bool:
    # Unlike the step rules, editing depends on the state: only a draft can change.
    return _is_unit_officer_for(user, rec) and rec is not None and rec.state == RecommendationState.DRAFT


RULES.update(
    {
        RecommendationAction.READ: _can_read_recommendation,
        RecommendationAction.EDIT: _can_edit_recommendation,
        # The step rules say who may take a step; whether the recommendation is at that
        # step, and whether the deadline and quota allow it, is the workflow's to check.
        RecommendationAction.SUBMIT: _is_unit_officer_for,
        RecommendationAction.RETURN: _is_province_officer_for,
        RecommendationAction.RECOMMEND: _is_province_officer_for,
        RecommendationAction.WITHDRAW: _is_province_officer_for,
        RecommendationAction.RECEIVE: _is_national_admin_for,
        RecommendationAction.RETURN_TO_PROVINCE: _is_national_admin_for,
        RecommendationAction.RECORD_PAPER_COPY: _is_national_admin_for,
        RecommendationAction.START_REVIEW: _is_national_admin_for,
        RecommendationAction.COMPLETE_REVIEW: _is_national_admin_for,
        RecommendationAction.SELECT: _is_national_admin_for,
        RecommendationAction.NOT_SELECT: _is_national_admin_for,
    }
)


# === reviews ====================================================================================
# The expert review (DOMAIN §6): who sees which expert, project and score sheet, and who may
# manage the review, score, reopen a score and write the opinions of 六.

from django.db.models import Exists, OuterRef  # noqa: E402  section-local import

from dibiao.reviews.models import Assignment, Expert, Panel, Tie  # noqa: E402  section-local import

# The states in which an expert sees the projects of their review: from the start of the
# review on. Before it, assignments are being prepared and nobody reads them yet.
EXPERT_VISIBLE_STATES = (
    RecommendationState.IN_REVIEW,
    RecommendationState.REVIEWED,
    RecommendationState.SELECTED,
    RecommendationState.NOT_SELECTED,
)


class ReviewAction:
    """Names of the review actions `can` decides."""

    MANAGE = "manage_reviews"  # the expert pool, rubrics, assignments, starting the review
    SCORE = "score_assignment"  # obj: the assignment
    REOPEN = "reopen_review"  # obj: the assignment
    WRITE_GROUP_OPINION = "write_group_opinion"  # obj: the recommendation
    WRITE_DEPARTMENT_OPINION = "write_department_opinion"  # obj: the recommendation


def _expert_scope(user: Any, recs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """The projects an expert may read: in review, assigned to them or led by them as the
    round's group leader, and never in conflict. The conflicts are part of the query, so a
    forged assignment shows nothing either."""
    mine = Expert.objects.filter(user_id=user.pk)
    assigned = Assignment.objects.filter(expert__user_id=user.pk, recommendation_id=OuterRef("pk"))
    leads = Panel.objects.filter(round_id=OuterRef("round_id"), leader__user_id=user.pk)
    own_province = mine.filter(province_id=OuterRef("province_id"))
    tied_to_unit = Tie.objects.filter(
        expert__user_id=user.pk, organisation_id=OuterRef("implementing_unit_id")
    )
    tied_to_province = Tie.objects.filter(expert__user_id=user.pk, organisation_id=OuterRef("province_id"))
    return (
        recs.filter(state__in=EXPERT_VISIBLE_STATES)
        .filter(Exists(assigned) | Exists(leads))
        .exclude(Exists(own_province))
        .exclude(Exists(tied_to_unit))
        .exclude(Exists(tied_to_province))
    )


def visible_experts(user: Any) -> QuerySet[Expert]:
    """The expert pool: the national administrator's alone."""
    experts = Expert.objects.select_related("user", "province")
    if is_national_admin(user):
        return experts
    return experts.none()


def visible_assignments(user: Any) -> QuerySet[Assignment]:
    """Score sheets: the national administrator sees all; an expert their own, on the projects
    in their scope; the group leader also the submitted sheets of the projects they lead;
    everybody else none."""
    assignments = Assignment.objects.select_related(
        "expert", "expert__user", "recommendation", "recommendation__round", "recommendation__province"
    )
    if is_national_admin(user):
        return assignments
    if not is_expert(user):
        return assignments.none()
    in_scope = visible_recommendations(user).values("pk")
    led = Panel.objects.filter(round_id=OuterRef("recommendation__round_id"), leader__user_id=user.pk)
    return assignments.filter(recommendation__in=in_scope).filter(
        Q(expert__user_id=user.pk) | (Q(state="submitted") & Exists(led))
    )


def is_assigned_expert(user: Any, assignment: Assignment | None) -> bool:
    return assignment is not None and is_expert(user) and assignment.expert.user_id == user.pk


def is_group_leader_of(user: Any, rec: Recommendation | None) -> bool:
    """Is `user` the group leader (组长) of the round of `rec`?"""
    if rec is None or not is_expert(user):
        return False
    return Panel.objects.filter(round_id=rec.round_id, leader__user_id=user.pk).exists()


def _can_write_group_opinion(user: Any, rec: Recommendation | None) -> bool:
    # The administrator may transcribe the opinion, e.g. where the leader must step aside.
    return _is_national_admin_for(user, rec) or is_group_leader_of(user, rec)


REVIEW_RULES: dict[str, Callable[[Any, Any], bool]] = {
    ReviewAction.MANAGE: lambda user, obj: is_national_admin(user),
    ReviewAction.SCORE: is_assigned_expert,
    ReviewAction.REOPEN: lambda user, obj: obj is not None and is_national_admin(user),
    ReviewAction.WRITE_GROUP_OPINION: _can_write_group_opinion,
    ReviewAction.WRITE_DEPARTMENT_OPINION: _is_national_admin_for,
}
RULES.update(REVIEW_RULES)


# === reports ==================================================================================
# Annual summaries, typical cases, key-project follow-up, local action plans and the action's
# tasks (reports app). Scopes give the rows a user may see (else 404); the rules below join RULES.

from dibiao.reports.choices import CaseState, SummaryState  # noqa: E402  section-local import
from dibiao.reports.models import ActionPlan, ActionTask, AnnualSummary, TypicalCase  # noqa: E402  section-local import


class ReportAction:
    """Names of the actions `can` decides here; the comment says what `obj` is."""

    VIEW_SUMMARY_STATUS = "view_summary_status"  # the national overview; no obj
    START_SUMMARY = "start_summary"  # no obj
    EDIT_SUMMARY = "edit_summary"  # obj: the summary
    SUBMIT_SUMMARY = "submit_summary"  # obj: the summary
    RETURN_SUMMARY = "return_summary"  # obj: the summary; CNIPA sends a submitted one back
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


def _admin_while_submitted(user: Any, summary: AnnualSummary | None) -> bool:
    return summary is not None and summary.state == SummaryState.SUBMITTED and is_national_admin(user)


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


RULES.update(
    {
        ReportAction.VIEW_SUMMARY_STATUS: _admin,
        ReportAction.START_SUMMARY: lambda user, obj: is_officer_of_provincial_unit(user),
        ReportAction.EDIT_SUMMARY: _summary_owner_while_draft,
        ReportAction.SUBMIT_SUMMARY: _summary_owner_while_draft,
        ReportAction.RETURN_SUMMARY: _admin_while_submitted,
        ReportAction.LIST_CASES: lambda user, obj: (
            is_officer_of_provincial_unit(user) or is_national_admin(user)
        ),
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
)
