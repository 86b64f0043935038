"""Hostile and broken files are refused quickly, in bounded memory, with a message to act on."""

import io
import struct
import time
import tracemalloc
import zipfile

import pytest

from dibiao.documents import word_import
from dibiao.documents.word_import import DocxRefused, read_docx
from tests.documents.fixtures.attachment1 import build

pytestmark = pytest.mark.unit

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)


def document_xml(body: str = "<w:p><w:r><w:t>项目名称：长丰草莓</w:t></w:r></w:p>", head: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'{head}<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )


def package(parts: dict[str, bytes | str] | None = None, *, main: str = DOCX_MAIN) -> bytes:
    files: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES.format(main=main),
        "_rels/.rels": PACKAGE_RELS,
        "word/document.xml": document_xml(),
    }
    files.update(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return out.getvalue()


def refused(data: bytes) -> str:
    """The message of the refusal, checking it came fast and in little memory."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(DocxRefused) as error:
            read_docx(data)
    finally:
        elapsed = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < 2, f"took {elapsed:.2f} s"
    assert peak < 16 * 1024 * 1024 + len(data), f"peak {peak / 1024 / 1024:.1f} MB"
    return error.value.message


def test_a_minimal_safe_package_is_read():
    recommendation, _problems = read_docx(package())

    assert recommendation["project_name"] == "长丰草莓"


@pytest.mark.parametrize(
    "data",
    [b"hello, this is text", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"],
    ids=["text", "pdf", "png"],
)
def test_a_file_that_is_not_a_zip_is_refused(data):
    assert refused(data) == (
        "这不是 Word（.docx）文件。请用 Word 或 WPS 打开填好的附件 1，另存为 Word 文档（.docx）。"
    )


def test_an_empty_file_is_refused():
    assert refused(b"") == "该文件为空。"


def test_an_old_doc_file_is_refused_with_the_way_to_save_it_as_docx():
    ole = word_import.OLE_SIGNATURE + b"\0" * 504 + b"W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0" + b"\0" * 1000

    message = refused(ole)

    assert ".docx" in message
    assert "另存为" in message


def test_a_password_protected_docx_is_refused():
    ole = word_import.OLE_SIGNATURE + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100

    assert "密码" in refused(ole)


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_a_truncated_file_is_refused(keep):
    whole = build()
    message = refused(whole[: int(len(whole) * keep)])

    assert (
        message
        == "这个 Word 文件已损坏或不完整，无法读取。请用 Word 或 WPS 打开它，重新另存为 .docx 文件后再上传。"
    )


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")

    assert refused(out.getvalue()).startswith("这不是 Word（.docx）文件")


def test_a_member_inflating_beyond_the_cap_is_refused():
    # 60 MB of one byte deflates to about 60 KB: a small file that unpacks beyond 50 MB.
    bomb = package({"word/media/image1.png": b"\0" * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024

    assert "解压" in refused(bomb)


def test_a_highly_compressed_member_under_the_cap_is_refused_by_its_ratio():
    bomb = package({"word/document.xml": document_xml("<w:p/>" * (2 * 1024 * 1024 // 6 + 1))})

    assert "解压" in refused(bomb)


def test_a_member_whose_header_understates_its_size_never_inflates_beyond_it():
    """The declared sizes say 1 KB; the stream would inflate to 30 MB. Only the declared bytes
    are ever produced, and their checksum fails."""
    honest = package({"word/document.xml": document_xml("<w:p/>" * (5 * 1024 * 1024))})
    forged = bytearray(honest)
    for info in zipfile.ZipFile(io.BytesIO(honest)).infolist():
        if info.filename != "word/document.xml":
            continue
        struct.pack_into("<I", forged, info.header_offset + 22, 1024)  # local header: uncompressed size
        central = forged.find(b"PK\x01\x02")
        while central != -1:
            name_length = struct.unpack_from("<H", forged, central + 28)[0]
            if forged[central + 46 : central + 46 + name_length] == b"word/document.xml":
                struct.pack_into("<I", forged, central + 24, 1024)  # central directory: uncompressed size
            central = forged.find(b"PK\x01\x02", central + 4)

    assert refused(bytes(forged)).startswith("这个 Word 文件已损坏")


XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def test_an_external_entity_is_never_resolved_and_the_file_is_refused():
    data = package(
        {"word/document.xml": document_xml("<w:p><w:r><w:t>项目名称：&xxe;</w:t></w:r></w:p>", XXE)}
    )

    message = refused(data)

    assert "DTD" in message
    assert "root:" not in message


def test_a_dtd_in_any_other_part_is_refused():
    billion_laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><w:styles xmlns:w="x">&lol2;</w:styles>'
    )

    assert "DTD" in refused(package({"word/styles.xml": billion_laughs}))


def test_a_dtd_in_utf16_is_refused_too():
    xml = document_xml(head=XXE).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")

    assert "DTD" in refused(package({"word/document.xml": xml}))


def test_nothing_of_an_external_entity_reaches_the_result_even_past_the_checks(monkeypatch):
    """Were the DTD check ever bypassed, the parser itself resolves no entity and reads no file."""
    monkeypatch.setattr(word_import, "DTD_MARKERS", ())
    data = package(
        {"word/document.xml": document_xml("<w:p><w:r><w:t>项目名称：&xxe;</w:t></w:r></w:p>", XXE)}
    )

    try:
        recommendation, problems = read_docx(data)
    except DocxRefused:
        return
    assert "root:" not in repr(recommendation)
    assert "root:" not in repr(problems)


def test_a_macro_enabled_document_is_refused():
    data = package({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"}, main=DOCM_MAIN)

    assert "宏" in refused(data)


def test_a_macro_content_type_alone_is_refused():
    assert "宏" in refused(package(main=DOCM_MAIN))


def test_a_file_over_the_size_limit_is_refused_before_unzipping():
    data = b"PK\x03\x04" + b"\0" * (word_import.MAX_FILE_BYTES + 1)

    message = refused(data)

    assert message == "Word 文件不能超过 20 MB，这个文件有 20.0 MB。"


def test_a_password_on_a_zip_member_is_refused():
    data = bytearray(package())
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        flags = struct.unpack_from("<H", data, offset + 8)[0]
        struct.pack_into("<H", data, offset + 8, flags | 0x1)
        offset = data.find(b"PK\x01\x02", offset + 4)

    assert "密码" in refused(bytes(data))


def test_deeply_nested_xml_is_refused_by_the_parser_not_by_a_crash():
    depth = 5000
    body = (
        "<w:p>"
        + "<w:hyperlink>" * depth
        + "<w:r><w:t>项目名称：x</w:t></w:r>"
        + "</w:hyperlink>" * depth
        + "</w:p>"
    )

    assert refused(package({"word/document.xml": document_xml(body)})).startswith("这个 Word 文件已损坏")
