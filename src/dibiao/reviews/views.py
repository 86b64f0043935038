"""The expert review pages. HTTP only: scope → permission → form/service → response.

Experts, projects and score sheets are fetched through the scopes of accounts.permissions
(`visible_experts`, `visible_recommendations`, `visible_assignments`), so whatever is out of
a user's scope is a 404; visible but not allowed is a 403. An expert's pages are built from
`queries.reviewer_copy(rec.data)`, never from the stored form, so they show no phone numbers
or e-mail addresses.
"""

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dibiao.accounts import permissions
from dibiao.accounts.permissions import ReviewAction, can
from dibiao.core import pages
from dibiao.core.errors import DomainError, ImportProblems
from dibiao.recommendations import queries as rec_queries
from dibiao.recommendations import services as rec_services
from dibiao.recommendations.choices import LONG_TEXT_SECTIONS, Section, State
from dibiao.recommendations.models import Attachment, Recommendation
from dibiao.recommendations.workflow import WorkflowError
from dibiao.reviews import assignment as auto
from dibiao.reviews import forms, overlap, queries, services
from dibiao.reviews.choices import ReviewState
from dibiao.reviews.models import Expert, Panel, Tie
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Round

AuthedRequest = HttpRequest
PAGE_SIZE = 50

# The labels of the review steps on these pages (the same words as recommendations.choices).
START_LABEL = pgettext_lazy("recommendation action", "Send to expert review")
COMPLETE_LABEL = pgettext_lazy("recommendation action", "Complete the expert review")
SELECT_LABEL = pgettext_lazy("recommendation action", "Select as key project")
NOT_SELECT_LABEL = pgettext_lazy("recommendation action", "Do not select")


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may see this, but not do this."))


def _require_manager(request: AuthedRequest) -> None:
    _require(
        can(request.user, ReviewAction.MANAGE),
        _("Only the national administrator can manage the expert review."),
    )


def _data(request: AuthedRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _expert_or_404(request: AuthedRequest, pk: int) -> Expert:
    return get_object_or_404(permissions.visible_experts(request.user), pk=pk)


def _rec_or_404(request: AuthedRequest, pk: int) -> Recommendation:
    return get_object_or_404(permissions.visible_recommendations(request.user), pk=pk)


def _managed_round(request: AuthedRequest, pk: int) -> Round:
    _require_manager(request)
    return get_object_or_404(Round, pk=pk)


# --- entry ---------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    """The administrator's overview of the rounds' reviews; an expert goes to their list."""
    if permissions.is_expert(request.user):
        return redirect("reviews:my_assignments")
    _require_manager(request)
    rounds = (
        Round.objects.exclude(state=RoundState.DRAFT)
        .annotate(
            received_count=Count(
                "recommendations", filter=Q(recommendations__state__in=queries.REVIEW_TABLE_STATES)
            )
        )
        .select_related("panel")
        .order_by("-year")
    )
    return render(
        request,
        "reviews/index.html",
        {"rounds": rounds, "expert_count": Expert.objects.filter(is_active=True).count()},
    )


# --- the expert pool -----------------------------------------------------------------------------


@login_required
@require_GET
def experts(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    pool = permissions.visible_experts(request.user)
    text = request.GET.get("q", "").strip()
    status = request.GET.get("status", "active")
    province = request.GET.get("province", "")
    pool = queries.search_experts(pool, text)
    if status == "active":
        pool = pool.filter(is_active=True)
    elif status == "inactive":
        pool = pool.filter(is_active=False)
    if province.isdigit():
        pool = pool.filter(province_id=int(province))
    pool = queries.with_assignment_counts(pool).order_by("user__full_name", "pk")
    page = Paginator(pool, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/expert_list.html",
        {
            "page_obj": page,
            "q": text,
            "status": status,
            "province": province,
            "provinces": services.provincial_units(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_create(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    form = forms.ExpertForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.create_expert(request.user, **form.values())
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is in the expert pool; an invitation to choose a password was sent to %(email)s.")
                % {"name": expert.user.full_name, "email": expert.user.email},
            )
            return redirect("reviews:expert_detail", pk=expert.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/expert_form.html", {"form": form, "expert": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def expert_import(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    form = forms.ImportForm(_data(request), request.FILES if request.method == "POST" else None)
    problems: list[str] = []
    summary = ""
    if request.method == "POST" and form.is_valid():
        try:
            imported = services.import_experts(form.cleaned_data["file"].read(), actor=request.user)
        except ImportProblems as error:
            summary, problems = error.message, error.problems
        except DomainError as error:
            summary = error.message
        else:
            messages.success(
                request,
                _("%(count)d experts were added to the pool; each was sent an invitation.")
                % {"count": len(imported)},
            )
            return redirect("reviews:experts")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reviews/expert_import.html",
        {"form": form, "problems": problems, "summary": summary, "columns": services.IMPORT_COLUMNS},
        status=status,
    )


def _expert_context(expert: Expert, tie_form: Any = None) -> dict[str, Any]:
    return {
        "expert": expert,
        "ties": expert.ties.select_related("organisation").order_by("organisation__sort_key", "pk"),
        "tie_form": tie_form or forms.TieForm(),
        "assignments": expert.assignments.select_related(
            "recommendation__round", "recommendation__province"
        ).order_by("-recommendation__round__year", "recommendation__number", "pk"),
        "leads": Panel.objects.filter(leader=expert).select_related("round"),
    }


@login_required
@require_GET
def expert_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    expert = _expert_or_404(request, pk)
    return render(request, "reviews/expert_detail.html", _expert_context(expert))


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    expert = _expert_or_404(request, pk)
    form = forms.ExpertForm(_data(request), initial=forms.ExpertForm.initial_of(expert), account=expert.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_expert(expert, actor=request.user, **form.values())
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The expert's details were saved."))
            return redirect("reviews:expert_detail", pk=expert.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/expert_form.html", {"form": form, "expert": expert}, status=status)


@login_required
@require_POST
def expert_set_active(request: AuthedRequest, pk: int) -> HttpResponse:
    expert = _expert_or_404(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_expert_active(expert, actor=request.user, active=active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is back in the expert pool.") % {"name": expert.user.full_name}
            if active
            else _("%(name)s was taken out of the expert pool: no new projects will be assigned.")
            % {"name": expert.user.full_name},
        )
    return redirect("reviews:expert_detail", pk=expert.pk)


@login_required
@require_POST
def tie_add(request: AuthedRequest, pk: int) -> HttpResponse:
    expert = _expert_or_404(request, pk)
    form = forms.TieForm(request.POST)
    if form.is_valid():
        try:
            services.add_tie(
                expert,
                actor=request.user,
                organisation=form.cleaned_data["unit"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error("unit" if error.field == "unit" else None, error.message)
        else:
            messages.success(
                request, _("The tie was recorded: this expert reviews none of that unit's projects.")
            )
            return redirect("reviews:expert_detail", pk=expert.pk)
    return render(request, "reviews/expert_detail.html", _expert_context(expert, form), status=400)


@login_required
@require_POST
def tie_remove(request: AuthedRequest, pk: int, tie_pk: int) -> HttpResponse:
    expert = _expert_or_404(request, pk)
    tie = get_object_or_404(Tie, pk=tie_pk, expert=expert)
    try:
        services.remove_tie(tie, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The tie was removed."))
    return redirect("reviews:expert_detail", pk=expert.pk)


# --- a round's review ----------------------------------------------------------------------------


def _round_context(round: Round, *, panel_form: Any = None, state: str = "") -> dict[str, Any]:
    panel = queries.panel_of(round) or Panel(round=round)
    criteria = queries.criteria_of(round)
    active = list(queries.active_experts().values_list("pk", flat=True))
    loads = queries.loads_in_round(round)
    active_loads = [loads.get(pk, 0) for pk in active]
    rows = queries.projects_in_review(round, state=state)
    counts = queries.state_counts(round)
    received = [row for row in rows if row.rec.state == State.RECEIVED]
    return {
        "round": round,
        "panel": panel,
        "panel_form": panel_form
        or forms.PanelForm(
            initial={"experts_per_project": panel.experts_per_project, "leader": panel.leader_id}
        ),
        "criteria": criteria,
        "rubric_total": queries.rubric_total(criteria),
        "expert_count": len(active),
        "load_min": min(active_loads) if active_loads else 0,
        "load_max": max(active_loads) if active_loads else 0,
        "rows": rows,
        "state": state,
        "states": [(s.value, s.label, counts.get(s.value, 0)) for s in queries.REVIEW_TABLE_STATES],
        "understaffed_count": sum(
            1
            for row in rows
            if row.rec.state in queries.ASSIGNABLE_STATES and len(row.assignments) < panel.experts_per_project
        ),
        "ready_to_start": sum(1 for row in received if row.assignments),
        "start_label": START_LABEL,
    }


@login_required
@require_GET
def round_review(request: AuthedRequest, round_pk: int) -> HttpResponse:
    round = _managed_round(request, round_pk)
    state = request.GET.get("state", "")
    if state not in {s.value for s in queries.REVIEW_TABLE_STATES}:
        state = ""
    return render(request, "reviews/round_review.html", _round_context(round, state=state))


@login_required
@require_POST
def panel_update(request: AuthedRequest, round_pk: int) -> HttpResponse:
    round = _managed_round(request, round_pk)
    form = forms.PanelForm(request.POST)
    if form.is_valid():
        try:
            services.update_panel(
                round,
                actor=request.user,
                experts_per_project=form.cleaned_data["experts_per_project"],
                leader=form.cleaned_data["leader"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The review panel was saved."))
            return redirect("reviews:round", round_pk=round.pk)
    return render(request, "reviews/round_review.html", _round_context(round, panel_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request: AuthedRequest, round_pk: int) -> HttpResponse:
    round = _managed_round(request, round_pk)
    criteria = queries.criteria_of(round)
    panel = queries.panel_of(round)
    frozen = panel is not None and panel.review_started_at is not None
    formset = forms.RubricFormSet(_data(request), initial=forms.rubric_initial(criteria), prefix="criteria")
    error = ""
    if request.method == "POST":
        if formset.is_valid():
            try:
                services.save_rubric(round, forms.rubric_rows(formset), actor=request.user)
            except DomainError as refused:
                error = refused.message
            else:
                messages.success(request, _("The rubric was saved."))
                return redirect("reviews:rubric", round_pk=round.pk)
        else:
            error = _("Some criteria are not valid: correct them below.")
    return render(
        request,
        "reviews/rubric.html",
        {
            "round": round,
            "criteria": criteria,
            "total": queries.rubric_total(criteria),
            "formset": formset,
            "frozen": frozen,
            "panel": panel,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def rubric_default(request: AuthedRequest, round_pk: int) -> HttpResponse:
    round = _managed_round(request, round_pk)
    had = bool(queries.criteria_of(round))
    try:
        services.default_rubric(round, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if had:
            messages.info(request, _("This round has a rubric already; it was left as it is."))
        else:
            messages.success(
                request, _("The default rubric of the 2021 form was set up: five criteria, 100 points.")
            )
    return redirect("reviews:rubric", round_pk=round.pk)


@login_required
@require_POST
def auto_assign(request: AuthedRequest, round_pk: int) -> HttpResponse:
    round = _managed_round(request, round_pk)
    try:
        report = auto.auto_assign(round, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reviews:round", round_pk=round.pk)
    experts = {e.pk: e for e in Expert.objects.filter(pk__in=report.loads).select_related("user", "province")}
    loads = sorted(
        ((experts[pk], count) for pk, count in report.loads.items() if pk in experts),
        key=lambda pair: (-pair[1], pair[0].user.full_name),
    )
    return render(request, "reviews/assign_report.html", {"round": round, "report": report, "loads": loads})


@login_required
@require_POST
def start(request: AuthedRequest, round_pk: int) -> HttpResponse:
    round = _managed_round(request, round_pk)
    try:
        report = services.start_review(round, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reviews:round", round_pk=round.pk)
    messages.success(
        request,
        _("%(moved)d projects were sent to expert review.") % {"moved": report.moved},
    )
    if report.without_experts:
        messages.warning(
            request,
            _(
                "%(count)d received projects have no experts yet and stay behind: assign them, then press the button again."
            )
            % {"count": report.without_experts},
        )
    for line in report.refused:
        messages.error(request, line)
    return redirect("reviews:round", round_pk=round.pk)


# --- a project's review (the administrator) --------------------------------------------------------


def _assign_choices(rec: Recommendation, assigned: set[int]) -> list[tuple[Expert, str]]:
    """The active experts not assigned to `rec` yet, each with a note when a conflict
    excludes them (the service refuses those, naming the reason)."""
    experts = list(queries.active_experts().exclude(pk__in=assigned).order_by("user__full_name", "pk"))
    ties: dict[int, list[Tie]] = defaultdict(list)
    for tie in Tie.objects.filter(expert__in=experts).select_related("organisation"):
        ties[tie.expert_id].append(tie)
    choices = []
    for expert in experts:
        note = ""
        if expert.province_id == rec.province_id:
            note = _("from the same province")
        elif any(t.organisation_id in (rec.implementing_unit_id, rec.province_id) for t in ties[expert.pk]):
            note = _("has declared a tie")
        choices.append((expert, note))
    return choices


def _project_context(request: AuthedRequest, rec: Recommendation, **bound: Any) -> dict[str, Any]:
    panel = queries.panel_of(rec.round) or Panel(round=rec.round)
    assignments = list(
        rec.assignments.select_related("expert__user", "expert__province")
        .prefetch_related("scores")
        .order_by("expert__user__full_name", "pk")
    )
    criteria = queries.criteria_of(rec.round)
    sheets = []
    for item in assignments:
        scores = {score.criterion_id: score.points for score in item.scores.all()}
        sheets.append({"assignment": item, "scores": [scores.get(c.pk) for c in criteria]})
    leader = panel.leader.user.full_name if panel.leader else ""
    group = queries.group_opinion_of(rec)
    department = queries.department_opinion_of(rec)
    return {
        "rec": rec,
        "panel": panel,
        "criteria": criteria,
        "sheets": sheets,
        "assign_form": bound.get("assign_form")
        or forms.AssignForm(choices=_assign_choices(rec, {a.expert_id for a in assignments})),
        "can_assign": rec.state in queries.ASSIGNABLE_STATES and len(assignments) < panel.experts_per_project,
        "can_change_experts": rec.state in queries.ASSIGNABLE_STATES,
        "can_reopen": rec.state == State.IN_REVIEW,
        "group": group,
        "group_form": bound.get("group_form")
        or forms.GroupOpinionForm(initial=forms.GroupOpinionForm.initial_of(group, leader), name_leader=True),
        "can_write_group": rec.state in (State.IN_REVIEW, State.REVIEWED),
        "department": department,
        "department_form": bound.get("department_form")
        or forms.DepartmentOpinionForm(
            initial=forms.DepartmentOpinionForm.initial_of(department, request.user.full_name)
        ),
        "can_write_department": rec.state in (State.REVIEWED, State.SELECTED, State.NOT_SELECTED)
        and panel.published_at is None,
        "can_complete": rec.state == State.IN_REVIEW,
        "complete_problem": queries.complete_review_problem(rec) if rec.state == State.IN_REVIEW else None,
        "complete_label": COMPLETE_LABEL,
        "overlap": overlap.check(rec),
        "reason_form": forms.ReasonForm(),
    }


@login_required
@require_GET
def project(request: AuthedRequest, pk: int) -> HttpResponse:
    rec = _rec_or_404(request, pk)
    _require_manager(request)
    return render(request, "reviews/project.html", _project_context(request, rec))


@login_required
@require_POST
def assign(request: AuthedRequest, pk: int) -> HttpResponse:
    rec = _rec_or_404(request, pk)
    _require_manager(request)
    assigned = set(rec.assignments.values_list("expert_id", flat=True))
    form = forms.AssignForm(request.POST, choices=_assign_choices(rec, assigned))
    if not form.is_valid():
        messages.error(request, _("Choose an expert from the list."))
        return redirect("reviews:project", pk=rec.pk)
    try:
        services.assign(rec, form.cleaned_data["expert"], actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s was assigned.") % {"name": form.cleaned_data["expert"].user.full_name}
        )
    return redirect("reviews:project", pk=rec.pk)


@login_required
@require_POST
def unassign(request: AuthedRequest, assignment_pk: int) -> HttpResponse:
    sheet = get_object_or_404(permissions.visible_assignments(request.user), pk=assignment_pk)
    _require_manager(request)
    try:
        services.unassign(sheet, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s was removed from the project.") % {"name": sheet.expert.user.full_name}
        )
    return redirect("reviews:project", pk=sheet.recommendation_id)


@login_required
@require_POST
def reopen(request: AuthedRequest, assignment_pk: int) -> HttpResponse:
    sheet = get_object_or_404(permissions.visible_assignments(request.user), pk=assignment_pk)
    _require(
        can(request.user, ReviewAction.REOPEN, sheet),
        _("Only the national administrator can reopen a submitted review."),
    )
    form = forms.ReasonForm(request.POST)
    try:
        services.reopen_review(sheet, actor=request.user, reason=form.data.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The review of %(name)s was reopened: the expert can change the scores and submit again.")
            % {"name": sheet.expert.user.full_name},
        )
    return redirect("reviews:project", pk=sheet.recommendation_id)


@login_required
@require_POST
def complete(request: AuthedRequest, pk: int) -> HttpResponse:
    rec = _rec_or_404(request, pk)
    _require_manager(request)
    try:
        services.complete_review(rec, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The expert review of this project is complete."))
    return redirect("reviews:project", pk=rec.pk)


@login_required
@require_POST
def department_opinion(request: AuthedRequest, pk: int) -> HttpResponse:
    rec = _rec_or_404(request, pk)
    _require(
        can(request.user, ReviewAction.WRITE_DEPARTMENT_OPINION, rec),
        _("Only the national administrator can write the department's opinion."),
    )
    form = forms.DepartmentOpinionForm(request.POST)
    if form.is_valid():
        try:
            services.write_department_opinion(rec, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The department's opinion was saved."))
            return redirect("reviews:project", pk=rec.pk)
    context = _project_context(request, rec, department_form=form)
    return render(request, "reviews/project.html", context, status=400)


# --- what an expert reads --------------------------------------------------------------------------


def reading(rec: Recommendation) -> dict[str, Any]:
    """The project as a reviewer reads it: built from `queries.reviewer_copy` (no phones,
    e-mail or addresses, no 六), with each long text as paragraphs and the attached pages."""
    data = queries.reviewer_copy(rec.data)
    files: dict[str, list[Attachment]] = defaultdict(list)
    for item in rec_queries.active_attachments(rec).order_by("uploaded_at", "pk"):
        files[item.section].append(item)

    def opinion(key: str) -> dict[str, Any]:
        value = data.get(key) if isinstance(data.get(key), dict) else {}
        return {
            "paragraphs": queries.paragraphs(value.get("text")),
            "signer": value.get("signer") or "",
            "date": value.get("date") or "",
        }

    unit = data.get("implementing_unit") if isinstance(data.get("implementing_unit"), dict) else {}
    recommending = data.get("recommending_unit") if isinstance(data.get("recommending_unit"), dict) else {}
    gis = (
        data.get("geographical_indications") if isinstance(data.get("geographical_indications"), list) else []
    )
    return {
        "project_name": data.get("project_name") or rec.project_name,
        "unit": unit,
        "recommending": recommending,
        "gis": [gi for gi in gis if isinstance(gi, dict)],
        "texts": [
            {
                "key": section.value,
                "label": overlap.SECTION_LABELS[section.value],
                "paragraphs": queries.paragraphs(data.get(section.value)),
                "files": files.get(section.value, []),
            }
            for section in LONG_TEXT_SECTIONS
        ],
        "support": queries.paragraphs(data.get("recommender_support")),
        "implementing_opinion": opinion("implementing_opinion"),
        "recommending_opinion": opinion("recommending_opinion"),
        "implementing_seal": files.get(Section.IMPLEMENTING_SEAL, []),
        "recommending_seal": files.get(Section.RECOMMENDING_SEAL, []),
    }


@login_required
@require_GET
def my_assignments(request: AuthedRequest) -> HttpResponse:
    _require(permissions.is_expert(request.user), _("This page lists an expert's reviews."))

    def context() -> dict[str, Any]:
        sheets = queries.assignments_for_list(
            permissions.visible_assignments(request.user).filter(expert__user=request.user)
        )
        led = Panel.objects.filter(leader__user=request.user, review_started_at__isnull=False).select_related(
            "round"
        )
        return {"sheets": sheets, "led": led}

    body = pages.body(request, "reviews/my_assignments.html#body", context)
    return render(request, "reviews/my_assignments.html", {"body": body})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: AuthedRequest, assignment_pk: int) -> HttpResponse:
    sheet = get_object_or_404(permissions.visible_assignments(request.user), pk=assignment_pk)
    _require(
        can(request.user, ReviewAction.SCORE, sheet),
        _("Only the expert assigned to this review can score it."),
    )
    rec = sheet.recommendation
    criteria = queries.criteria_of(rec.round)
    stored = {score.criterion_id: score.points for score in sheet.scores.all()}
    initial: dict[str, Any] = {"comment": sheet.comment}
    for criterion in criteria:
        if criterion.pk in stored:
            initial[forms.ScoreForm.key(criterion)] = services.points_text(stored[criterion.pk])
    form = forms.ScoreForm(_data(request), initial=initial, criteria=criteria)
    status = 200
    if request.method == "POST":
        submitting = "submit" in request.POST
        form.is_valid()
        try:
            if submitting:
                services.submit_review(
                    sheet, actor=request.user, points=form.points(), comment=form.data.get("comment", "")
                )
            else:
                services.save_review(
                    sheet, actor=request.user, points=form.points(), comment=form.data.get("comment", "")
                )
        except services.ScoreProblems as error:
            form.show_problems(error.problems)
            if not error.problems:
                form.add_error("comment", error.message)
            messages.error(request, error.message)
            status = 400
        except DomainError as error:
            messages.error(request, error.message)
            status = 400
        else:
            if submitting:
                messages.success(request, _("Your review was submitted. Thank you."))
            else:
                messages.success(
                    request, _("Your scores were saved as a draft; you can change them until you submit.")
                )
            return redirect("reviews:review", assignment_pk=sheet.pk)
    locked = sheet.state == ReviewState.SUBMITTED or rec.state != State.IN_REVIEW
    return render(
        request,
        "reviews/review.html",
        {
            "sheet": sheet,
            "rec": rec,
            "form": form,
            "locked": locked,
            "scored": [(c, stored.get(c.pk)) for c in criteria],
            "total_max": queries.rubric_total(criteria),
            "reading": reading(rec),
            "overlap": overlap.check(rec),
        },
        status=status,
    )


@login_required
@require_GET
def attachment(request: AuthedRequest, pk: int, attachment_id: int) -> FileResponse:
    """A file of a project the reviewer may read (or the administrator), under a safe name."""
    rec = _rec_or_404(request, pk)
    _require(can(request.user, ReviewAction.MANAGE) or permissions.is_expert(request.user))
    item = get_object_or_404(Attachment, pk=attachment_id, recommendation=rec, removed_at__isnull=True)
    item.recommendation = rec
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("The file is missing.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=rec_services.attachment_download_name(item),
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the group leader --------------------------------------------------------------------------------


@login_required
@require_GET
def leader_projects(request: AuthedRequest, round_pk: int) -> HttpResponse:
    """The projects of a round whose expert-group opinion the leader writes (those in their
    scope: never their own province's or a tied unit's)."""
    if can(request.user, ReviewAction.MANAGE):
        round = get_object_or_404(Round, pk=round_pk)
    else:
        round = get_object_or_404(Round.objects.filter(panel__leader__user_id=request.user.pk), pk=round_pk)
    recs = (
        permissions.visible_recommendations(request.user)
        .filter(round=round)
        .annotate(
            assigned_count=Count("assignments", distinct=True),
            submitted_count=Count(
                "assignments", filter=Q(assignments__state=ReviewState.SUBMITTED), distinct=True
            ),
        )
        .order_by("province__sort_key", "number_seq", "pk")
    )
    rows = [{"rec": rec, "group": queries.group_opinion_of(rec)} for rec in recs]
    return render(request, "reviews/leader_projects.html", {"round": round, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def group_opinion(request: AuthedRequest, pk: int) -> HttpResponse:
    rec = _rec_or_404(request, pk)
    _require(
        can(request.user, ReviewAction.WRITE_GROUP_OPINION, rec),
        _("Only the group leader can write the expert group's opinion."),
    )
    is_admin = permissions.is_national_admin(request.user)
    panel = queries.panel_of(rec.round)
    leader = panel.leader.user.full_name if panel and panel.leader else ""
    group = queries.group_opinion_of(rec)
    form = forms.GroupOpinionForm(
        _data(request), initial=forms.GroupOpinionForm.initial_of(group, leader), name_leader=is_admin
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.write_group_opinion(rec, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The expert group's opinion was saved."))
                target = "reviews:project" if is_admin else "reviews:group_opinion"
                return redirect(target, pk=rec.pk)
        status = 400
    criteria = queries.criteria_of(rec.round)
    sheets = []
    for item in (
        permissions.visible_assignments(request.user)
        .filter(recommendation=rec, state=ReviewState.SUBMITTED)
        .prefetch_related("scores")
        .order_by("expert__user__full_name", "pk")
    ):
        scores = {score.criterion_id: score.points for score in item.scores.all()}
        sheets.append({"assignment": item, "scores": [scores.get(c.pk) for c in criteria]})
    return render(
        request,
        "reviews/group_opinion.html",
        {
            "rec": rec,
            "form": form,
            "criteria": criteria,
            "sheets": sheets,
            "reading": reading(rec),
            "overlap": overlap.check(rec),
            "editable": rec.state in (State.IN_REVIEW, State.REVIEWED),
            "back": reverse("reviews:project", args=[rec.pk])
            if is_admin
            else reverse("reviews:leader_projects", args=[rec.round_id]),
        },
        status=status,
    )
