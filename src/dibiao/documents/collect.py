"""Everything a round's summary and archive need, read from the database in a few queries.

After `collect(recs)` nothing touches the database: the archive hands the items to worker
processes that render Word and PDF files (documents/archive.py).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from dibiao.documents import content as form
from dibiao.documents.content import FormContent
from dibiao.recommendations.choices import State
from dibiao.recommendations.models import Attachment, Recommendation, Version

# The attachments' parts of the form, as the archive names them (the form's own words).
SECTION_NAMES = {
    "introduction": "项目介绍附页",
    "achievements": "工作成果附页",
    "practices": "主要做法附页",
    "safeguards": "保障措施附页",
    "implementing_seal": "实施单位盖章页",
    "recommending_seal": "推荐单位盖章页",
}


@dataclass
class AttachedFile:
    section: str
    name: str
    path: str  # absolute path on disk; "" when the file is missing


@dataclass
class Item:
    """One recommendation of a summary or archive: its printed content and its facts."""

    content: FormContent
    state: str
    state_label: str
    province: str
    implementing_unit: str
    created_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    recommended_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    paper_received_at: dt.datetime | None = None
    files: list[AttachedFile] = field(default_factory=list)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


def _file_path(attachment: Attachment | None) -> str:
    if attachment is None or not attachment.file:
        return ""
    try:
        path = Path(attachment.file.path)
    except (NotImplementedError, ValueError):
        return ""
    return str(path) if path.is_file() else ""


def collect(recs: QuerySet[Recommendation], *, reader: Any = None) -> list[Item]:
    """The items of `recs`, in the queryset's order: a draft's current content, otherwise the
    latest frozen version (see `content.form_content`), with its attachments' files."""
    recs = recs.select_related("round", "implementing_unit", "province").prefetch_related(
        Prefetch("versions", queryset=Version.objects.order_by("-number"), to_attr="newest_first")
    )
    rows = list(recs)
    latest: dict[int, Version | None] = {
        rec.pk: (rec.newest_first[0] if rec.newest_first else None) for rec in rows
    }
    # Attachments: a version lists the ids it froze; a draft shows those on the form now.
    wanted_ids = {
        entry["id"]
        for version in latest.values()
        if version is not None
        for entry in (version.attachments or [])
        if isinstance(entry, dict) and isinstance(entry.get("id"), int)
    }
    drafts = [rec.pk for rec in rows if latest[rec.pk] is None or rec.state == State.DRAFT]
    by_id: dict[int, Attachment] = {a.pk: a for a in Attachment.objects.filter(pk__in=wanted_ids)}
    draft_files: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(
        recommendation_id__in=drafts, removed_at__isnull=True
    ).order_by("section", "uploaded_at", "pk"):
        draft_files[attachment.recommendation_id].append(attachment)

    items = []
    for rec in rows:
        version = latest[rec.pk] if rec.state != State.DRAFT else None
        if version is None:
            attachments = draft_files[rec.pk]
            files = [AttachedFile(a.section, a.original_name, _file_path(a)) for a in attachments]
            entries: list[dict[str, Any]] = [
                {"section": a.section, "name": a.original_name} for a in attachments
            ]
        else:
            entries = [entry for entry in (version.attachments or []) if isinstance(entry, dict)]
            files = [
                AttachedFile(
                    str(entry.get("section", "")),
                    str(entry.get("name", "")),
                    _file_path(by_id.get(entry["id"]) if isinstance(entry.get("id"), int) else None),
                )
                for entry in entries
            ]
        content = form.build(
            form.printable_data(rec, version, reader=reader),
            rec_id=rec.pk,
            number=rec.number,
            year=rec.round.year,
            state=rec.state,
            attachments=entries,
            version=version.number if version is not None else None,
            fingerprint=version.fingerprint if version is not None else "",
        )
        items.append(
            Item(
                content=content,
                state=rec.state,
                state_label=str(State(rec.state).label),
                province=rec.province.name,
                implementing_unit=rec.implementing_unit.name,
                created_at=_local(rec.created_at),
                submitted_at=_local(rec.submitted_at),
                recommended_at=_local(rec.recommended_at),
                received_at=_local(rec.received_at),
                paper_received_at=_local(rec.paper_received_at),
                files=files,
            )
        )
    return items
