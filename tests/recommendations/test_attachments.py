"""Attached pages and sealed pages: checked by content, limited, stored safely, named safely."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from dibiao.core.errors import DomainError
from dibiao.recommendations import services, workflow
from dibiao.recommendations.choices import Action, Section
from dibiao.recommendations.models import Attachment
from dibiao.recommendations.services import sanitise_filename
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    docx_bytes,
    draft_recommendation,
    submitted_recommendation,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
ONLY_THESE = "只能上传 PDF、JPEG、PNG 和 Word（.docx）文件。"


@pytest.fixture
def draft(round_2021, hefei_officer):
    return draft_recommendation(hefei_officer, round_2021)


def attach(rec, user, name, content, section=Section.INTRODUCTION):
    return services.add_attachment(rec, actor=user, section=section, uploaded_file=upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("项目介绍附页.pdf", PDF_BYTES, "application/pdf"),
        ("现场照片.JPG", JPEG_BYTES, "image/jpeg"),
        ("现场照片.jpeg", JPEG_BYTES, "image/jpeg"),
        ("示意图.png", PNG_BYTES, "image/png"),
        (
            "附页.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_files_are_stored_by_hash_outside_the_web_root(
    draft, hefei_officer, name, content, content_type
):
    attachment = attach(draft, hefei_officer, name, content)

    digest = hashlib.sha256(content).hexdigest()
    assert (attachment.original_name, attachment.content_type, attachment.size, attachment.sha256) == (
        name,
        content_type,
        len(content),
        digest,
    )
    assert attachment.file.name == f"recommendations/{draft.pk}/{digest[:2]}/{digest}"
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert stored.read_bytes() == content
    assert not str(stored).startswith(str(settings.STATIC_ROOT))


def test_the_same_content_is_stored_once(draft, hefei_officer):
    first = attach(draft, hefei_officer, "a.pdf", PDF_BYTES)
    second = attach(draft, hefei_officer, "b.pdf", PDF_BYTES)
    assert first.file.name == second.file.name
    assert len(list((Path(settings.MEDIA_ROOT) / "recommendations").rglob("*.*"))) == 0  # no renamed copies
    assert len([p for p in (Path(settings.MEDIA_ROOT) / "recommendations").rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "盖章页.pdf",
            PNG_BYTES,
            "此文件的扩展名为 .pdf，但内容不是 PDF。只能上传 PDF、JPEG、PNG 和 Word（.docx）文件。",
        ),
        (
            "附页.docx",
            b"just some text, not a Word document",
            "此文件的扩展名为 .docx，但内容不是 Word (.docx)。只能上传 PDF、JPEG、PNG 和 Word（.docx）文件。",
        ),
        ("附页.docx", docx_bytes(macro=True), "不接受含宏的 Word 文档，请另存为普通 .docx 文档后上传。"),
        (
            "附页.docx",
            docx_bytes(content_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
            "不接受含宏的 Word 文档，请另存为普通 .docx 文档后上传。",
        ),
        ("附页.docm", docx_bytes(macro=True), ONLY_THESE),
        (
            "照片.png",
            JPEG_BYTES,
            "此文件的扩展名为 .png，但内容不是 PNG。只能上传 PDF、JPEG、PNG 和 Word（.docx）文件。",
        ),
        ("程序.exe", b"MZ\x90\x00", ONLY_THESE),
        ("没有扩展名", PDF_BYTES, ONLY_THESE),
        ("空.pdf", b"", "该文件为空。"),
    ],
)
def test_files_are_checked_by_content_not_by_name(draft, hefei_officer, name, content, message):
    with pytest.raises(DomainError) as refused:
        attach(draft, hefei_officer, name, content)
    assert refused.value.message == message
    assert Attachment.objects.count() == 0


def test_a_zip_that_is_not_a_word_document_is_refused(draft, hefei_officer):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DomainError) as refused:
        attach(draft, hefei_officer, "附页.docx", buffer.getvalue())
    assert refused.value.message == "此文件不是 Word（.docx）文档。"


def test_oversize_files_are_refused(draft, hefei_officer):
    big = PDF_BYTES + b"0" * (20 * 1024 * 1024 + 1 - len(PDF_BYTES))
    with pytest.raises(DomainError) as refused:
        attach(draft, hefei_officer, "大文件.pdf", big)
    assert refused.value.message == "文件不能超过 20 MB，该文件为 20.0 MB。"
    exactly = PDF_BYTES + b"0" * (20 * 1024 * 1024 - len(PDF_BYTES))
    assert attach(draft, hefei_officer, "刚好.pdf", exactly).size == 20 * 1024 * 1024


def test_a_section_holds_at_most_ten_files(draft, hefei_officer):
    for index in range(10):
        attach(draft, hefei_officer, f"第{index}页.pdf", PDF_BYTES + bytes([index]))
    with pytest.raises(DomainError) as refused:
        attach(draft, hefei_officer, "第11页.pdf", PDF_BYTES)
    assert refused.value.message == "此部分已有 10 个文件，请先移除一个。"

    attach(draft, hefei_officer, "另一部分.pdf", PDF_BYTES, section=Section.PRACTICES)
    services.remove_attachment(
        Attachment.objects.filter(section=Section.INTRODUCTION).first(), actor=hefei_officer
    )
    attach(draft, hefei_officer, "第11页.pdf", PDF_BYTES)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("C:\\Users\\张三\\桌面\\盖章页.pdf", "盖章页.pdf"),
        ("合肥\x00\x1b[31m项目.pdf", "合肥[31m项目.pdf"),
        ("反转\u202efdp.exe.pdf", "反转fdp.exe.pdf"),
        ("...pdf", "附件.pdf"),
        ("..", "附件"),
        ("a..b.pdf", "a.b.pdf"),
        ('名称<>:"|?*.pdf', "名称_______.pdf"),
        ("长" * 300 + ".pdf", "长" * 146 + ".pdf"),
    ],
)
def test_original_names_are_sanitised(name, expected):
    assert sanitise_filename(name) == expected


def test_a_path_in_the_upload_name_is_stored_as_a_plain_name(draft, hefei_officer):
    attachment = attach(draft, hefei_officer, "../../etc/passwd.pdf", PDF_BYTES)
    assert attachment.original_name == "passwd.pdf"
    assert ".." not in attachment.file.name


def test_the_download_name_is_safe(draft, hefei_officer):
    services.save_draft(
        draft,
        actor=hefei_officer,
        data=draft.data | {"project_name": "砀山/酥梨:项目"},
        revision=draft.revision,
    )
    attachment = attach(draft, hefei_officer, "盖章页.pdf", PDF_BYTES)
    assert services.attachment_download_name(attachment) == "砀山_酥梨_项目_项目介绍附页_盖章页.pdf"


# --- who may attach, and when ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["wuhu_officer", "anhui_officer", "national_admin"])
def test_only_the_units_officers_attach_pages_to_its_draft(request, draft, role):
    with pytest.raises(DomainError) as refused:
        attach(draft, request.getfixturevalue(role), "a.pdf", PDF_BYTES)
    assert refused.value.message == "只有实施单位的经办人可以更改这些附页。"


def test_pages_cannot_be_attached_or_removed_after_submission(round_2021, hefei_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    with pytest.raises(DomainError) as refused:
        attach(rec, hefei_officer, "a.pdf", PDF_BYTES)
    assert refused.value.message == "只有草稿状态的推荐书才能更改附页。"
    seal = rec.attachments.get(section=Section.IMPLEMENTING_SEAL)
    with pytest.raises(DomainError):
        services.remove_attachment(seal, actor=hefei_officer)
    assert Attachment.objects.get(pk=seal.pk).removed_at is None


def test_the_province_uploads_its_sealed_page_while_deciding(round_2021, hefei_officer, anhui_officer):
    rec = draft_recommendation(hefei_officer, round_2021)
    with pytest.raises(DomainError) as refused:
        attach(rec, anhui_officer, "省局.pdf", PDF_BYTES, section=Section.RECOMMENDING_SEAL)
    assert refused.value.message == "只有在推荐书等待省局处理期间，才能更改推荐单位盖章页。"
    with pytest.raises(DomainError) as refused:
        attach(rec, hefei_officer, "省局.pdf", PDF_BYTES, section=Section.RECOMMENDING_SEAL)
    assert refused.value.message == "只有推荐单位（省局）的经办人可以上传推荐单位盖章页。"

    rec = submitted_recommendation(hefei_officer, round_2021)
    seal = attach(rec, anhui_officer, "省局.pdf", PDF_BYTES, section=Section.RECOMMENDING_SEAL)
    assert seal.uploaded_by == anhui_officer


def test_removing_hides_the_page_but_versions_keep_it(round_2021, hefei_officer, anhui_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    seal = rec.attachments.get(section=Section.IMPLEMENTING_SEAL)
    workflow.perform(rec, Action.RETURN, actor=anhui_officer, reason="盖章页模糊")

    services.remove_attachment(seal, actor=hefei_officer)

    seal.refresh_from_db()
    assert seal.removed_at is not None
    assert (Path(settings.MEDIA_ROOT) / seal.file.name).exists()
    assert rec.versions.get(number=1).attachments[0]["id"] == seal.pk
