"""The documents pages. HTTP only: scope → permission → service → response.

A recommendation is fetched through `visible_recommendations(user)` (another province's is a
404), a generated file through `queries.visible_generated_files(user)`.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dibiao.accounts import permissions
from dibiao.accounts.models import User
from dibiao.accounts.permissions import RecommendationAction, visible_recommendations
from dibiao.core.errors import DomainError
from dibiao.core.htmx import is_htmx
from dibiao.documents import content, paper, pdf, queries, services, xlsx
from dibiao.documents.base import attachment_response
from dibiao.documents.collect import collect
from dibiao.documents.forms import ArchiveForm, PaperCheckForm
from dibiao.documents.models import GeneratedFile
from dibiao.documents.pdf import PdfExporter
from dibiao.documents.word import WordExporter
from dibiao.recommendations.models import Recommendation, Version
from dibiao.rounds.models import Round


class AuthedRequest(HttpRequest):
    """A request behind @login_required: its user is an account, never anonymous."""

    user: User


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may not do this."))


def _copy(request: AuthedRequest, pk: int) -> tuple[Recommendation, content.FormContent, bool]:
    """The recommendation (in scope, or 404) and the copy to print: `?version=N`, or the current
    one (see content.form_content). The flag says whether a version was asked for."""
    rec = get_object_or_404(visible_recommendations(request.user), pk=pk)
    _require(permissions.can(request.user, RecommendationAction.READ, rec))
    asked = request.GET.get("version", "").strip().lstrip("vV")
    version = None
    if asked:
        if not asked.isdigit():
            raise Http404(_("No such version."))
        version = get_object_or_404(Version, recommendation=rec, number=int(asked))
    return rec, content.form_content(rec, version, reader=request.user), version is not None


@login_required
@require_GET
def word(request: AuthedRequest, pk: int) -> HttpResponse:
    """Attachment 1 as a Word document."""
    _rec, copy, asked = _copy(request, pk)
    return attachment_response(WordExporter(copy).render(with_version=asked))


@login_required
@require_GET
def pdf_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Attachment 1 as a PDF."""
    _rec, copy, asked = _copy(request, pk)
    return attachment_response(PdfExporter(copy).render(with_version=asked))


@login_required
@require_GET
def print_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Attachment 1 as a page that the browser prints as the paper form."""
    rec, copy, asked = _copy(request, pk)
    query = f"?version={copy.version}" if asked else ""
    context = pdf.template_context(
        copy,
        screen=True,
        back_url=rec.get_absolute_url(),
        word_url=reverse("documents:word", args=[rec.pk]) + query,
        pdf_url=reverse("documents:pdf", args=[rec.pk]) + query,
    )
    return render(request, "documents/form.html", context)


# --- the paper check -----------------------------------------------------------------------------


def _require_national_admin(request: AuthedRequest) -> None:
    _require(
        permissions.is_national_admin(request.user),
        _("Only the national administrator checks the paper copies that arrive."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_check(request: AuthedRequest) -> HttpResponse:
    """Scan or type what the paper's footer says; see whether it is the recommended version;
    record its arrival with one button."""
    _require_national_admin(request)
    if request.method == "POST":
        return _record_paper(request)
    form = PaperCheckForm(request.GET or None)
    result = paper.check(request.user, form.cleaned_data["code"]) if form.is_valid() else None
    return render(request, "documents/paper_check.html", {"form": form, "result": result})


def _record_paper(request: AuthedRequest) -> HttpResponse:
    form = PaperCheckForm(request.POST)
    if not form.is_valid():
        return render(request, "documents/paper_check.html", {"form": form, "result": None}, status=400)
    code = form.cleaned_data["code"]
    # Check again: only a paper that is the recommended version is recorded.
    result = paper.check(request.user, code)
    if not result.is_match or result.rec is None:
        messages.error(request, _("This paper is not the recommended version; its arrival was not recorded."))
        return render(request, "documents/paper_check.html", {"form": form, "result": result}, status=400)
    try:
        from dibiao.recommendations.services import record_paper_received
    except ImportError:  # pragma: no cover - the recommendations app has always had it so far
        messages.error(request, _("Recording paper copies is not available yet."))
        return render(request, "documents/paper_check.html", {"form": form, "result": result})
    try:
        record_paper_received(result.rec, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return render(request, "documents/paper_check.html", {"form": form, "result": result}, status=400)
    messages.success(
        request,
        _("The paper copy of %(project)s was recorded as received.")
        % {"project": result.rec.number or result.rec.project_name},
    )
    return redirect(f"{reverse('documents:paper_check')}?code={result.query.fingerprint}")


# --- a round's summary, archive and quota table ------------------------------------------------


def _export_round(request: AuthedRequest, round_pk: int) -> Round:
    _require(
        queries.may_export_rounds(request.user),
        _("Only the national administrator and provincial officers can download a round's documents."),
    )
    return get_object_or_404(permissions.visible_rounds(request.user), pk=round_pk)


def _archive_form(request: AuthedRequest, data: Any = None) -> ArchiveForm:
    return ArchiveForm(data, choose_province=permissions.is_national_admin(request.user))


@login_required
@require_GET
def round_exports(request: AuthedRequest, round_pk: int) -> HttpResponse:
    """A round's downloads: the summary spreadsheet now, the archive built in the background."""
    round = _export_round(request, round_pk)
    files = queries.visible_generated_files(request.user).filter(round=round, requested_by=request.user)
    return render(
        request,
        "documents/round_exports.html",
        {
            "round": round,
            "form": _archive_form(request),
            "files": files[:10],
            "count": queries.round_recommendations(request.user, round).count(),
            "is_national_admin": permissions.is_national_admin(request.user),
        },
    )


@login_required
@require_GET
def summary_xlsx(request: AuthedRequest, round_pk: int) -> HttpResponse:
    """The round's summary: one row per project (the same projects as the archive)."""
    round = _export_round(request, round_pk)
    form = _archive_form(request, request.GET or None)
    province = form.cleaned_data.get("province") if form.is_valid() else None
    province = queries.export_province(request.user, province)
    items = collect(queries.round_recommendations(request.user, round, province), reader=request.user)
    return attachment_response(
        xlsx.SummaryExporter(items, name=services.export_name(round, province)).render()
    )


@login_required
@require_POST
def archive_start(request: AuthedRequest, round_pk: int) -> HttpResponse:
    round = _export_round(request, round_pk)
    form = _archive_form(request, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a provincial unit, or none for all."))
        return redirect("documents:round_exports", round_pk=round.pk)
    try:
        generated = services.request_archive(
            actor=request.user, round=round, province=form.cleaned_data.get("province")
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("documents:round_exports", round_pk=round.pk)
    return redirect("documents:generated", pk=generated.pk)


def _generated(request: AuthedRequest, pk: int) -> GeneratedFile:
    return get_object_or_404(queries.visible_generated_files(request.user), pk=pk)


@login_required
@require_GET
def generated(request: AuthedRequest, pk: int) -> HttpResponse:
    """A file being built: a progress bar that htmx refreshes every 2 s; the link when ready."""
    generated = _generated(request, pk)
    context = {"file": generated}
    if is_htmx(request):
        return render(request, "documents/generated.html#progress", context)
    return render(request, "documents/generated.html", context)


@login_required
@require_GET
def generated_download(request: AuthedRequest, pk: int) -> FileResponse:
    generated = _generated(request, pk)
    path = services.file_path(generated)
    if path is None:
        raise Http404(_("This file is not ready, has expired or was deleted."))
    response = FileResponse(path.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, generated.filename or path.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def quota_xlsx(request: AuthedRequest, round_pk: int) -> HttpResponse:
    """Attachment 2 (推荐名额分配表) of a round as .xlsx, laid out as in the notice."""
    _require(
        permissions.is_national_admin(request.user), _("Only the national administrator manages quotas.")
    )
    round = get_object_or_404(Round, pk=round_pk)
    return attachment_response(xlsx.QuotaTableExporter(round).render())
