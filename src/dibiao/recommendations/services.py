"""Every write to a recommendation except its steps along the path (those are workflow.perform).

Each function checks who may do it and in which state, writes inside one transaction, and
raises DomainError (with a message for the user) when a rule refuses.
"""

import hashlib
import json
import logging
import unicodedata
import zipfile
from copy import deepcopy
from pathlib import PurePosixPath
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dibiao.accounts import permissions
from dibiao.accounts.models import User
from dibiao.core import audit
from dibiao.core.errors import DomainError
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.recommendations import queries, schema
from dibiao.recommendations.choices import HOLDS_QUOTA, Action, Section, State
from dibiao.recommendations.models import Attachment, Recommendation, Transition, Version, attachment_path
from dibiao.recommendations.schema import Problem
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Round

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_MB = 20
MAX_ATTACHMENT_SIZE = MAX_ATTACHMENT_MB * 1024 * 1024
MAX_ATTACHMENTS_PER_SECTION = 10
MAX_NAME_LENGTH = 150
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The accepted kinds of file by extension: (content type, how to recognise the content).
FILE_KINDS = {
    ".pdf": ("application/pdf", "PDF"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".png": ("image/png", "PNG"),
    ".docx": (DOCX, "Word (.docx)"),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Characters that no file name on any of the users' systems may contain.
FORBIDDEN_IN_NAMES = set('<>:"/\\|?*')


class StaleRevisionError(DomainError):
    """The draft was saved elsewhere (another tab or window) since this copy was loaded."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "This draft was changed in another window or tab after you opened it. Your "
                "latest changes were not saved, so that they do not overwrite that work: copy "
                "the text you just typed, then reload the page."
            )
        )


# --- drafts ------------------------------------------------------------------------------------


def _format_deadline(deadline: Any) -> str:
    return formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")


def _applicant_content(
    data: dict[str, Any], *, stored: dict[str, Any] | None, unit: Organisation, province: Organisation
) -> dict[str, Any]:
    """What the implementing unit may write: its normalised form, with the cover's units
    taken from the organisations (填写说明 二, 三), and the number (一), the province's parts
    (四, its opinion) and the approval (六) kept as stored, never taken from the applicant."""
    content = schema.normalise(data)
    content.pop("number", None)
    content.pop("year", None)
    content["implementing_unit"]["name"] = unit.name
    content["recommending_unit"]["name"] = province.name
    defaults = schema.empty_data()
    for key in (*schema.PROVINCE_PARTS, *schema.NATIONAL_PARTS):
        content[key] = deepcopy((stored or {}).get(key, defaults[key]))
    return content


def _project_name(content: dict[str, Any]) -> str:
    name = content.get("project_name")
    return name[: schema.PROJECT_NAME_MAX] if isinstance(name, str) else ""


def create_draft(*, actor: User, round: Round, data: dict[str, Any] | None = None) -> Recommendation:
    """Start a recommendation of the actor's implementing unit in `round`.

    The implementing unit is the actor's organisation and the recommending unit its
    province. Records a CREATE transition. Raises DomainError when the actor is not an
    implementing officer, or the round is not open or its deadline (for that province)
    has passed.
    """
    if not permissions.is_implementing_officer(actor):
        raise DomainError(_("Only an officer of an implementing unit can start a recommendation."))
    unit = actor.organisation
    if unit is None or unit.kind != Kind.IMPLEMENTING or not unit.is_active or unit.province is None:
        raise DomainError(_("Your organisation is not an active implementing unit of a province."))
    province = unit.province
    now = timezone.now()
    if round.state != RoundState.OPEN or now < round.opens_at:
        raise DomainError(_("This round is not open for recommendations."))
    deadline = queries.deadline_for(round, province)
    if not queries.is_before_deadline(now, deadline):
        raise DomainError(
            _("The deadline of this round for %(province)s was %(deadline)s.")
            % {"province": province.name, "deadline": _format_deadline(deadline)}
        )
    content = _applicant_content(data or schema.empty_data(), stored=None, unit=unit, province=province)
    with transaction.atomic():
        rec = Recommendation.objects.create(
            round=round,
            implementing_unit=unit,
            province=province,
            project_name=_project_name(content),
            data=content,
            created_by=actor,
        )
        Transition.objects.create(
            recommendation=rec, action=Action.CREATE, from_state="", to_state=State.DRAFT, actor=actor
        )
    logger.info("recommendation %s created by user %s", rec.pk, actor.pk)
    return rec


def save_draft(rec: Recommendation, *, actor: User, data: dict[str, Any], revision: int) -> list[Problem]:
    """Store the draft's content as typed (normalised), complete or not.

    Only an officer of the implementing unit, only while the recommendation is a draft.
    The update is conditional on `revision` (the one the editor loaded): if the draft was
    saved elsewhere meanwhile, nothing is written and StaleRevisionError tells the user.
    On success `rec` carries the new content and revision. Returns the format problems
    (phones, e-mail, dates) for display; missing fields are reported on submission.
    """
    if not permissions.is_officer_of_unit(actor, rec.implementing_unit_id):
        raise DomainError(_("Only officers of the implementing unit can change this recommendation."))
    if rec.state != State.DRAFT:
        raise DomainError(_("This recommendation has been submitted; it can no longer be changed."))
    content = _applicant_content(data, stored=rec.data, unit=rec.implementing_unit, province=rec.province)
    problems = schema.validate(content, for_submission=False)
    now = timezone.now()
    name = _project_name(content)
    updated = Recommendation.objects.filter(pk=rec.pk, revision=revision, state=State.DRAFT).update(
        data=content, project_name=name, revision=F("revision") + 1, updated_at=now
    )
    if not updated:
        current = Recommendation.objects.filter(pk=rec.pk).values("state", "revision").first()
        if current is None:
            raise DomainError(_("This recommendation no longer exists."))
        if current["state"] != State.DRAFT:
            raise DomainError(_("This recommendation has been submitted; it can no longer be changed."))
        raise StaleRevisionError()
    rec.data = content
    rec.project_name = name
    rec.revision = revision + 1
    rec.updated_at = now
    return problems


def freeze_version(rec: Recommendation, *, actor: User) -> Version:
    """Freeze the recommendation's current content and attachments as its next Version.

    Call it inside the transaction that holds the recommendation's row lock (workflow.perform),
    so that version numbers cannot clash. The fingerprint is the first 12 hex digits of the
    SHA-256 of the canonical JSON of the content and the attachments' sections, names and digests.
    """
    attachments = [
        {
            "id": attachment.pk,
            "section": attachment.section,
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
        }
        for attachment in queries.active_attachments(rec).order_by("section", "uploaded_at", "pk")
    ]
    data = deepcopy(rec.data)
    canonical = json.dumps(
        {"data": data, "attachments": [{k: v for k, v in a.items() if k != "id"} for a in attachments]},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return Version.objects.create(
        recommendation=rec,
        number=queries.next_version_number(rec),
        data=data,
        attachments=attachments,
        fingerprint=hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12],
        created_by=actor,
    )


# --- attachments -------------------------------------------------------------------------------


def _clean_name_part(text: str) -> str:
    """No control or formatting characters (such as right-to-left overrides), no characters
    that file systems forbid; Chinese and other letters stay."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = "".join("_" if ch in FORBIDDEN_IN_NAMES else ch for ch in text)
    return " ".join(text.split())


def _limit_length(name: str) -> str:
    path = PurePosixPath(name)
    suffix = path.suffix if len(path.suffix) <= 10 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    return stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix


def sanitise_filename(name: str) -> str:
    """The uploader's file name made harmless: the last part of any path only (so
    "../../etc/passwd.pdf" becomes "passwd.pdf"), no control characters, no leading dots,
    at most 150 characters, the extension kept. Never empty."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    name = name.rsplit("/", 1)[-1]
    name = _clean_name_part(name)
    while ".." in name:
        name = name.replace("..", ".")
    name = name.rstrip(" .").lstrip(" ")
    if not name or name.startswith("."):
        name = _("attachment") + name
    return _limit_length(name)


def _docx_problem(file: Any) -> str | None:
    """Why this file is not a plain Word document, or None when it is one."""
    not_docx = _("This file is not a Word (.docx) document.")
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            lowered = [name.lower() for name in names]
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return not_docx
            if any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in lowered):
                return _("Word documents with macros cannot be attached; save it as a plain .docx document.")
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return not_docx
            types = archive.read("[Content_Types].xml").lower()
            if b"macroenabled" in types or b"vbaproject" in types:
                return _("Word documents with macros cannot be attached; save it as a plain .docx document.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, ValueError):
        return not_docx
    return None


def _content_problem(file: Any, suffix: str) -> str | None:
    """Does the content match the extension? Checked by content, never by name alone."""
    file.seek(0)
    head = file.read(16)
    content_type, kind = FILE_KINDS[suffix]
    mismatch = _(
        "The content of this file is not %(kind)s, although its name ends in %(suffix)s. "
        "Only PDF, JPEG, PNG and Word (.docx) files can be attached."
    ) % {"kind": kind, "suffix": suffix}
    if content_type == "application/pdf":
        return None if head.startswith(b"%PDF-") else mismatch
    if content_type == "image/jpeg":
        return None if head.startswith(b"\xff\xd8\xff") else mismatch
    if content_type == "image/png":
        return None if head.startswith(PNG_SIGNATURE) else mismatch
    if not head.startswith(b"PK\x03\x04"):
        return mismatch
    return _docx_problem(file)


def _file_size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    return int(size)


def _sha256(file: Any) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _check_attachment_rights(rec: Recommendation, actor: User, section: Section) -> None:
    """Long-text pages and the implementing unit's sealed page: the unit's officers, while
    draft. The recommending unit's sealed page: the province's officers, while the
    recommendation awaits their decision (submitted)."""
    if section == Section.RECOMMENDING_SEAL:
        if not permissions.is_officer_of_province(actor, rec.province_id):
            raise DomainError(
                _("Only an officer of the recommending provincial unit can upload its sealed page.")
            )
        if rec.state != State.SUBMITTED:
            raise DomainError(
                _(
                    "The recommending unit's sealed page can only be changed while the "
                    "recommendation awaits the province's decision."
                )
            )
        return
    if not permissions.is_officer_of_unit(actor, rec.implementing_unit_id):
        raise DomainError(_("Only officers of the implementing unit can change these attached pages."))
    if rec.state != State.DRAFT:
        raise DomainError(_("Attached pages can only be changed while the recommendation is a draft."))


def add_attachment(
    rec: Recommendation, *, actor: User, section: Section | str, uploaded_file: Any
) -> Attachment:
    """Attach a file to one section of the form.

    Checks who may (see `_check_attachment_rights`), the extension (PDF, JPEG, PNG, DOCX),
    the content against the extension (magic bytes; a DOCX must be a Word zip without
    macros), the size (20 MB) and the count (10 per section, under the recommendation's row
    lock). Stores the file under MEDIA_ROOT by its SHA-256 (one copy per content) and the
    sanitised original name on the row; writes an audit event. Raises DomainError.
    """
    section = Section(section)
    _check_attachment_rights(rec, actor, section)
    name = sanitise_filename(getattr(uploaded_file, "name", "") or "")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in FILE_KINDS:
        raise DomainError(_("Only PDF, JPEG, PNG and Word (.docx) files can be attached."))
    size = _file_size(uploaded_file)
    if size > MAX_ATTACHMENT_SIZE:
        raise DomainError(
            _("A file may be at most %(max)d MB; this one has %(size).1f MB.")
            % {"max": MAX_ATTACHMENT_MB, "size": size / 1024 / 1024}
        )
    if size == 0:
        raise DomainError(_("This file is empty."))
    problem = _content_problem(uploaded_file, suffix)
    if problem:
        raise DomainError(problem)
    sha256 = _sha256(uploaded_file)
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update(no_key=True).get(pk=rec.pk)
        _check_attachment_rights(locked, actor, section)
        if queries.active_attachments(locked, section).count() >= MAX_ATTACHMENTS_PER_SECTION:
            raise DomainError(
                _("This part of the form has %(max)d files already; remove one first.")
                % {"max": MAX_ATTACHMENTS_PER_SECTION}
            )
        attachment = Attachment(
            recommendation=locked,
            section=section,
            original_name=name,
            content_type=FILE_KINDS[suffix][0],
            size=size,
            sha256=sha256,
            uploaded_by=actor,
        )
        path = attachment_path(attachment, name)
        if attachment.file.storage.exists(path):
            attachment.file.name = path  # the same content is stored once
        else:
            uploaded_file.seek(0)
            attachment.file.save(name, File(uploaded_file, name=name), save=False)
        attachment.save()
        audit.record(
            actor,
            "recommendation.attachment_added",
            locked,
            attachment=attachment.pk,
            section=section.value,
            sha256=sha256,
        )
    logger.info("attachment %s added to recommendation %s", attachment.pk, rec.pk)
    return attachment


def remove_attachment(attachment: Attachment, *, actor: User) -> None:
    """Take an attachment off the form (sets removed_at; the file stays for the versions that
    list it). The same people and states as for adding it. Raises DomainError."""
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update(no_key=True).get(pk=attachment.recommendation_id)
        _check_attachment_rights(locked, actor, Section(attachment.section))
        current = Attachment.objects.get(pk=attachment.pk)
        if current.removed_at is None:
            current.removed_at = timezone.now()
            current.save(update_fields=["removed_at"])
            audit.record(
                actor,
                "recommendation.attachment_removed",
                locked,
                attachment=current.pk,
                section=current.section,
            )
        attachment.removed_at = current.removed_at


def attachment_download_name(attachment: Attachment) -> str:
    """A safe name to download under: project name, section and original name, joined by
    underscores, without path or control characters, the extension kept."""
    rec = attachment.recommendation
    project = _clean_name_part(rec.project_name or _("recommendation"))
    section = _clean_name_part(str(Section(attachment.section).label))
    original = sanitise_filename(attachment.original_name)
    return sanitise_filename(f"{project}_{section}_{original}".replace("/", "_"))


# --- the national office -----------------------------------------------------------------------


RECEIVED_OR_LATER = tuple(state for state in HOLDS_QUOTA if state != State.RECOMMENDED)


def record_paper_received(rec: Recommendation, *, actor: User) -> None:
    """Record that the sealed paper copy arrived (paper_received_at/by) and audit it.

    Only the national administrator, once the recommendation was received. Recording it a
    second time changes nothing (the first record stands). Raises DomainError.
    """
    if not permissions.can(actor, permissions.RecommendationAction.RECORD_PAPER_COPY, rec):
        raise DomainError(_("Only the national administrator can record the paper copy."))
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update(no_key=True).get(pk=rec.pk)
        if locked.state not in RECEIVED_OR_LATER:
            raise DomainError(_("The paper copy can be recorded once the recommendation has been received."))
        if locked.paper_received_at is None:
            locked.paper_received_at = timezone.now()
            locked.paper_received_by = actor
            locked.save(update_fields=["paper_received_at", "paper_received_by"])
            audit.record(actor, "recommendation.paper_received", locked, number=locked.number)
    rec.paper_received_at = locked.paper_received_at
    rec.paper_received_by_id = locked.paper_received_by_id
