"""Starting a draft from a filled Attachment 1 Word file: the upload page and the report.

HTTP only: an implementing officer uploads the file; `word_import.create_draft_from_docx`
reads it and creates the draft (or refuses, and nothing is created); the report page lists,
field by field, what the new draft still lacks or holds in a form that is not valid.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dibiao.accounts import permissions
from dibiao.accounts.permissions import visible_recommendations
from dibiao.core.errors import DomainError
from dibiao.documents import word_import
from dibiao.recommendations import listings
from dibiao.recommendations.choices import State
from dibiao.recommendations.forms import anchor_for, label_for

AuthedRequest = HttpRequest

DOCX_ACCEPT = ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The parts a draft never takes from a file, by key of word_import.NOT_IMPORTED.
NOT_IMPORTED_LABELS = {
    "number": pgettext_lazy("attachment 1", "Number (assigned by CNIPA)"),
    "recommender_support": pgettext_lazy("attachment 1", "Guidance and support (written by the province)"),
    "recommending_opinion": pgettext_lazy(
        "attachment 1", "Opinion of the recommending unit (written by the province)"
    ),
    "approval": pgettext_lazy("attachment 1", "Approval (written under the direction of CNIPA)"),
}


class DocxUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled Attachment 1 (Word .docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": DOCX_ACCEPT}),
    )


@dataclass(frozen=True)
class ReportLine:
    field: str
    label: str
    message: str
    link: str


def _require_implementing_officer(request: AuthedRequest) -> None:
    if not permissions.is_implementing_officer(request.user):
        raise PermissionDenied(_("Only an officer of an implementing unit can start a recommendation."))


@login_required
@require_http_methods(["GET", "POST"])
def import_docx(request: AuthedRequest) -> HttpResponse:
    """Upload a filled Attachment 1; a new draft of the open round is made of it."""
    _require_implementing_officer(request)
    round_ = listings.open_round()
    form = DocxUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if round_ is None:
                raise DomainError(_("No round is open for recommendations now."))
            if upload.size > word_import.MAX_FILE_BYTES:
                raise word_import.DocxRefused(
                    _("A Word file may be at most %(max)d MB; this one has %(size).1f MB.")
                    % {"max": word_import.MAX_FILE_MB, "size": upload.size / 1024 / 1024}
                )
            result = word_import.create_draft_from_docx(
                actor=request.user, round=round_, data=upload.read(), filename=upload.name or ""
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _(
                    "A new draft was made of the Word file. Check the fields listed below, then complete the draft."
                ),
            )
            return redirect("documents:import_report", pk=result.recommendation.pk)
    return render(
        request,
        "documents/import_docx.html",
        {"form": form, "open_round": round_, "max_mb": word_import.MAX_FILE_MB},
    )


@login_required
@require_GET
def import_report(request: AuthedRequest, pk: int) -> HttpResponse:
    """What the draft made of a Word file lacks or holds in a form that is not valid, by field."""
    rec = get_object_or_404(visible_recommendations(request.user), pk=pk)
    if not permissions.is_officer_of_unit(request.user, rec.implementing_unit_id):
        raise PermissionDenied(_("Only officers of the implementing unit can see this report."))
    event = word_import.last_import(rec)
    if event is None:
        raise Http404(_("This recommendation was not made of a Word file."))
    editable = rec.state == State.DRAFT
    edit_url = reverse("recommendations:edit", kwargs={"pk": rec.pk}) if editable else rec.get_absolute_url()
    lines = [_report_line(item, edit_url if editable else "") for item in event.data.get("problems", [])]
    left_out = [
        NOT_IMPORTED_LABELS[key] for key in event.data.get("not_imported", []) if key in NOT_IMPORTED_LABELS
    ]
    return render(
        request,
        "documents/import_report.html",
        {
            "rec": rec,
            "event": event,
            "lines": lines,
            "left_out": left_out,
            "editable": editable,
            "edit_url": edit_url,
        },
    )


def _report_line(item: dict[str, Any], edit_url: str) -> ReportLine:
    field = str(item.get("field", ""))
    return ReportLine(
        field=field,
        label=label_for(field) if field else _("The whole form"),
        message=str(item.get("message", "")),
        link=f"{edit_url}#{anchor_for(field)}" if edit_url and field else "",
    )
