"""Every write of the reports: summaries, cases, key-project follow-up, plans and tasks.

Each function checks who may do it (accounts.permissions) and in which state, writes inside
one transaction (re-reading the row under a lock where two people could race), records an
audit event for the important changes, and raises DomainError with a message for the user.
"""

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dibiao.accounts.models import User
from dibiao.accounts.permissions import ReportAction, can, departments_user_may_record_for
from dibiao.core import audit
from dibiao.core.errors import DomainError
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.recommendations.models import Recommendation
from dibiao.reports import notifications, uploads
from dibiao.reports.choices import CaseState, FollowUpKind, SummaryEvent, SummaryState, TaskStatus, Theme
from dibiao.reports.models import (
    FIRST_YEAR,
    Action,
    ActionPlan,
    ActionTask,
    AnnualSummary,
    CasePhoto,
    CaseTheme,
    FollowUpEntry,
    PlanAttachment,
    PlanResponsibility,
    ProgressNote,
    StoredFile,
    SummaryAttachment,
    TaskProgress,
    TypicalCase,
    summary_late_from,
)
from dibiao.reports.notice import parse_actions

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_MB = 20
MAX_ATTACHMENTS = 10
MAX_PHOTO_MB = 10
MAX_PHOTOS = 12


def current_year() -> int:
    """The year in Beijing time now."""
    return timezone.localtime().year


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise DomainError(message)


def _check_year(year: int, *, first: int = FIRST_YEAR) -> None:
    if not first <= year <= current_year():
        raise DomainError(
            _("The year must lie between %(first)d and %(last)d.") % {"first": first, "last": current_year()},
            field="year",
        )


def _checked(uploaded_file: Any, kinds: dict[str, tuple[str, str]], max_mb: int) -> uploads.CheckedFile:
    try:
        return uploads.check_upload(uploaded_file, kinds, max_mb=max_mb)
    except uploads.UploadError as error:
        raise DomainError(error.message, field="file") from error


def _delete_file_if_unused(stored: Any) -> None:
    """Remove a stored file once no row of its model points to it any more."""
    name = stored.file.name
    if name and not type(stored).objects.filter(file=name).exists():
        stored.file.storage.delete(name)


def _new_file[S: StoredFile](
    model: type[S], checked: uploads.CheckedFile, uploaded_file: Any, *, actor: User, **fields: Any
) -> S:
    """A row of `model` (a StoredFile) for a checked upload: stored by its hash, then saved."""
    stored = model(
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        **fields,
    )
    uploads.store(stored, uploaded_file, checked)
    stored.save()
    return stored


def _remove_file(stored: StoredFile) -> None:
    """Delete the row; the file goes after the commit, unless another row still uses it."""
    with transaction.atomic():
        stored.delete()
        transaction.on_commit(lambda: _delete_file_if_unused(stored))


# --- annual work summary -------------------------------------------------------------------------


@dataclasses.dataclass
class SummaryText:
    progress: str = ""
    problems: str = ""
    results: str = ""
    next_steps: str = ""


SUMMARY_SECTIONS = ("progress", "problems", "results", "next_steps")


def start_summary(*, actor: User, year: int) -> AnnualSummary:
    """Open the actor's province's summary of `year` (or return the one that exists).

    Only an officer of a provincial unit; the year lies between 2021 and this year.
    """
    _refuse_unless(
        can(actor, ReportAction.START_SUMMARY),
        _("Only an officer of a provincial unit can write its annual work summary."),
    )
    _check_year(year)
    summary, created = AnnualSummary.objects.get_or_create(
        province_id=actor.organisation_id, year=year, defaults={"created_by": actor}
    )
    if created:
        audit.record(actor, SummaryEvent.STARTED, summary, year=year)
        logger.info("summary %s started by user %s", summary.pk, actor.pk)
    return summary


def save_summary(summary: AnnualSummary, *, actor: User, text: SummaryText) -> AnnualSummary:
    """Store the four sections of a draft as typed (complete or not). Raises DomainError when
    the actor is not an officer of its province or the summary was submitted meanwhile."""
    _refuse_unless(
        can(actor, ReportAction.EDIT_SUMMARY, summary),
        _("This summary can no longer be changed: it was submitted."),
    )
    with transaction.atomic():
        locked = AnnualSummary.objects.select_for_update(no_key=True).get(pk=summary.pk)
        _refuse_unless(
            can(actor, ReportAction.EDIT_SUMMARY, locked),
            _("This summary can no longer be changed: it was submitted."),
        )
        for section in SUMMARY_SECTIONS:
            setattr(locked, section, getattr(text, section).strip())
        locked.save(update_fields=[*SUMMARY_SECTIONS, "updated_at"])
    return locked


def submit_summary(summary: AnnualSummary, *, actor: User) -> AnnualSummary:
    """Submit the draft to CNIPA: all four sections must be filled in.

    Records the time of submission; a summary submitted from 11 December 00:00 (Beijing time)
    of its year on is marked late. Raises DomainError.
    """
    _refuse_unless(
        can(actor, ReportAction.SUBMIT_SUMMARY, summary),
        _("Only an officer of the province can submit its draft summary."),
    )
    with transaction.atomic():
        locked = AnnualSummary.objects.select_for_update(no_key=True).get(pk=summary.pk)
        _refuse_unless(
            can(actor, ReportAction.SUBMIT_SUMMARY, locked), _("This summary has been submitted already.")
        )
        empty = [
            str(getattr(AnnualSummary._meta.get_field(section), "verbose_name", section))
            for section in SUMMARY_SECTIONS
            if not getattr(locked, section).strip()
        ]
        if empty:
            raise DomainError(
                _("Fill in every part of the summary before submitting it; missing: %(parts)s.")
                % {"parts": "、".join(empty)}
            )
        now = timezone.now()
        locked.state = SummaryState.SUBMITTED
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.is_late = now >= summary_late_from(locked.year)
        locked.save(update_fields=["state", "submitted_at", "submitted_by", "is_late", "updated_at"])
        audit.record(actor, SummaryEvent.SUBMITTED, locked, year=locked.year, late=locked.is_late)
    logger.info("summary %s submitted by user %s (late: %s)", locked.pk, actor.pk, locked.is_late)
    return locked


def return_summary(summary: AnnualSummary, *, actor: User, reason: str) -> AnnualSummary:
    """Send a submitted summary back to its province (national administrator), saying why.

    Under the row lock, re-checks that it is still submitted; makes it a draft again with the
    reason, who and when of the return, and clears its submission (time, officer, lateness):
    when the province submits again, that submission is judged against the due date like any.
    Records the audit event (with the submission it undid) and a notice to each officer of the
    province; their e-mails go out from the task worker after commit. Raises DomainError.
    """
    message = _("Only CNIPA returns a summary, and only a submitted one: it may have been returned already.")
    _refuse_unless(can(actor, ReportAction.RETURN_SUMMARY, summary), message)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the summary goes back to the province."), field="reason")
    with transaction.atomic():
        locked = AnnualSummary.objects.select_for_update(no_key=True).get(pk=summary.pk)
        _refuse_unless(can(actor, ReportAction.RETURN_SUMMARY, locked), message)
        undone_at = locked.submitted_at.isoformat() if locked.submitted_at else None
        undone_by = locked.submitted_by_id
        undone_late = locked.is_late
        locked.state = SummaryState.DRAFT
        locked.submitted_at = None
        locked.submitted_by = None
        locked.is_late = False
        locked.return_reason = reason
        locked.returned_at = timezone.now()
        locked.returned_by = actor
        locked.save(
            update_fields=[
                "state",
                "submitted_at",
                "submitted_by",
                "is_late",
                "return_reason",
                "returned_at",
                "returned_by",
                "updated_at",
            ]
        )
        audit.record(
            actor,
            SummaryEvent.RETURNED,
            locked,
            year=locked.year,
            reason=reason,
            submitted_at=undone_at,
            submitted_by=undone_by,
            late=undone_late,
        )
        notices = notifications.notify_summary_returned(locked, actor=actor)
        notice_ids = [notice.pk for notice in notices]
        transaction.on_commit(lambda: _queue_return_emails(locked.pk, notice_ids))
    logger.info("summary %s returned by user %s, %s notices", locked.pk, actor.pk, len(notice_ids))
    return locked


def _queue_return_emails(summary_id: int, notice_ids: list[int]) -> None:
    from dibiao.reports.tasks import task_send_summary_return_emails

    if notice_ids:
        task_send_summary_return_emails.enqueue(summary_id, notice_ids)


def add_summary_attachment(summary: AnnualSummary, *, actor: User, uploaded_file: Any) -> SummaryAttachment:
    """Attach a PDF, Word (.docx), JPEG or PNG file (checked by content, at most 20 MB, at most
    10 per summary) to a draft. Raises DomainError."""
    message = _("Files can be attached only to a draft summary, by an officer of its province.")
    _refuse_unless(can(actor, ReportAction.EDIT_SUMMARY, summary), message)
    checked = _checked(uploaded_file, uploads.DOCUMENT_KINDS, MAX_ATTACHMENT_MB)
    with transaction.atomic():
        locked = AnnualSummary.objects.select_for_update(no_key=True).get(pk=summary.pk)
        _refuse_unless(can(actor, ReportAction.EDIT_SUMMARY, locked), message)
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise DomainError(
                _("A summary can have at most %(max)d files; remove one first.") % {"max": MAX_ATTACHMENTS}
            )
        attachment = _new_file(SummaryAttachment, checked, uploaded_file, actor=actor, summary=locked)
    logger.info("attachment %s added to summary %s", attachment.pk, summary.pk)
    return attachment


def remove_summary_attachment(attachment: SummaryAttachment, *, actor: User) -> None:
    """Remove a file from a draft summary (and the stored file, if nothing else uses it)."""
    _refuse_unless(
        can(actor, ReportAction.EDIT_SUMMARY, attachment.summary),
        _("Files can be removed only from a draft summary, by an officer of its province."),
    )
    _remove_file(attachment)


# --- typical cases -------------------------------------------------------------------------------


@dataclasses.dataclass
class CaseContent:
    title: str
    gi_name: str
    place: str
    industry: str
    year: int
    summary: str
    full_text: str
    themes: list[str]


CASE_FIELDS = ("title", "gi_name", "place", "industry", "year", "summary", "full_text")


def _check_case_content(content: CaseContent) -> None:
    if not content.themes:
        raise DomainError(_("Choose at least one of the four actions."), field="themes")
    unknown = set(content.themes) - set(Theme.values)
    if unknown:
        raise DomainError(_("Unknown action: %(themes)s.") % {"themes": ", ".join(sorted(unknown))})
    _check_year(content.year)


def _set_themes(case: TypicalCase, themes: Iterable[str]) -> None:
    wanted = set(themes)
    case.theme_rows.exclude(theme__in=wanted).delete()
    have = set(case.theme_rows.values_list("theme", flat=True))
    CaseTheme.objects.bulk_create([CaseTheme(case=case, theme=theme) for theme in sorted(wanted - have)])


def create_case(*, actor: User, content: CaseContent) -> TypicalCase:
    """Start a typical case of the actor's province, as a draft. Raises DomainError."""
    _refuse_unless(
        can(actor, ReportAction.PROPOSE_CASES),
        _("Only an officer of a provincial unit can propose typical cases."),
    )
    _check_case_content(content)
    province = actor.organisation
    if province is None:  # PROPOSE_CASES holds only for an officer of a provincial unit
        raise DomainError(_("Only an officer of a provincial unit can propose typical cases."))
    with transaction.atomic():
        case = TypicalCase.objects.create(
            province=province,
            created_by=actor,
            **{name: getattr(content, name) for name in CASE_FIELDS},
        )
        _set_themes(case, content.themes)
        audit.record(actor, "case.created", case)
    return case


def update_case(case: TypicalCase, *, actor: User, content: CaseContent) -> TypicalCase:
    """Change a case: its province while it is a draft, the national administrator once it
    was proposed (including after publication: the public library shows the change)."""
    message = _("You cannot change this case in its present state.")
    _refuse_unless(can(actor, ReportAction.EDIT_CASE, case), message)
    _check_case_content(content)
    with transaction.atomic():
        locked = TypicalCase.objects.select_for_update(no_key=True).get(pk=case.pk)
        _refuse_unless(can(actor, ReportAction.EDIT_CASE, locked), message)
        for name in CASE_FIELDS:
            setattr(locked, name, getattr(content, name))
        locked.save(update_fields=[*CASE_FIELDS, "updated_at"])
        _set_themes(locked, content.themes)
        audit.record(actor, "case.changed", locked, state=locked.state)
    return locked


# Each step: the permission that allows it, the state it leads to, the time it records.
CASE_STEPS: dict[str, tuple[str, CaseState, str | None]] = {
    "propose": (ReportAction.PROPOSE_CASE, CaseState.PROPOSED, "proposed_at"),
    "return": (ReportAction.RETURN_CASE, CaseState.DRAFT, None),
    "accept": (ReportAction.ACCEPT_CASE, CaseState.ACCEPTED, "accepted_at"),
    "publish": (ReportAction.PUBLISH_CASE, CaseState.PUBLISHED, "published_at"),
    "unpublish": (ReportAction.UNPUBLISH_CASE, CaseState.ACCEPTED, None),
}


def move_case(case: TypicalCase, step: str, *, actor: User, reason: str = "") -> TypicalCase:
    """Take a case one step: propose (province, from draft), return to the province with a
    reason (CNIPA, from proposed or accepted), accept (from proposed), publish (from accepted),
    unpublish (from published, back to accepted). Re-checks the state under the row lock, so
    of two people acting at once the second is told. Raises DomainError."""
    if step not in CASE_STEPS:
        raise DomainError(_("Unknown step."))
    permission, target, stamp = CASE_STEPS[step]
    message = _("This case is not in a state where you can do this (someone may have been faster).")
    _refuse_unless(can(actor, permission, case), message)
    if step == "return" and not reason.strip():
        raise DomainError(_("Say why the case goes back to the province."), field="reason")
    with transaction.atomic():
        locked = TypicalCase.objects.select_for_update(no_key=True).get(pk=case.pk)
        _refuse_unless(can(actor, permission, locked), message)
        source = locked.state
        locked.state = target
        fields = ["state", "updated_at"]
        if stamp:
            setattr(locked, stamp, timezone.now())
            fields.append(stamp)
        if step == "return":
            locked.return_reason = reason.strip()
            fields.append("return_reason")
        elif step == "propose":
            locked.return_reason = ""
            fields.append("return_reason")
        if step == "unpublish":
            locked.published_at = None
            fields.append("published_at")
        locked.save(update_fields=fields)
        audit.record(actor, f"case.{step}", locked, source=source, target=target.value)
    logger.info("case %s: %s by user %s", locked.pk, step, actor.pk)
    return locked


def add_case_photo(case: TypicalCase, *, actor: User, uploaded_file: Any, caption: str = "") -> CasePhoto:
    """Add a JPEG or PNG photo (decoded to check it, at most 10 MB, at most 12 per case).
    Whoever may change the case may add photos. Raises DomainError."""
    message = _("You cannot change this case in its present state.")
    _refuse_unless(can(actor, ReportAction.EDIT_CASE, case), message)
    checked = _checked(uploaded_file, uploads.PHOTO_KINDS, MAX_PHOTO_MB)
    with transaction.atomic():
        locked = TypicalCase.objects.select_for_update(no_key=True).get(pk=case.pk)
        _refuse_unless(can(actor, ReportAction.EDIT_CASE, locked), message)
        if locked.photos.count() >= MAX_PHOTOS:
            raise DomainError(
                _("A case can have at most %(max)d photos; remove one first.") % {"max": MAX_PHOTOS}
            )
        return _new_file(
            CasePhoto,
            checked,
            uploaded_file,
            actor=actor,
            case=locked,
            width=checked.width,
            height=checked.height,
            caption=caption.strip()[:200],
        )


def remove_case_photo(photo: CasePhoto, *, actor: User) -> None:
    _refuse_unless(
        can(actor, ReportAction.EDIT_CASE, photo.case), _("You cannot change this case in its present state.")
    )
    _remove_file(photo)


# --- key-project follow-up -----------------------------------------------------------------------


def add_follow_up(
    project: Recommendation,
    *,
    actor: User,
    happened_on: dt.date,
    kind: str,
    by: str,
    text: str,
) -> FollowUpEntry:
    """Record a contact, guidance or support given to a key project (national administrator)."""
    _refuse_unless(
        can(actor, ReportAction.ADD_FOLLOW_UP, project),
        _("Only the national administrator records the follow-up of key projects."),
    )
    if kind not in FollowUpKind.values:
        raise DomainError(_("Unknown kind of follow-up."), field="kind")
    if happened_on > timezone.localdate():
        raise DomainError(_("The date lies in the future."), field="happened_on")
    if not text.strip() or not by.strip():
        raise DomainError(_("Say who did what."))
    entry = FollowUpEntry.objects.create(
        recommendation=project,
        happened_on=happened_on,
        kind=kind,
        by=by.strip(),
        text=text.strip(),
        recorded_by=actor,
    )
    logger.info("follow-up %s recorded for recommendation %s", entry.pk, project.pk)
    return entry


def save_progress_note(project: Recommendation, *, actor: User, year: int, text: str) -> ProgressNote:
    """Write (or rewrite) the implementing unit's progress note of one year, from the year of
    the project's round to this year. Raises DomainError."""
    _refuse_unless(
        can(actor, ReportAction.WRITE_PROGRESS_NOTE, project),
        _("Only the project's implementing unit writes its yearly progress."),
    )
    _check_year(year, first=project.round.year)
    if not text.strip():
        raise DomainError(_("Write the progress of the year."), field="text")
    note, _created = ProgressNote.objects.update_or_create(
        recommendation=project, year=year, defaults={"text": text.strip(), "written_by": actor}
    )
    return note


# --- local action plans --------------------------------------------------------------------------


@dataclasses.dataclass
class PlanContent:
    title: str
    issued_on: dt.date | None
    targets: str
    schedule: str
    paths: str


@dataclasses.dataclass
class Responsibility:
    task: str
    responsible_body: str
    deadline: dt.date
    measure: str


PLAN_FIELDS = ("title", "issued_on", "targets", "schedule", "paths")


def save_plan(
    province: Organisation, *, actor: User, content: PlanContent, rows: list[Responsibility]
) -> ActionPlan:
    """Record the province's action plan, or replace it: its text and all its rows of
    responsibilities at once (in the order given). At least one row. Raises DomainError."""
    _refuse_unless(
        province.kind == Kind.PROVINCIAL and can(actor, ReportAction.EDIT_PLAN, province),
        _("Only an officer of the province records its action plan."),
    )
    if not rows:
        raise DomainError(_("Add at least one row of responsibilities."))
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().filter(province=province).first()
        values = {name: getattr(content, name) for name in PLAN_FIELDS}
        if plan is None:
            plan = ActionPlan.objects.create(province=province, created_by=actor, updated_by=actor, **values)
            verb = "plan.created"
        else:
            for name, value in values.items():
                setattr(plan, name, value)
            plan.updated_by = actor
            plan.save(update_fields=[*PLAN_FIELDS, "updated_by", "updated_at"])
            plan.responsibilities.all().delete()
            verb = "plan.changed"
        PlanResponsibility.objects.bulk_create(
            [
                PlanResponsibility(plan=plan, position=index, **dataclasses.asdict(row))
                for index, row in enumerate(rows, start=1)
            ]
        )
        audit.record(actor, verb, plan, rows=len(rows))
    return plan


def add_plan_attachment(plan: ActionPlan, *, actor: User, uploaded_file: Any) -> PlanAttachment:
    """Attach the plan's document (PDF, Word, JPEG or PNG, checked by content). Raises DomainError."""
    _refuse_unless(
        can(actor, ReportAction.EDIT_PLAN, plan),
        _("Only an officer of the province records its action plan."),
    )
    checked = _checked(uploaded_file, uploads.DOCUMENT_KINDS, MAX_ATTACHMENT_MB)
    with transaction.atomic():
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise DomainError(
                _("A plan can have at most %(max)d files; remove one first.") % {"max": MAX_ATTACHMENTS}
            )
        return _new_file(PlanAttachment, checked, uploaded_file, actor=actor, plan=locked)


def remove_plan_attachment(attachment: PlanAttachment, *, actor: User) -> None:
    _refuse_unless(
        can(actor, ReportAction.EDIT_PLAN, attachment.plan),
        _("Only an officer of the province records its action plan."),
    )
    _remove_file(attachment)


# --- the action's tasks --------------------------------------------------------------------------


@dataclasses.dataclass
class LoadResult:
    actions: int
    tasks: int
    departments_linked: int
    unknown_departments: list[str]


def _find_department(name: str, departments: list[Organisation]) -> Organisation | None:
    """The notice shortens some names (运用促进司 for 知识产权运用促进司)."""
    for department in departments:
        if department.name == name:
            return department
    for department in departments:
        if department.name.endswith(name):
            return department
    return None


def load_action_tasks(notice_text: str) -> LoadResult:
    """Load the four actions, their numbered tasks and responsible departments from the
    notice's text (see reports.notice). Idempotent: a rerun updates the same rows, and tasks
    the text no longer has are removed. Department names with no matching organisation are
    kept as names and reported. Raises NoticeFormatError when the text has another shape."""
    parsed = parse_actions(notice_text)
    departments = list(Organisation.objects.filter(kind=Kind.DEPARTMENT))
    unknown: list[str] = []
    linked = 0
    task_count = 0
    with transaction.atomic():
        for item in parsed:
            action, _created = Action.objects.update_or_create(
                theme=item.theme,
                defaults={
                    "position": item.position,
                    "name": item.name,
                    "responsible_text": item.responsible_text,
                    "department_names": item.department_names,
                    "includes_local_offices": item.includes_local_offices,
                },
            )
            found = []
            for name in item.department_names:
                department = _find_department(name, departments)
                if department is None:
                    unknown.append(name)
                else:
                    found.append(department)
            action.departments.set(found)
            linked += len(found)
            for task in item.tasks:
                ActionTask.objects.update_or_create(
                    action=action, number=task.number, defaults={"title": task.title, "text": task.text}
                )
            action.tasks.filter(number__gt=len(item.tasks)).delete()
            task_count += len(item.tasks)
    return LoadResult(len(parsed), task_count, linked, sorted(set(unknown)))


def record_task_progress(
    task: ActionTask, *, actor: User, department: Organisation, year: int, status: str, text: str
) -> TaskProgress:
    """Record a responsible department's progress on a task for one year (one row per task,
    department and year; a second save replaces it). Raises DomainError."""
    allowed = departments_user_may_record_for(actor, task)
    _refuse_unless(
        department in allowed,
        _("Only the departments the notice names for this task record its progress."),
    )
    _check_year(year)
    if status not in TaskStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    progress, _created = TaskProgress.objects.update_or_create(
        task=task,
        department=department,
        year=year,
        defaults={"status": status, "text": text.strip(), "updated_by": actor},
    )
    audit.record(actor, "task.progress", task, department=department.pk, year=year, status=status)
    return progress
