"""Round pages: HTTP only. Scope → permission → form/service → response."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dibiao.accounts import permissions
from dibiao.accounts.permissions import Action, can
from dibiao.core.htmx import is_htmx
from dibiao.rounds import exporters, queries
from dibiao.rounds.forms import (
    ApplyProposalForm,
    ExtensionForm,
    HoldingImportForm,
    HoldingTableForm,
    ProposalForm,
    QuotaImportForm,
    QuotaTableForm,
    RoundForm,
    encode_caps,
)
from dibiao.rounds.models import Round
from dibiao.rounds.services import HOLDING_COLUMNS, QUOTA_COLUMNS, local


def _require_manager(request: HttpRequest) -> None:
    if not can(request.user, Action.MANAGE_ROUNDS):
        raise PermissionDenied(_("Only the national administrator can manage rounds and quotas."))


def _managed_round(request: HttpRequest, pk: int) -> Round:
    _require_manager(request)
    return get_object_or_404(Round, pk=pk)


def _data(request: HttpRequest) -> Any:
    """The form data of a POST, even an empty one (whose form must show its errors)."""
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _require_reader(request: HttpRequest) -> None:
    if not can(request.user, Action.VIEW_ROUNDS):
        raise PermissionDenied(_("Only the national administrator and provincial units can see rounds."))


@require_GET
@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    if can(request.user, Action.MANAGE_ROUNDS):
        return render(
            request, "rounds/round_list.html", {"rounds": queries.rounds_with_totals(), "manage": True}
        )
    province = queries.province_of(request.user)
    rounds = queries.with_quota_of(
        permissions.visible_rounds(request.user), province.pk if province else None
    )
    return render(request, "rounds/round_list.html", {"rounds": rounds, "manage": False})


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = RoundForm(_data(request))
    if request.method == "POST" and form.is_valid():
        round = form.save(actor=request.user)
        if round is not None:
            messages.success(request, _("The round has been created. Now import or enter its quotas."))
            return redirect(round)
    return render(request, "rounds/round_form.html", {"form": form, "round": None})


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    form = RoundForm(_data(request), round=round)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(actor=request.user)
        except Round.NotUpdated:
            raise Http404 from None
        if saved is not None:
            messages.success(request, _("The round has been saved."))
            return redirect(round)
    return render(request, "rounds/round_form.html", {"form": form, "round": round})


@require_GET
@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    round = get_object_or_404(permissions.visible_rounds(request.user), pk=pk)
    if not can(request.user, Action.MANAGE_ROUNDS):
        return _province_detail(request, round)
    return render(request, "rounds/round_detail.html", _detail_context(round, ExtensionForm()))


def _detail_context(round: Round, extension_form: ExtensionForm) -> dict[str, Any]:
    rows = queries.quota_rows(round)
    return {
        "round": round,
        "rows": rows,
        "total": sum(row.cap or 0 for row in rows),
        "missing": sum(1 for row in rows if row.quota is None),
        "extensions": queries.extensions_in_round(round),
        "extension_form": extension_form,
    }


def _province_detail(request: HttpRequest, round: Round) -> HttpResponse:
    province = queries.province_of(request.user)
    if province is None:
        raise PermissionDenied(_("Only the national administrator and provincial units can see rounds."))
    quota = queries.quotas_in_round(round).filter(province=province).first()
    deadline = queries.deadline_for(round, province)
    return render(
        request,
        "rounds/round_detail_province.html",
        {
            "round": round,
            "province": province,
            "quota": quota,
            "deadline": deadline,
            "is_extended": deadline > round.deadline_at,
        },
    )


@login_required
def edit_quotas(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    rows = queries.quota_rows(round)
    form = QuotaTableForm(_data(request), rows=rows)
    if request.method == "POST" and form.is_valid():
        caps = form.save(round, actor=request.user)
        if caps is not None:
            messages.success(
                request, _("The quotas have been saved. Total: %(total)s.") % {"total": sum(caps.values())}
            )
            return redirect(round)
    return render(
        request,
        "rounds/quota_form.html",
        {"round": round, "form": form, "total": sum(row.cap or 0 for row in rows)},
    )


@login_required
def import_quotas(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    form = QuotaImportForm(_data(request), _files(request), round=round)
    if request.method == "POST" and form.is_valid():
        caps = form.save(round, actor=request.user)
        if caps is not None:
            messages.success(
                request,
                _("%(count)s quotas have been imported. Total: %(total)s.")
                % {"count": len(caps), "total": sum(caps.values())},
            )
            return redirect(round)
    return render(
        request,
        "rounds/table_import.html",
        {
            "round": round,
            "form": form,
            "columns": ",".join(QUOTA_COLUMNS),
            "heading": _("Import quotas"),
            "example": "11,北京市知识产权局,2",
        },
    )


@require_GET
@login_required
def export_quotas(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    round = _managed_round(request, pk)
    exporter = exporters.EXPORTERS.get(fmt)
    if exporter is None:
        raise Http404
    rendered = exporter(round)
    response = HttpResponse(rendered.data, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


@login_required
def edit_holdings(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    rows = queries.holding_rows(round)
    form = HoldingTableForm(_data(request), rows=rows)
    if request.method == "POST" and form.is_valid():
        changed = form.save(round, actor=request.user)
        if changed is not None:
            messages.success(request, _("The GI holdings have been saved."))
            return redirect("rounds:edit_holdings", pk=round.pk)
    return render(
        request,
        "rounds/holding_form.html",
        {
            "round": round,
            "form": form,
            "products_total": sum(row.holding.gi_products for row in rows if row.holding),
            "trademarks_total": sum(row.holding.gi_trademarks for row in rows if row.holding),
            "holdings_year": round.year - 1,
        },
    )


@login_required
def import_holdings(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    form = HoldingImportForm(_data(request), _files(request), round=round)
    if request.method == "POST" and form.is_valid():
        changed = form.save(round, actor=request.user)
        if changed is not None:
            messages.success(request, _("The GI holdings have been imported."))
            return redirect("rounds:edit_holdings", pk=round.pk)
    return render(
        request,
        "rounds/table_import.html",
        {
            "round": round,
            "form": form,
            "columns": ",".join(HOLDING_COLUMNS),
            "heading": _("Import GI holdings"),
            "example": "11,16,128",
        },
    )


def _proposal_defaults(round: Round) -> dict[str, int] | None:
    caps = [row.cap for row in queries.quota_rows(round) if row.cap is not None]
    if not caps:
        return None
    return {"total": sum(caps), "floor": min(caps), "ceiling": max(caps)}


@require_GET
@login_required
def propose_quotas(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    if request.GET:
        form = ProposalForm(request.GET)
    else:
        defaults = _proposal_defaults(round)
        form = ProposalForm(defaults) if defaults else ProposalForm()
    return _render_proposal(request, round, form)


def _render_proposal(request: HttpRequest, round: Round, form: ProposalForm) -> HttpResponse:
    has_holdings = round.holdings.exists()
    proposal = None
    if has_holdings and form.is_bound and form.is_valid():
        proposal = queries.proposal_for(
            round,
            total=form.cleaned_data["total"],
            floor=form.cleaned_data["floor"],
            ceiling=form.cleaned_data["ceiling"],
        )
    template = "rounds/quota_proposal.html"
    if is_htmx(request):
        template += "#proposal"
    return render(
        request,
        template,
        {
            "round": round,
            "form": form,
            "proposal": proposal,
            "expected": encode_caps(proposal.caps) if proposal else "",
            "has_holdings": has_holdings,
            "holdings_year": round.year - 1,
        },
    )


@require_POST
@login_required
def apply_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    form = ApplyProposalForm(request.POST)
    if form.is_valid():
        caps = form.save(round, actor=request.user)
        if caps is not None:
            messages.success(
                request,
                _("The proposal has been applied. Total: %(total)s.") % {"total": sum(caps.values())},
            )
            return redirect(round)
    for error in [*form.non_field_errors(), *form.errors.get("expected", [])]:
        messages.error(request, error)
    # Show the proposal as it stands now, with the parameters that were sent.
    shown = ProposalForm({key: request.POST.get(key, "") for key in ("total", "floor", "ceiling")})
    return _render_proposal(request, round, shown)


@require_POST
@login_required
def grant_extension(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        extension = form.save(round, actor=request.user)
        if extension is not None:
            if is_htmx(request):
                return render(
                    request, "rounds/round_detail.html#extensions", _detail_context(round, ExtensionForm())
                )
            messages.success(
                request,
                _("%(province)s may recommend until %(until)s.")
                % {"province": extension.province.name, "until": local(extension.until)},
            )
            return redirect(round)
    if is_htmx(request):
        return render(request, "rounds/round_detail.html#extensions", _detail_context(round, form))
    return render(request, "rounds/round_detail.html", _detail_context(round, form))
