"""What every document renderer shares: the result type and the interface (STYLE §8)."""

from dataclasses import dataclass
from typing import ClassVar

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from dibiao.documents.content import FormContent
from dibiao.documents.sanitise import safe_filename

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


@dataclass(frozen=True)
class Rendered:
    filename: str
    content_type: str
    data: bytes


class BaseExporter:
    """One output. Subclasses set `identifier`, `title`, `extension` and `content_type` and
    implement `render()`."""

    identifier: ClassVar[str]
    title: ClassVar[str]
    extension: ClassVar[str]
    content_type: ClassVar[str]

    def render(self) -> Rendered:
        raise NotImplementedError


class FormExporter(BaseExporter):
    """An output of one copy of Attachment 1 (Word or PDF)."""

    def __init__(self, content: FormContent) -> None:
        self.content = content

    def filename(self, *, with_version: bool = False) -> str:
        return form_filename(self.content, self.extension, with_version=with_version)


def form_filename(content: FormContent, extension: str, *, with_version: bool = False) -> str:
    """`<编号, or 草稿 / 未编号>-<project name>.<ext>`, safe on every system; `with_version`
    adds the version (`-v1`), for a copy of a version asked for by number."""
    if content.number:
        prefix = content.number
    elif content.is_frozen:
        prefix = "未编号"
    else:
        prefix = "草稿"
    name = content.project_name or "推荐书"
    if with_version and content.version:
        name = f"{name}-v{content.version}"
    return safe_filename(f"{prefix}-{name}.{extension}", fallback=prefix, max_length=120)


def attachment_response(rendered: Rendered) -> HttpResponse:
    """`rendered` as a download: the name as RFC 6266/5987 `filename*` (UTF-8), never cached
    by a shared cache, never sniffed as something else."""
    response = HttpResponse(rendered.data, content_type=rendered.content_type)
    response["Content-Disposition"] = content_disposition_header(True, rendered.filename)
    response["Content-Length"] = str(len(rendered.data))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
