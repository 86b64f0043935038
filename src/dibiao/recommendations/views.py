"""The recommendation pages. HTTP only: scope → permission → service → response.

Every recommendation is fetched through `visible_recommendations(user)`, so another
province's project is a 404; a visible one that the user may not act on is a 403. Every
refusal of a service comes back as the page with the user's input still in it.
"""

from collections import defaultdict
from copy import deepcopy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dibiao.accounts import permissions
from dibiao.accounts.models import User
from dibiao.accounts.permissions import RecommendationAction as Can
from dibiao.accounts.permissions import can, visible_recommendations
from dibiao.core import pages
from dibiao.core.errors import DomainError
from dibiao.core.htmx import is_htmx
from dibiao.organisations.models import Organisation
from dibiao.recommendations import forms, listings, queries, schema, services, workflow
from dibiao.recommendations.choices import LONG_TEXT_SECTIONS, Action, Section, State
from dibiao.recommendations.models import Attachment, Notification, Recommendation
from dibiao.recommendations.services import StaleRevisionError
from dibiao.recommendations.workflow import WorkflowError

AuthedRequest = HttpRequest

# Which rule allows each step (the workflow checks the same rule again, under its lock).
STEP_RULE = {action: step.by for action, step in workflow.TRANSITIONS.items()}
# The form each step needs; steps not listed need none.
STEP_FORMS: dict[Action, type[forms.forms.Form]] = {
    Action.SUBMIT: forms.SubmitForm,
    Action.RETURN: forms.ReasonForm,
    Action.RECOMMEND: forms.RecommendForm,
    Action.WITHDRAW: forms.ReasonForm,
    Action.RETURN_TO_PROVINCE: forms.ReasonForm,
}
STEP_DONE = {
    Action.SUBMIT: _("Submitted to the province."),
    Action.RETURN: _("Returned to the implementing unit."),
    Action.RECOMMEND: _("Recommended to CNIPA."),
    Action.WITHDRAW: _("The recommendation was withdrawn."),
    Action.RECEIVE: _("Received."),
    Action.RETURN_TO_PROVINCE: _("Returned to the province."),
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png"


def _rec_or_404(request: AuthedRequest, pk: int) -> Recommendation:
    return get_object_or_404(visible_recommendations(request.user), pk=pk)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may see this recommendation, but not do this."))


def _attachments_by_section(rec: Recommendation) -> dict[str, list[Attachment]]:
    grouped: dict[str, list[Attachment]] = defaultdict(list)
    for attachment in queries.active_attachments(rec).order_by("uploaded_at", "pk"):
        grouped[attachment.section].append(attachment)
    return grouped


def _upload_hint() -> str:
    return _("PDF, JPEG, PNG or Word (.docx); at most %(size)d MB each, %(count)d per part.") % {
        "size": services.MAX_ATTACHMENT_MB,
        "count": services.MAX_ATTACHMENTS_PER_SECTION,
    }


def _authenticated(user: Any) -> User:
    """The logged-in user (login_required has checked that there is one)."""
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _organisation(user: Any) -> Organisation:
    """The officer's organisation (the role predicates have checked that there is one)."""
    org = user.organisation
    if org is None:
        raise PermissionDenied(_("Your account belongs to no organisation."))
    return org


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _safe_next(request: AuthedRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- lists -------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    """Each role's own list."""
    user = request.user
    if permissions.is_national_admin(user):
        return redirect("recommendations:national")
    if permissions.is_provincial_officer(user):
        return redirect("recommendations:province")
    if permissions.is_implementing_officer(user):
        return redirect("recommendations:mine")
    raise PermissionDenied(_("Your role has no list of recommendations."))


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """The implementing unit's recommendations: state, what to do next, the deadline."""
    user = request.user
    _require(permissions.is_implementing_officer(user))
    unit = _organisation(user)
    rows = listings.unit_rows(visible_recommendations(user), unit)
    round_ = listings.open_round()
    deadline = queries.deadline_for(round_, unit.province_id) if round_ and unit.province_id else None
    can_start = bool(
        round_ is not None and deadline is not None and queries.is_before_deadline(timezone.now(), deadline)
    )
    return render(
        request,
        "recommendations/mine.html",
        {"rows": rows, "open_round": round_, "deadline": deadline, "can_start": can_start, "unit": unit},
    )


@login_required
@require_POST
def create(request: AuthedRequest) -> HttpResponse:
    """Start a new recommendation in the open round."""
    _require(permissions.is_implementing_officer(request.user))
    round_ = listings.open_round()
    if round_ is None:
        messages.error(request, _("No round is open for recommendations now."))
        return redirect("recommendations:mine")
    try:
        rec = services.create_draft(actor=request.user, round=round_)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("recommendations:mine")
    messages.success(request, _("A new draft was created. It saves itself while you type."))
    return redirect("recommendations:edit", pk=rec.pk)


@login_required
@require_GET
def province(request: AuthedRequest) -> HttpResponse:
    """The province's page: quota used of quota, its recommendations by state with what can be
    done, and the implementing units that have submitted nothing."""
    user = request.user
    _require(permissions.is_provincial_officer(user))
    org = _organisation(user)
    # A provincial unit is its own province: no query for it.
    province_unit = org if org.province_id in (None, org.pk) else (org.province or org)

    def context() -> dict[str, Any]:
        rounds = listings.province_rounds(province_unit)
        round_ = listings.pick_round(rounds, request.GET.get("round"))
        return {
            "page": listings.province_page(visible_recommendations(user), province_unit, round_)
            if round_
            else None,
            "round": round_,
            "rounds": rounds,
            "province_unit": province_unit,
            "can_recommend": can(user, Can.RECOMMEND, _probe(province_unit)),
        }

    body = pages.body(request, "recommendations/province.html#body", context)
    return render(request, "recommendations/province.html", {"body": body})


def _probe(province_unit: Any) -> Recommendation:
    """An unsaved recommendation of `province_unit`, to ask `can` about the province's steps."""
    return Recommendation(province=province_unit, province_id=province_unit.pk, state=State.SUBMITTED)


@login_required
@require_GET
def national(request: AuthedRequest) -> HttpResponse:
    """Per province: submitted, recommended, received, paper copies, quota use; and the full
    list, filtered, 50 a page."""
    user = request.user
    _require(permissions.is_national_admin(user))

    def build() -> dict[str, Any]:
        rounds = list(listings.Round.objects.order_by("-year"))
        round_ = listings.pick_round(rounds, request.GET.get("round"))
        provinces = listings.provincial_units(round_)
        chosen_code = request.GET.get("province")
        chosen_province = next((p for p in provinces if p.province_code == chosen_code), None)
        chosen_state = request.GET.get("state") if request.GET.get("state") in State.values else ""
        context: dict[str, Any] = {
            "round": round_,
            "rounds": rounds,
            "provinces": [(province.province_code, province.name) for province in provinces],
            "states": [(value, label) for value, label in State.choices if value != State.DRAFT],
            "chosen_province": chosen_province,
            "chosen_state": chosen_state,
        }
        if round_ is not None:
            visible = visible_recommendations(user)
            counts = listings.state_counts(visible, round_)
            rows = listings.national_rows(round_, provinces, counts)
            context["rows"] = rows
            context["totals"] = listings.totals(rows)
            recs = listings.national_list(visible, round_, province=chosen_province, state=chosen_state)
            page = listings.paginate(
                recs,
                request.GET.get("page"),
                count=listings.national_count(counts, province=chosen_province, state=chosen_state),
            )
            page.object_list = listings.national_page_rows(page.object_list)
            context["page"] = page
            query = request.GET.copy()
            query.pop("page", None)
            context["query"] = query.urlencode()
        return context

    body = pages.body(request, "recommendations/national.html#body", build)
    return render(request, "recommendations/national.html", {"body": body})


@login_required
@require_GET
def paper_missing(request: AuthedRequest) -> HttpResponse:
    """Which provinces' sealed paper copies have not arrived, for received projects."""
    user = request.user
    _require(permissions.is_national_admin(user))
    round_ = listings.select_round(request.GET.get("round"), include_drafts=True)
    groups = listings.paper_missing(round_) if round_ else []
    return render(
        request,
        "recommendations/paper_missing.html",
        {
            "round": round_,
            "rounds": listings.Round.objects.order_by("-year"),
            "groups": groups,
            "missing_total": sum(len(group.recs) for group in groups),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: AuthedRequest) -> HttpResponse:
    """The user's notices, newest first; marking one or all as read."""
    user = request.user
    if request.method == "POST":
        unread = Notification.objects.filter(user=_authenticated(user), read_at__isnull=True)
        which = request.POST.get("read", "")
        if which != "all":
            unread = unread.filter(pk=_int(which) or 0)
        unread.update(read_at=timezone.now())
        return redirect(_safe_next(request, reverse("recommendations:notifications")))
    page = listings.paginate(listings.notifications_for(user), request.GET.get("page"))  # type: ignore[arg-type]
    return render(
        request,
        "recommendations/notifications.html",
        {"page": page, "unread": listings.unread_count(user)},
    )


# --- the form ----------------------------------------------------------------------------------


def _edit_context(
    rec: Recommendation,
    data: dict[str, Any],
    problems: list[Any],
    *,
    revision: int,
    stale: bool = False,
    upload_errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    form = forms.PaperForm(
        data, problems=problems, editable={forms.UNIT}, attachments=_attachments_by_section(rec)
    )
    for block in form.long_texts:
        block.upload_errors = (upload_errors or {}).get(block.section, [])
    return {
        "rec": rec,
        "form": form,
        "revision": revision,
        "stale": stale,
        "current_revision": rec.revision if stale else "",
        "saved_at": None if stale else rec.updated_at,
        "accept": ACCEPT,
        "upload_hint": _upload_hint(),
    }


def _edit_allowed(request: AuthedRequest, rec: Recommendation) -> HttpResponse | None:
    """None if the user may edit the draft; else where to go (or raise 403)."""
    if can(request.user, Can.EDIT, rec):
        return None
    if permissions.is_officer_of_unit(request.user, rec.implementing_unit_id):
        messages.info(request, _("This recommendation has been submitted; it can no longer be changed."))
        return redirect(rec)
    raise PermissionDenied(_("Only officers of the implementing unit can change this recommendation."))


def _attachment_changes(request: AuthedRequest, rec: Recommendation) -> dict[str, list[str]]:
    """Upload the files chosen in section 三 and remove the one asked; errors by section."""
    errors: dict[str, list[str]] = defaultdict(list)
    for section in LONG_TEXT_SECTIONS:
        for uploaded in request.FILES.getlist(f"attachment.{section.value}"):
            try:
                services.add_attachment(rec, actor=request.user, section=section, uploaded_file=uploaded)  # type: ignore[arg-type]
            except DomainError as error:
                errors[section.value].append(f"{uploaded.name}：{error.message}")
    remove = _int(request.POST.get("remove_attachment"))
    if remove is not None:
        attachment = get_object_or_404(
            Attachment, pk=remove, recommendation=rec, section__in=LONG_TEXT_SECTIONS, removed_at__isnull=True
        )
        try:
            services.remove_attachment(attachment, actor=request.user)  # type: ignore[arg-type]
        except DomainError as error:
            errors[attachment.section].append(error.message)
    return errors


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The whole form on one page. A POST saves it (complete or not), uploads or removes
    attached pages, and adds or removes GIs and approvals when the page has no script."""
    rec = _rec_or_404(request, pk)
    if (elsewhere := _edit_allowed(request, rec)) is not None:
        return elsewhere
    if request.method == "GET":
        return render(
            request,
            "recommendations/edit.html",
            _edit_context(
                rec, rec.data, schema.validate(rec.data, for_submission=False), revision=rec.revision
            ),
        )

    post = request.POST
    revision = _int(post.get("overwrite")) or _int(post.get("revision"))
    data = forms.merge(rec.data, forms.parse_post(post, forms.UNIT))
    if (index := _int(post.get("remove_gi"))) is not None:
        forms.remove_gi(data, index)
    if remove := post.get("remove_approval"):
        gi, _sep, sub = remove.partition(".")
        if _int(gi) is not None and _int(sub) is not None:
            forms.remove_approval(data, int(gi), int(sub))
    stale = False
    problems: list[Any] = []
    try:
        if revision is None:
            raise StaleRevisionError()
        problems = services.save_draft(rec, actor=request.user, data=data, revision=revision)  # type: ignore[arg-type]
    except StaleRevisionError:
        stale = True
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(rec)
    upload_errors = _attachment_changes(request, rec)

    shown = deepcopy(data if stale else rec.data)
    reshaped = False
    if "add_gi" in post:
        forms.add_gi(shown)
        reshaped = True
    if (index := _int(post.get("add_approval"))) is not None:
        forms.add_approval(shown, index)
        reshaped = True
    reshaped = reshaped or "remove_gi" in post or "remove_approval" in post
    if stale:
        context = _edit_context(
            rec, shown, [], revision=revision or 0, stale=True, upload_errors=upload_errors
        )
        context["current_revision"] = _current_revision(rec)
        return render(request, "recommendations/edit.html", context, status=409)
    if problems or upload_errors or reshaped or "upload" in post or "remove_attachment" in post:
        if not problems and not upload_errors:
            messages.success(request, _("Saved."))
        return render(
            request,
            "recommendations/edit.html",
            _edit_context(rec, shown, problems, revision=rec.revision, upload_errors=upload_errors),
        )
    messages.success(request, _("Saved."))
    if post.get("then") == "submit":
        return redirect(reverse("recommendations:detail", args=[rec.pk]) + "#action-submit")
    return redirect("recommendations:edit", pk=rec.pk)


def _current_revision(rec: Recommendation) -> int:
    return Recommendation.objects.filter(pk=rec.pk).values_list("revision", flat=True).first() or 0


@require_POST
def autosave(request: AuthedRequest, pk: int) -> JsonResponse:
    """Save the draft while the person types (the page's script posts the whole form here).

    Answers JSON: 200 with the new revision and the format problems; 401 when the session has
    expired (the page keeps its text and says to log in in another tab); 409 when the draft
    was saved elsewhere since the page loaded (nothing is overwritten)."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "error": "login",
                "message": _(
                    "Your login has expired. Log in again in a new tab, then save; nothing on this page will be lost."
                ),
            },
            status=401,
        )
    rec = _rec_or_404(request, pk)
    if not can(request.user, Can.EDIT, rec):
        return JsonResponse(
            {"error": "forbidden", "message": _("This recommendation can no longer be changed here.")},
            status=403,
        )
    revision = _int(request.POST.get("revision"))
    if revision is None:
        return JsonResponse(
            {"error": "revision", "message": _("The page is missing its revision.")}, status=400
        )
    data = forms.merge(rec.data, forms.parse_post(request.POST, forms.UNIT))
    try:
        problems = services.save_draft(rec, actor=request.user, data=data, revision=revision)  # type: ignore[arg-type]
    except StaleRevisionError:
        return JsonResponse(
            {
                "error": "stale",
                "revision": _current_revision(rec),
                "message": _(
                    "This draft was changed in another tab or window. To overwrite nothing, this page "
                    "stopped saving automatically; what you typed stays on this page."
                ),
            },
            status=409,
        )
    except DomainError as error:
        return JsonResponse({"error": "refused", "message": error.message}, status=409)
    saved_at = time_format(timezone.localtime(rec.updated_at), "H:i:s")
    return JsonResponse(
        {
            "revision": rec.revision,
            "saved_at": saved_at,
            "message": _("Saved automatically at %(time)s") % {"time": saved_at},
            "problems": forms.problems_as_dict(problems),
        }
    )


# --- reading, the path, the history ------------------------------------------------------------


def _step_form(action: Action, rec: Recommendation, user: Any, data: Any = None, files: Any = None) -> Any:
    form_class = STEP_FORMS.get(action)
    if form_class is None:
        return None
    kwargs: dict[str, Any] = {"prefix": action.value}
    if issubclass(form_class, forms.OpinionForm):
        kwargs["has_seal"] = queries.active_attachments(rec, form_class.seal_section).exists()
        if data is None:
            key = (
                "implementing_opinion"
                if form_class.seal_section == Section.IMPLEMENTING_SEAL
                else "recommending_opinion"
            )
            stored = forms.get_path(rec.data, key) or {}
            kwargs["initial"] = {
                "opinion_text": stored.get("text") or "",
                "opinion_signer": stored.get("signer") or getattr(user, "full_name", ""),
                "opinion_date": stored.get("date") or timezone.localdate().isoformat(),
            }
            if form_class is forms.RecommendForm:
                kwargs["initial"]["support"] = rec.data.get("recommender_support") or ""
    return form_class(data, files, **kwargs)


def _detail_context(
    request: AuthedRequest,
    rec: Recommendation,
    *,
    bound: dict[Action, Any] | None = None,
    province_data: dict[str, Any] | None = None,
    problems: list[Any] | None = None,
    failed: Action | None = None,
) -> dict[str, Any]:
    user = request.user
    actions = workflow.available_actions(user, rec)
    bound = bound or {}
    step_forms = {action.value: bound.get(action) or _step_form(action, rec, user) for action in actions}
    province_form = None
    if Action.RECOMMEND in actions:
        province_form = forms.PaperForm(
            province_data if province_data is not None else rec.data,
            problems=[p for p in (problems or []) if str(p.field).startswith("recommending_unit.")],
            editable={forms.PROVINCE},
        )
    attachments = _attachments_by_section(rec)
    deadline = queries.deadline_for(rec.round, rec.province_id)
    return {
        "rec": rec,
        "form": forms.PaperForm(rec.data, editable=(), attachments=attachments),
        "actions": [
            {
                "action": action,
                "name": action.value,
                "label": action.label,
                "form": step_forms[action.value],
                "url": reverse(f"recommendations:{action.value}", args=[rec.pk]),
            }
            for action in actions
        ],
        "province_form": province_form,
        "failed": failed.value if failed else "",
        "step_problems": [
            forms.ProblemLine(
                str(p.field),
                forms.label_for(str(p.field)),
                str(p.message),
                "#" + forms.anchor_for(str(p.field)),
            )
            for p in (problems or [])
        ],
        "can_edit": can(user, Can.EDIT, rec),
        "can_record_paper": can(user, Can.RECORD_PAPER_COPY, rec)
        and rec.state in listings.RECEIVED_OR_LATER
        and rec.paper_received_at is None,
        "deadline": deadline,
        "deadline_passed": not queries.is_before_deadline(timezone.now(), deadline),
        "next_step": listings.next_step(rec),
        "badge": listings.STATE_BADGE.get(State(rec.state), ""),
        "transitions": listings.history(rec),
        "versions": listings.versions(rec),
        "missing": schema.validate(rec.data, for_submission=True) if Action.SUBMIT in actions else [],
    }


@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The whole form read-only, the status panel with the steps the user may take, the
    history and the versions."""
    rec = _rec_or_404(request, pk)
    _require(can(request.user, Can.READ, rec))
    body = pages.body(request, "recommendations/detail.html#body", lambda: _detail_context(request, rec))
    return render(request, "recommendations/detail.html", {"rec": rec, "body": body})


def _replace_seal(request: AuthedRequest, rec: Recommendation, section: Section, uploaded: Any) -> None:
    """Attach the new sealed page, then take the earlier ones of that section off the form."""
    earlier = list(queries.active_attachments(rec, section))
    services.add_attachment(rec, actor=request.user, section=section, uploaded_file=uploaded)  # type: ignore[arg-type]
    for attachment in earlier:
        services.remove_attachment(attachment, actor=request.user)  # type: ignore[arg-type]


def _step(request: AuthedRequest, pk: int, action: Action) -> HttpResponse:
    """One step along the path: check the rule, take the form, call workflow.perform.

    A refusal renders the page again with the form as it was filled in and the reason."""
    rec = _rec_or_404(request, pk)
    _require(can(request.user, STEP_RULE[action], rec))
    form = _step_form(action, rec, request.user, request.POST, request.FILES)
    province_data = None
    kwargs: dict[str, Any] = {}

    def refused(message: str, problems: list[Any] | None = None) -> HttpResponse:
        messages.error(request, message)
        context = _detail_context(
            request, rec, bound={action: form}, province_data=province_data, problems=problems, failed=action
        )
        template = (
            "recommendations/detail.html#status-panel" if is_htmx(request) else "recommendations/detail.html"
        )
        return render(request, template, context, status=400)

    if action == Action.RECOMMEND:
        province_data = forms.merge(rec.data, forms.parse_post(request.POST, forms.PROVINCE))
    if form is not None and not form.is_valid():
        return refused(_("Please correct the fields marked below."))
    try:
        if isinstance(form, forms.OpinionForm):
            if form.cleaned_data.get("sealed_page"):
                _replace_seal(request, rec, form.seal_section, form.cleaned_data["sealed_page"])
                form.has_seal = True
            kwargs["opinion"] = form.opinion()
        if isinstance(form, forms.RecommendForm):
            kwargs["support"] = form.cleaned_data.get("support") or ""
        if isinstance(form, forms.ReasonForm):
            kwargs["reason"] = form.cleaned_data["reason"]
        if province_data is not None:
            # The province's half of 一 is written with the step, or not at all.
            kwargs["province_part"] = province_data.get("recommending_unit") or {}
        workflow.perform(rec, action, actor=request.user, **kwargs)  # type: ignore[arg-type]
    except WorkflowError as error:
        return refused(error.message, error.problems)
    except DomainError as error:
        return refused(error.message)
    messages.success(request, STEP_DONE[action])
    if is_htmx(request):
        return render(request, "recommendations/detail.html#status-panel", _detail_context(request, rec))
    return redirect(rec)


@login_required
@require_POST
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, Action.SUBMIT)


@login_required
@require_POST
def return_(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, Action.RETURN)


@login_required
@require_POST
def recommend(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, Action.RECOMMEND)


@login_required
@require_POST
def withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, Action.WITHDRAW)


@login_required
@require_POST
def receive(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, Action.RECEIVE)


@login_required
@require_POST
def return_to_province(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, Action.RETURN_TO_PROVINCE)


@login_required
@require_POST
def paper_received(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record that the sealed paper copy arrived."""
    rec = _rec_or_404(request, pk)
    _require(can(request.user, Can.RECORD_PAPER_COPY, rec))
    try:
        services.record_paper_received(rec, actor=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The paper copy of %(number)s was recorded.") % {"number": rec.number or rec}
        )
    if is_htmx(request):
        return render(request, "recommendations/detail.html#status-panel", _detail_context(request, rec))
    return redirect(_safe_next(request, rec.get_absolute_url()))


@login_required
@require_GET
def diff(request: AuthedRequest, pk: int) -> HttpResponse:
    """Two frozen versions side by side, field by field; changed fields highlighted, long
    texts with their changed characters marked."""
    rec = _rec_or_404(request, pk)
    _require(can(request.user, Can.READ, rec))
    versions = list(rec.versions.order_by("number"))
    by_number = {version.number: version for version in versions}
    default_a = versions[-2].number if len(versions) > 1 else (versions[0].number if versions else None)
    default_b = versions[-1].number if versions else None
    a = by_number.get(_int(request.GET.get("a")) or default_a)  # type: ignore[arg-type]
    b = by_number.get(_int(request.GET.get("b")) or default_b)  # type: ignore[arg-type]
    if versions and (a is None or b is None):
        raise Http404(_("No such version."))
    rows = forms.diff_rows(a, b) if a and b else []
    return render(
        request,
        "recommendations/diff.html",
        {
            "rec": rec,
            "versions": versions,
            "a": a,
            "b": b,
            "rows": rows,
            "changed_count": sum(1 for row in rows if row.changed),
            "only_changes": request.GET.get("all") != "1",
        },
    )


@login_required
@require_GET
def attachment(request: AuthedRequest, pk: int, attachment_id: int) -> FileResponse:
    """A file of a recommendation the user may read, as a download under a safe name."""
    rec = _rec_or_404(request, pk)
    _require(can(request.user, Can.READ, rec))
    item = get_object_or_404(Attachment, pk=attachment_id, recommendation=rec)
    item.recommendation = rec
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("The file is missing.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=services.attachment_download_name(item),
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
