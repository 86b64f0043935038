"""A round's archive: one .zip with, for every recommendation, its Word and PDF copies and its
attached files, plus the summary spreadsheet.

    <root>/
      汇总表.xlsx
      2021-34-01-砀山酥梨地理标志运用促进工程/
        2021-34-01-砀山酥梨地理标志运用促进工程.docx
        2021-34-01-砀山酥梨地理标志运用促进工程.pdf
        附件/工作成果附页-成果.pdf …
      问题说明.txt            (only when some file could not be made)

Names are safe on every system and marked as UTF-8 in the zip (general purpose flag bit 11),
so that Windows' Explorer shows the Chinese names. The PDFs are rendered in a pool of worker
processes forked after every database read is done: the workers get plain data and never
touch the database. One project whose file cannot be made is listed in 问题说明.txt; it never
costs the archive.
"""

import logging
import multiprocessing
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from dibiao.documents import pdf, word
from dibiao.documents.base import form_filename
from dibiao.documents.collect import SECTION_NAMES, Item
from dibiao.documents.content import FormContent
from dibiao.documents.sanitise import safe_filename

logger = logging.getLogger(__name__)

UTF8_NAMES = 0x800
PROBLEMS_NAME = "问题说明.txt"
SUMMARY_NAME = "汇总表.xlsx"

Progress = Callable[[int, int], None]


@dataclass
class RenderedCopy:
    index: int
    docx: bytes | None
    pdf: bytes | None
    problems: list[str]


def render_copy(job: tuple[int, FormContent]) -> RenderedCopy:
    """Word and PDF of one recommendation; a failure of either is reported, not raised. Runs in
    a worker process: plain data in, bytes out, no database."""
    index, content = job
    problems = []
    docx = document = None
    try:
        docx = word.docx_bytes(content)
    except Exception as error:
        logger.exception("archive: Word copy of recommendation %s failed", content.rec_id)
        problems.append(f"Word 文件未能生成：{type(error).__name__}")
    try:
        document = pdf.cached_pdf_bytes(content)
    except Exception as error:
        logger.exception("archive: PDF copy of recommendation %s failed", content.rec_id)
        problems.append(f"PDF 文件未能生成：{type(error).__name__}")
    return RenderedCopy(index, docx, document, problems)


def folder_name(content: FormContent) -> str:
    prefix = content.number or f"未编号-{content.rec_id}"
    return safe_filename(f"{prefix}-{content.project_name or '推荐书'}", fallback=prefix, max_length=60)


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        taken.add(name)
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    number = 2
    while True:
        candidate = f"{stem}({number})" + (f".{suffix}" if suffix else "")
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        number += 1


def _info(name: str) -> zipfile.ZipInfo:
    # Zip entries carry local time (Asia/Shanghai), as the users' archivers show it.
    now = timezone.localtime()
    info = zipfile.ZipInfo(name, date_time=(now.year, now.month, now.day, now.hour, now.minute, now.second))
    info.flag_bits |= UTF8_NAMES
    info.external_attr = 0o644 << 16
    return info


class ArchiveWriter:
    """Writes the zip entry by entry, each name checked and made unique within its folder."""

    def __init__(self, archive: zipfile.ZipFile, root: str) -> None:
        self.archive = archive
        self.root = safe_filename(root, fallback="archive", max_length=60)
        self.taken: dict[str, set[str]] = {}

    def path(self, folder: str, name: str) -> str:
        parts = [self.root, *(p for p in folder.split("/") if p)]
        key = "/".join(parts)
        return f"{key}/{_unique(name, self.taken.setdefault(key, set()))}"

    def write_bytes(self, folder: str, name: str, data: bytes, *, compress: bool = False) -> str:
        info = _info(self.path(folder, name))
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        self.archive.writestr(info, data)
        return info.filename

    def write_file(self, folder: str, name: str, source: str) -> str:
        info = _info(self.path(folder, name))
        info.compress_type = zipfile.ZIP_STORED
        info.file_size = os.path.getsize(source)
        large = info.file_size > 2**31
        with open(source, "rb") as handle, self.archive.open(info, "w", force_zip64=large) as target:
            while chunk := handle.read(1024 * 1024):
                target.write(chunk)
        return info.filename


def _copies(items: Sequence[Item], processes: int) -> Iterator[RenderedCopy]:
    jobs = [(index, item.content) for index, item in enumerate(items)]
    if processes <= 1 or len(jobs) < 2:
        for job in jobs:
            yield render_copy(job)
        return
    pdf.warm_up()  # the workers inherit the parsed stylesheets and the loaded fonts
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=min(processes, len(jobs))) as pool:
        yield from pool.imap(render_copy, jobs, chunksize=1)


def write_archive(
    items: Sequence[Item],
    target: Path,
    *,
    root: str,
    summary: bytes | None = None,
    processes: int = 2,
    progress: Progress | None = None,
) -> list[str]:
    """Write the archive of `items` to `target`; return the problems (also in 问题说明.txt).

    Call it after all database reads: with `processes` > 1 it forks worker processes."""
    problems: list[str] = []
    total = len(items)
    with zipfile.ZipFile(target, "w", allowZip64=True) as archive:
        writer = ArchiveWriter(archive, root)
        if summary is not None:
            writer.write_bytes("", SUMMARY_NAME, summary)
        for done, copy in enumerate(_copies(items, processes), start=1):
            item = items[copy.index]
            content = item.content
            folder = folder_name(content)
            label = f"{content.number or '未编号'} {content.project_name or content.rec_id}"
            if copy.docx is not None:
                writer.write_bytes(folder, form_filename(content, "docx"), copy.docx)
            if copy.pdf is not None:
                writer.write_bytes(folder, form_filename(content, "pdf"), copy.pdf)
            problems += [f"{label}：{problem}" for problem in copy.problems]
            for attached in item.files:
                name = safe_filename(
                    f"{SECTION_NAMES.get(attached.section, '附件')}-{attached.name}", max_length=80
                )
                if not attached.path:
                    problems.append(f"{label}：附件“{attached.name}”的文件缺失，未能放入压缩包")
                    continue
                try:
                    writer.write_file(f"{folder}/附件", name, attached.path)
                except OSError:
                    logger.exception("archive: attachment of recommendation %s unreadable", content.rec_id)
                    problems.append(f"{label}：附件“{attached.name}”无法读取，未能放入压缩包")
            if progress is not None:
                progress(done, total)
        if problems:
            text = "以下文件未能放入本压缩包，其余文件完整：\r\n\r\n" + "\r\n".join(problems) + "\r\n"
            writer.write_bytes("", PROBLEMS_NAME, text.encode("utf-8-sig"), compress=True)
    return problems
