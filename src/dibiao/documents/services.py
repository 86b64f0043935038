"""Writes of the documents app: asking for a round's archive, building it (in a task), and
deleting expired files."""

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dibiao.core.errors import DomainError
from dibiao.documents import archive, collect, queries, xlsx
from dibiao.documents.choices import FileKind, FileStatus
from dibiao.documents.models import GeneratedFile
from dibiao.documents.sanitise import safe_filename
from dibiao.organisations.models import Organisation
from dibiao.rounds.models import Round

logger = logging.getLogger(__name__)

EXPORTS_DIR = "exports"
KEEP_DAYS = 7
STALE_AFTER = dt.timedelta(minutes=15)


def keep_for() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "DIBIAO_EXPORT_KEEP_DAYS", KEEP_DAYS))


def archive_processes() -> int:
    """Worker processes that render the PDFs of an archive: one per core of this 2-core machine."""
    return int(getattr(settings, "DIBIAO_ARCHIVE_PROCESSES", 2))


def export_name(round: Round, province: Organisation | None) -> str:
    """2021年推荐书-安徽省知识产权局, or 2021年推荐书-全国 for every province."""
    return safe_filename(f"{round.year}年推荐书-{province.name if province else '全国'}", max_length=60)


def request_archive(*, actor: Any, round: Round, province: Organisation | None = None) -> GeneratedFile:
    """Record that `actor` wants `round`'s archive (of `province`, or of every province) and
    queue the task that builds it. A provincial officer always gets its own province's.

    Raises DomainError when the actor may not export rounds. If the same person already has
    the same archive waiting or being built, that one is returned instead of a second.
    """
    if not queries.may_export_rounds(actor):
        raise DomainError(
            _("Only the national administrator and provincial officers can download a round's archive.")
        )
    province = queries.export_province(actor, province)
    with transaction.atomic():
        running = (
            GeneratedFile.objects.filter(
                kind=FileKind.ARCHIVE,
                round=round,
                province=province,
                requested_by=actor,
                status__in=(FileStatus.PENDING, FileStatus.RUNNING),
            )
            .order_by("-created_at")
            .first()
        )
        # One that has been "running" for long died with its worker: start afresh.
        if running is not None and running.created_at > timezone.now() - STALE_AFTER:
            return running
        generated = GeneratedFile.objects.create(
            kind=FileKind.ARCHIVE,
            round=round,
            province=province,
            requested_by=actor,
            filename=f"{export_name(round, province)}.zip",
            expires_at=timezone.now() + keep_for(),
        )
    from dibiao.documents.tasks import task_build_archive

    task_build_archive.enqueue(generated.pk)
    logger.info(
        "archive %s of round %s requested by user %s", generated.pk, round.pk, getattr(actor, "pk", None)
    )
    return generated


def _set_progress(generated_id: int) -> archive.Progress:
    last = {"percent": -1}

    def update(done: int, total: int) -> None:
        # The last few percent are writing the file's end; 100 means ready.
        percent = min(99, 5 + int(done * 94 / max(total, 1)))
        if percent != last["percent"]:
            last["percent"] = percent
            GeneratedFile.objects.filter(pk=generated_id).update(progress=percent)

    return update


def build_archive(generated_id: int) -> GeneratedFile | None:
    """Build the archive a GeneratedFile asks for: read every recommendation in its scope (as
    its requester may see them), write the summary and, in worker processes, the Word and PDF
    copies into a zip under MEDIA_ROOT/exports, updating `progress` on the way; then mark it
    done (or failed, with the reason). A file that is already finished is left alone, so a
    rerun of the task changes nothing."""
    claimed = GeneratedFile.objects.filter(pk=generated_id, status=FileStatus.PENDING).update(
        status=FileStatus.RUNNING, progress=1
    )
    generated = (
        GeneratedFile.objects.select_related("round", "province", "requested_by")
        .filter(pk=generated_id)
        .first()
    )
    if generated is None or not claimed:
        return generated
    purge_expired()
    relative = f"{EXPORTS_DIR}/{uuid.uuid4().hex}.zip"
    target = Path(settings.MEDIA_ROOT) / relative
    try:
        recs = queries.round_recommendations(generated.requested_by, generated.round, generated.province)
        items = collect.collect(recs, reader=generated.requested_by)
        GeneratedFile.objects.filter(pk=generated_id).update(progress=3)
        name = export_name(generated.round, generated.province)
        summary = xlsx.summary_bytes(items)
        target.parent.mkdir(parents=True, exist_ok=True)
        problems = archive.write_archive(
            items,
            target,
            root=name,
            summary=summary,
            processes=archive_processes(),
            progress=_set_progress(generated_id),
        )
    except Exception as error:
        logger.exception("archive %s failed", generated_id)
        target.unlink(missing_ok=True)
        GeneratedFile.objects.filter(pk=generated_id).update(
            status=FileStatus.FAILED,
            error=_(
                "The archive could not be built (%(error)s). Try again; if it fails again, tell the administrator."
            )
            % {"error": type(error).__name__},
            finished_at=timezone.now(),
        )
        generated.refresh_from_db()
        return generated
    GeneratedFile.objects.filter(pk=generated_id).update(
        status=FileStatus.DONE,
        progress=100,
        path=relative,
        size=target.stat().st_size,
        item_count=len(items),
        error="\n".join(problems),
        finished_at=timezone.now(),
    )
    generated.refresh_from_db()
    logger.info("archive %s built: %s recommendations, %s problems", generated_id, len(items), len(problems))
    return generated


def prerender_pdf(recommendation_id: int) -> bool:
    """Render the PDF of a recommendation's current frozen copy into the cache of frozen
    versions' PDFs (documents.pdf), so that its downloads and its round's archive find it
    made. Meant to run after a step that freezes a version or numbers the recommendation
    (recommend, receive). False when the recommendation is gone or has no frozen version."""
    from dibiao.documents import content, pdf
    from dibiao.recommendations.models import Recommendation

    rec = (
        Recommendation.objects.select_related("round", "implementing_unit", "province")
        .filter(pk=recommendation_id)
        .first()
    )
    if rec is None:
        return False
    copy = content.form_content(rec)
    if not copy.is_frozen:
        return False
    pdf.cached_pdf_bytes(copy)
    return True


def file_path(generated: GeneratedFile) -> Path | None:
    """Where a ready file lies, or None (not ready, expired, or gone from the disk)."""
    if not generated.is_ready:
        return None
    path = (Path(settings.MEDIA_ROOT) / generated.path).resolve()
    exports = (Path(settings.MEDIA_ROOT) / EXPORTS_DIR).resolve()
    if exports not in path.parents or not path.is_file():
        return None
    return path


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete expired files from the disk and their rows, and cached PDFs not used for a
    month; return how many files expired."""
    from dibiao.documents.pdf import purge_cache

    purge_cache()
    now = now or timezone.now()
    expired = list(GeneratedFile.objects.filter(expires_at__lte=now))
    for generated in expired:
        if generated.path:
            (Path(settings.MEDIA_ROOT) / generated.path).unlink(missing_ok=True)
    GeneratedFile.objects.filter(pk__in=[g.pk for g in expired]).delete()
    return len(expired)
