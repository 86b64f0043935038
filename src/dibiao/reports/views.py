"""HTTP only: scope (404) → permission (403) → service → response."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dibiao.accounts.models import User
from dibiao.accounts.permissions import (
    ReportAction,
    can,
    departments_user_may_record_for,
    visible_cases,
    visible_key_projects,
    visible_plans,
    visible_summaries,
)
from dibiao.core.errors import DomainError
from dibiao.core.htmx import is_htmx
from dibiao.reports import forms, queries, services
from dibiao.reports.choices import CaseState, SummaryStatus, TaskStatus, Theme
from dibiao.reports.models import FIRST_YEAR, ActionTask, summary_due_at


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is a User, never AnonymousUser."""

    user: User


CASE_PAGE_SIZE = 20
PROJECT_PAGE_SIZE = 50


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _year_param(request: AuthedRequest, name: str = "year") -> int:
    """The year asked for in the query string, or this year; a year out of range is a 404."""
    value = request.GET.get(name) or ""
    if not value:
        return services.current_year()
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= services.current_year():
        raise Http404(_("No such year."))
    return int(value)


def _download(stored: Any, *, inline: bool = False) -> FileResponse:
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("This file is missing from the store.")) from error
    return FileResponse(
        handle, as_attachment=not inline, filename=stored.original_name, content_type=stored.content_type
    )


def _domain_call(request: AuthedRequest, call: Any, success: str) -> Any:
    """Run a service; tell the user what happened (or why not)."""
    try:
        result = call()
    except DomainError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The reports' start page: the parts this user may use."""
    user = request.user
    context = {
        "can_summaries": can(user, ReportAction.START_SUMMARY) or can(user, ReportAction.VIEW_SUMMARY_STATUS),
        "can_summary_status": can(user, ReportAction.VIEW_SUMMARY_STATUS),
        "can_cases": can(user, ReportAction.LIST_CASES),
        "can_projects": can(user, ReportAction.LIST_KEY_PROJECTS),
        "can_plan_status": can(user, ReportAction.VIEW_PLAN_STATUS),
        "can_edit_plan": can(user, ReportAction.EDIT_PLAN),
        "can_tasks": can(user, ReportAction.VIEW_TASKS),
    }
    return render(request, "reports/index.html", context)


# --- annual work summaries ------------------------------------------------------------------------


@login_required
def summary_list(request: AuthedRequest) -> HttpResponse:
    """A province's summaries, one a year, with the form to start one. The national
    administrator is sent to the overview of all provinces."""
    user = request.user
    if can(user, ReportAction.VIEW_SUMMARY_STATUS):
        return redirect("reports:summary_status")
    _refuse_unless(
        can(user, ReportAction.START_SUMMARY),
        _("Only the officers of a provincial unit write annual work summaries."),
    )
    year = services.current_year()
    context = {
        "summaries": visible_summaries(user).order_by("-year"),
        "start_form": forms.StartSummaryForm(initial={"year": year}),
        "year": year,
        "due_at": summary_due_at(year),
        "now": timezone.now(),
    }
    return render(request, "reports/summary_list.html", context)


@require_POST
@login_required
def summary_start(request: AuthedRequest) -> HttpResponse:
    _refuse_unless(
        can(request.user, ReportAction.START_SUMMARY),
        _("Only the officers of a provincial unit write annual work summaries."),
    )
    form = forms.StartSummaryForm(request.POST)
    summary = form.save(actor=request.user) if form.is_valid() else None
    if summary is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("reports:summary_list")
    return redirect("reports:summary_edit", pk=summary.pk)


@login_required
def summary_status(request: AuthedRequest) -> HttpResponse:
    """The national overview: for each of the 32 provincial units, submitted / late / missing."""
    _refuse_unless(
        can(request.user, ReportAction.VIEW_SUMMARY_STATUS),
        _("Only the national administrator sees the overview of all provinces."),
    )
    year = _year_param(request)
    rows = queries.summary_overview(year)
    context = {
        "year": year,
        "years": [choice for choice, _label in forms.year_choices()],
        "rows": rows,
        "counts": queries.count_statuses(rows),
        "returned_count": sum(1 for row in rows if row.summary is not None and row.summary.is_returned),
        "statuses": SummaryStatus,
        "due_at": summary_due_at(year),
    }
    return render(request, "reports/summary_status.html", context)


def _summary_context(request: AuthedRequest, summary: Any, **forms_: Any) -> dict[str, Any]:
    can_return = can(request.user, ReportAction.RETURN_SUMMARY, summary)
    return {
        "summary": summary,
        "status": queries.summary_status(summary),
        "attachments": list(summary.attachments.all()),
        "can_edit": can(request.user, ReportAction.EDIT_SUMMARY, summary),
        "can_submit": can(request.user, ReportAction.SUBMIT_SUMMARY, summary),
        "can_return": can_return,
        "return_form": forms_.get("return_form") or (forms.ReturnSummaryForm() if can_return else None),
        "history": queries.summary_history(summary),
        "upload_form": forms.UploadForm(),
        "now": timezone.now(),
    }


@login_required
def summary_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    summary = get_object_or_404(visible_summaries(request.user).select_related("submitted_by"), pk=pk)
    return render(request, "reports/summary_detail.html", _summary_context(request, summary))


@login_required
def summary_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    summary = get_object_or_404(visible_summaries(request.user), pk=pk)
    _refuse_unless(
        can(request.user, ReportAction.EDIT_SUMMARY, summary),
        _("This summary can no longer be changed: it was submitted."),
    )
    form = forms.SummaryForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(summary, name) for name in services.SUMMARY_SECTIONS},
    )
    if request.method == "POST" and form.is_valid() and form.save(summary, actor=request.user):
        messages.success(request, _("The draft has been saved."))
        return redirect("reports:summary_edit", pk=summary.pk)
    context = _summary_context(request, summary) | {"form": form}
    return render(request, "reports/summary_edit.html", context)


@require_POST
@login_required
def summary_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    summary = get_object_or_404(visible_summaries(request.user), pk=pk)
    _refuse_unless(
        can(request.user, ReportAction.SUBMIT_SUMMARY, summary),
        _("Only an officer of the province can submit its draft summary."),
    )
    done = _domain_call(
        request,
        lambda: services.submit_summary(summary, actor=request.user),
        _("The summary has been submitted to CNIPA."),
    )
    if done is not None and done.is_late:
        messages.warning(request, _("It was submitted after the due date and is marked as late."))
    return redirect("reports:summary_detail" if done else "reports:summary_edit", pk=summary.pk)


@require_POST
@login_required
def summary_return(request: AuthedRequest, pk: int) -> HttpResponse:
    """CNIPA sends a submitted summary back to its province with the reason; without a reason
    the page comes back with the form's error."""
    summary = get_object_or_404(visible_summaries(request.user).select_related("submitted_by"), pk=pk)
    _refuse_unless(
        can(request.user, ReportAction.RETURN_SUMMARY, summary),
        _("Only CNIPA returns a summary, and only a submitted one: it may have been returned already."),
    )
    form = forms.ReturnSummaryForm(request.POST)
    if form.is_valid():
        if form.save(summary, actor=request.user):
            messages.success(
                request,
                _("The summary has been returned to %(province)s; its officers have been told.")
                % {"province": summary.province.name},
            )
            return redirect("reports:summary_detail", pk=summary.pk)
        if not form.has_error("reason"):  # refused under the lock: someone was faster
            for error in form.non_field_errors():
                messages.error(request, str(error))
            return redirect("reports:summary_detail", pk=summary.pk)
    return render(
        request, "reports/summary_detail.html", _summary_context(request, summary, return_form=form)
    )


@require_POST
@login_required
def summary_attachment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    summary = get_object_or_404(visible_summaries(request.user), pk=pk)
    _refuse_unless(
        can(request.user, ReportAction.EDIT_SUMMARY, summary),
        _("Files can be attached only to a draft summary, by an officer of its province."),
    )
    form = forms.UploadForm(request.POST, request.FILES)
    if form.is_valid():
        _domain_call(
            request,
            lambda: services.add_summary_attachment(
                summary, actor=request.user, uploaded_file=form.cleaned_data["file"]
            ),
            _("The file has been attached."),
        )
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("reports:summary_edit", pk=summary.pk)


@require_POST
@login_required
def summary_attachment_remove(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    summary = get_object_or_404(visible_summaries(request.user), pk=pk)
    attachment = get_object_or_404(summary.attachments.all(), pk=attachment_pk)
    _refuse_unless(
        can(request.user, ReportAction.EDIT_SUMMARY, summary),
        _("Files can be removed only from a draft summary, by an officer of its province."),
    )
    _domain_call(
        request,
        lambda: services.remove_summary_attachment(attachment, actor=request.user),
        _("The file has been removed."),
    )
    return redirect("reports:summary_edit", pk=summary.pk)


@login_required
def summary_attachment(request: AuthedRequest, pk: int, attachment_pk: int) -> FileResponse:
    summary = get_object_or_404(visible_summaries(request.user), pk=pk)
    return _download(get_object_or_404(summary.attachments.all(), pk=attachment_pk))


# --- typical cases --------------------------------------------------------------------------------


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    """The cases a user may see: a province's own, or every proposed one for CNIPA."""
    _refuse_unless(
        can(request.user, ReportAction.LIST_CASES),
        _("Only provincial units and CNIPA work on typical cases."),
    )
    cases = visible_cases(request.user)
    state = request.GET.get("state", "")
    if state in CaseState.values:
        cases = cases.filter(state=state)
    cases = queries.with_themes(cases.order_by("-updated_at", "-pk"))
    page = Paginator(cases, CASE_PAGE_SIZE).get_page(request.GET.get("page"))
    # A draft is the province's own: CNIPA never sees one, so it gets no filter for them.
    proposes = can(request.user, ReportAction.PROPOSE_CASES)
    states = [choice for choice in CaseState.choices if proposes or choice[0] != CaseState.DRAFT]
    context = {
        "page_obj": page,
        "states": states,
        "state": state,
        "can_create": can(request.user, ReportAction.PROPOSE_CASES),
    }
    if is_htmx(request):
        return render(request, "reports/case_list.html#results", context)
    return render(request, "reports/case_list.html", context)


@login_required
def case_create(request: AuthedRequest) -> HttpResponse:
    _refuse_unless(
        can(request.user, ReportAction.PROPOSE_CASES),
        _("Only an officer of a provincial unit can propose typical cases."),
    )
    form = forms.CaseForm(request.POST or None, initial={"year": services.current_year()})
    if request.method == "POST" and form.is_valid():
        case = form.create(actor=request.user)
        if case is not None:
            messages.success(request, _("The case has been saved as a draft. Add photos, then propose it."))
            return redirect("reports:case_detail", pk=case.pk)
    return render(request, "reports/case_form.html", {"form": form, "case": None})


# The step buttons a case page may show, in order, with their labels.
CASE_STEP_BUTTONS = [
    ("propose", ReportAction.PROPOSE_CASE),
    ("accept", ReportAction.ACCEPT_CASE),
    ("publish", ReportAction.PUBLISH_CASE),
    ("unpublish", ReportAction.UNPUBLISH_CASE),
]


@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(queries.with_themes(visible_cases(request.user)), pk=pk)
    user = request.user
    context = {
        "case": case,
        "photos": list(case.photos.all()),
        "can_edit": can(user, ReportAction.EDIT_CASE, case),
        "steps": [step for step, action in CASE_STEP_BUTTONS if can(user, action, case)],
        "can_return": can(user, ReportAction.RETURN_CASE, case),
        "return_form": forms.ReturnCaseForm(),
        "photo_form": forms.PhotoForm(),
    }
    return render(request, "reports/case_detail.html", context)


@login_required
def case_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    _refuse_unless(
        can(request.user, ReportAction.EDIT_CASE, case),
        _("You cannot change this case in its present state."),
    )
    form = forms.CaseForm(request.POST or None, initial=forms.CaseForm.initial_from(case))
    if request.method == "POST" and form.is_valid() and form.update(case, actor=request.user):
        messages.success(request, _("The case has been saved."))
        return redirect("reports:case_detail", pk=case.pk)
    return render(request, "reports/case_form.html", {"form": form, "case": case})


CASE_STEP_MESSAGES = {
    "propose": _("The case has been proposed to CNIPA."),
    "return": _("The case has been returned to the province."),
    "accept": _("The case has been accepted."),
    "publish": _("The case has been published in the public library."),
    "unpublish": _("The case has been taken out of the public library."),
}

CASE_STEP_PERMISSIONS = {
    "propose": ReportAction.PROPOSE_CASE,
    "return": ReportAction.RETURN_CASE,
    "accept": ReportAction.ACCEPT_CASE,
    "publish": ReportAction.PUBLISH_CASE,
    "unpublish": ReportAction.UNPUBLISH_CASE,
}


@require_POST
@login_required
def case_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    _refuse_unless(
        can(request.user, CASE_STEP_PERMISSIONS[step], case),
        _("This case is not in a state where you can do this (someone may have been faster)."),
    )
    reason = request.POST.get("reason", "")
    moved = _domain_call(
        request,
        lambda: services.move_case(case, step, actor=request.user, reason=reason),
        str(CASE_STEP_MESSAGES[step]),
    )
    if moved is not None and not visible_cases(request.user).filter(pk=pk).exists():
        return redirect("reports:case_list")
    return redirect("reports:case_detail", pk=case.pk)


@require_POST
@login_required
def case_photo_add(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    _refuse_unless(
        can(request.user, ReportAction.EDIT_CASE, case),
        _("You cannot change this case in its present state."),
    )
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        _domain_call(
            request,
            lambda: services.add_case_photo(
                case,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            ),
            _("The photo has been added."),
        )
    else:
        messages.error(request, _("Choose a photo (JPEG or PNG)."))
    return redirect("reports:case_detail", pk=case.pk)


@require_POST
@login_required
def case_photo_remove(request: AuthedRequest, pk: int, photo_pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    photo = get_object_or_404(case.photos.all(), pk=photo_pk)
    _refuse_unless(
        can(request.user, ReportAction.EDIT_CASE, case),
        _("You cannot change this case in its present state."),
    )
    _domain_call(
        request,
        lambda: services.remove_case_photo(photo, actor=request.user),
        _("The photo has been removed."),
    )
    return redirect("reports:case_detail", pk=case.pk)


@login_required
def case_photo(request: AuthedRequest, pk: int, photo_pk: int) -> FileResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    return _download(get_object_or_404(case.photos.all(), pk=photo_pk), inline=True)


# --- key projects ---------------------------------------------------------------------------------


@login_required
def project_list(request: AuthedRequest) -> HttpResponse:
    _refuse_unless(
        can(request.user, ReportAction.LIST_KEY_PROJECTS),
        _("Key projects are followed by CNIPA, their provinces and their implementing units."),
    )
    projects = visible_key_projects(request.user).order_by("-round__year", "number", "pk")
    page = Paginator(projects, PROJECT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/project_list.html", {"page_obj": page})


def _project_context(request: AuthedRequest, project: Any, **forms_: Any) -> dict[str, Any]:
    user = request.user
    can_follow_up = can(user, ReportAction.ADD_FOLLOW_UP, project)
    can_note = can(user, ReportAction.WRITE_PROGRESS_NOTE, project)
    return {
        "project": project,
        "follow_ups": list(project.follow_ups.select_related("recorded_by")),
        "notes": list(project.progress_notes.select_related("written_by")),
        "can_follow_up": can_follow_up,
        "can_note": can_note,
        "follow_up_form": forms_.get("follow_up_form")
        or (forms.FollowUpForm(initial={"happened_on": timezone.localdate()}) if can_follow_up else None),
        "note_form": forms_.get("note_form")
        or (
            forms.ProgressNoteForm(project=project, initial={"year": services.current_year()})
            if can_note
            else None
        ),
    }


@login_required
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(visible_key_projects(request.user), pk=pk)
    return render(request, "reports/project_detail.html", _project_context(request, project))


@require_POST
@login_required
def follow_up_add(request: AuthedRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(visible_key_projects(request.user), pk=pk)
    _refuse_unless(
        can(request.user, ReportAction.ADD_FOLLOW_UP, project),
        _("Only the national administrator records the follow-up of key projects."),
    )
    form = forms.FollowUpForm(request.POST)
    if form.is_valid() and form.save(project, actor=request.user):
        messages.success(request, _("The follow-up has been recorded."))
        return redirect("reports:project_detail", pk=project.pk)
    context = _project_context(request, project, follow_up_form=form)
    return render(request, "reports/project_detail.html", context)


@require_POST
@login_required
def progress_note_save(request: AuthedRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(visible_key_projects(request.user), pk=pk)
    _refuse_unless(
        can(request.user, ReportAction.WRITE_PROGRESS_NOTE, project),
        _("Only the project's implementing unit writes its yearly progress."),
    )
    form = forms.ProgressNoteForm(request.POST, project=project)
    if form.is_valid() and form.save(project, actor=request.user):
        messages.success(request, _("The progress of the year has been saved."))
        return redirect("reports:project_detail", pk=project.pk)
    context = _project_context(request, project, note_form=form)
    return render(request, "reports/project_detail.html", context)


# --- local action plans ---------------------------------------------------------------------------


@login_required
def plan_status(request: AuthedRequest) -> HttpResponse:
    _refuse_unless(
        can(request.user, ReportAction.VIEW_PLAN_STATUS),
        _("Only the national administrator sees the overview of all provinces."),
    )
    rows = queries.plan_overview()
    context = {"rows": rows, "with_plan": sum(1 for _province, plan in rows if plan is not None)}
    return render(request, "reports/plan_status.html", context)


@login_required
def plan_edit(request: AuthedRequest) -> HttpResponse:
    """The user's province records (or changes) its action plan."""
    _refuse_unless(
        can(request.user, ReportAction.EDIT_PLAN),
        _("Only an officer of a provincial unit records its action plan."),
    )
    province = request.user.organisation
    if province is None:  # EDIT_PLAN holds only for an officer of a provincial unit
        raise PermissionDenied(_("Only an officer of a provincial unit records its action plan."))
    plan = visible_plans(request.user).filter(province=province).first()
    initial_rows = (
        [
            {
                "task": row.task,
                "responsible_body": row.responsible_body,
                "deadline": row.deadline,
                "measure": row.measure,
            }
            for row in plan.responsibilities.all()
        ]
        if plan
        else []
    )
    form = forms.PlanForm(request.POST or None, initial=forms.PlanForm.initial_from(plan))
    formset = forms.ResponsibilityFormSet(request.POST or None, initial=initial_rows, prefix="rows")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = forms.save_plan(province, form, formset, actor=request.user)
        if saved is not None:
            messages.success(request, _("The action plan has been saved."))
            return redirect("reports:plan_detail", pk=saved.pk)
    context = {"form": form, "formset": formset, "plan": plan, "province": province}
    return render(request, "reports/plan_form.html", context)


def _plan_in_scope(request: AuthedRequest, pk: int) -> Any:
    return get_object_or_404(visible_plans(request.user), pk=pk)


@login_required
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan_in_scope(request, pk)
    context = {
        "plan": plan,
        "rows": list(plan.responsibilities.all()),
        "attachments": list(plan.attachments.all()),
        "can_edit": can(request.user, ReportAction.EDIT_PLAN, plan),
        "upload_form": forms.UploadForm(),
    }
    return render(request, "reports/plan_detail.html", context)


@require_POST
@login_required
def plan_attachment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan_in_scope(request, pk)
    _refuse_unless(
        can(request.user, ReportAction.EDIT_PLAN, plan),
        _("Only an officer of the province records its action plan."),
    )
    form = forms.UploadForm(request.POST, request.FILES)
    if form.is_valid():
        _domain_call(
            request,
            lambda: services.add_plan_attachment(
                plan, actor=request.user, uploaded_file=form.cleaned_data["file"]
            ),
            _("The file has been attached."),
        )
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("reports:plan_detail", pk=plan.pk)


@require_POST
@login_required
def plan_attachment_remove(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    plan = _plan_in_scope(request, pk)
    attachment = get_object_or_404(plan.attachments.all(), pk=attachment_pk)
    _refuse_unless(
        can(request.user, ReportAction.EDIT_PLAN, plan),
        _("Only an officer of the province records its action plan."),
    )
    _domain_call(
        request,
        lambda: services.remove_plan_attachment(attachment, actor=request.user),
        _("The file has been removed."),
    )
    return redirect("reports:plan_detail", pk=plan.pk)


@login_required
def plan_attachment(request: AuthedRequest, pk: int, attachment_pk: int) -> FileResponse:
    plan = _plan_in_scope(request, pk)
    return _download(get_object_or_404(plan.attachments.all(), pk=attachment_pk))


# --- the action's tasks ---------------------------------------------------------------------------


def _years() -> list[int]:
    return list(range(FIRST_YEAR, services.current_year() + 1))


@login_required
def task_matrix(request: AuthedRequest) -> HttpResponse:
    _refuse_unless(
        can(request.user, ReportAction.VIEW_TASKS),
        _("The progress of the action's tasks is for CNIPA's departments."),
    )
    years = _years()
    context = {"years": years, "matrix": queries.task_matrix(years), "statuses": TaskStatus}
    return render(request, "reports/task_matrix.html", context)


@login_required
def task_progress(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    """One task in one year: what each responsible department recorded, and the form for the
    departments this user may record for."""
    _refuse_unless(
        can(request.user, ReportAction.VIEW_TASKS),
        _("The progress of the action's tasks is for CNIPA's departments."),
    )
    task = get_object_or_404(ActionTask.objects.select_related("action"), pk=pk)
    if year not in _years():
        raise Http404(_("No such year."))
    departments = departments_user_may_record_for(request.user, task)
    if request.method == "POST":
        _refuse_unless(
            bool(departments), _("Only the departments the notice names for this task record its progress.")
        )
    entries = {
        entry.department_id: entry for entry in task.progress.filter(year=year).select_related("department")
    }
    chosen = request.GET.get("department")
    mine = next((d for d in departments if str(d.pk) == chosen), departments[0] if departments else None)
    current = entries.get(mine.pk) if mine else None
    initial: dict[str, Any] = {"department": mine.pk if mine else None}
    if current:
        initial |= {"status": current.status, "text": current.text}
    form = forms.TaskProgressForm(request.POST or None, departments=departments, initial=initial)
    if request.method == "POST" and form.is_valid() and form.save(task, actor=request.user, year=year):
        messages.success(request, _("The progress has been saved."))
        return redirect(reverse("reports:task_matrix") + f"#task-{task.pk}")
    context = {
        "task": task,
        "year": year,
        "rows": [(department, entries.get(department.pk)) for department in task.action.departments.all()],
        "form": form if departments else None,
        "themes": Theme,
    }
    return render(request, "reports/task_progress.html", context)
