"""Reading a filled Attachment 1 (地理标志运用促进工程重点项目推荐书) from a Word (.docx) file.

`read_docx(data)` returns the recommendation in the shape of data/recommendation.schema.json
and every problem found, by dotted field path. It reads in three steps:

1. The package is checked before any XML parser sees it (`_open_package`): the size, the
   zip's structure, every member's declared size and compression ratio, the actual bytes
   while inflating (with a cap), macros, and a DTD in any XML part. A file that fails is
   refused with `DocxRefused`; nothing else is read.
2. The main document is parsed by lxml with entities and the network off, and its body is
   turned into a flat list of blocks: paragraphs, and table rows as their distinct cells
   (a cell merged across columns or rows counts once, by its `w:tc`; a row-merged cell
   continues the cell above it). Text boxes, content controls, tracked insertions and
   hyperlinks are read; deleted text and a content control's placeholder are not.
3. Each value is found by its label, never by its position: the section (from the headings
   一 to 六, or from the labels a row holds) and the row's leading label tell which field a
   label such as 手机, 固定电话 or 职务 belongs to. Labels are compared without spaces, line
   breaks, colons or bracketed notes, after folding full-width characters.

The values read are normalised and validated by `recommendations.schema`, the same rules as
the form on the page and the JSON import. Reading writes nothing; `create_draft_from_docx`
creates a draft of what was read.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from posixpath import join as join_path
from posixpath import normpath
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from lxml import etree

from dibiao.core import audit
from dibiao.core.errors import DomainError
from dibiao.core.models import AuditEvent
from dibiao.recommendations import schema, services
from dibiao.recommendations.schema import Problem

MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
# What all members of the package may inflate to, together (declared and actually read).
MAX_INFLATED_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 2000
# A member inflating to more than RATIO_FLOOR must not be compressed more than MAX_RATIO
# times: Word's XML compresses about 10:1, a zip bomb about 1000:1.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
DTD_OVERLAP = max(len(marker) for marker in DTD_MARKERS)

OFFICE_DOCUMENT = "/officeDocument"
PACKAGE_RELS = "_rels/.rels"
CONTENT_TYPES = "[Content_Types].xml"
WORD_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # Word's "Strict Open XML"
)
RELS_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/relationships"
MC_NAMESPACE = "http://schemas.openxmlformats.org/markup-compatibility/2006"


class DocxRefused(DomainError):
    """The file is not a Word document this import reads safely; `message` says why and what to do."""


# --- 1. the package ------------------------------------------------------------------------------


@dataclass
class _Budget:
    """Bytes that the members read so far inflated to, against MAX_INFLATED_BYTES."""

    used: int = 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > MAX_INFLATED_BYTES:
            raise DocxRefused(_bomb_message())


def _bomb_message() -> str:
    return _(
        "This file unpacks to far more data than a Word form holds; it is refused as unsafe. "
        "Save the form again as a .docx file in Word or WPS and upload that."
    )


def _damaged_message() -> str:
    return _(
        "This Word file is damaged or incomplete and cannot be read. Open it in Word or WPS, "
        "save it again as a .docx file and upload that."
    )


def _dtd_message() -> str:
    return _(
        "This Word file contains XML with a document type declaration (DTD), which Word never "
        "writes; it is refused as unsafe. Save the form again as a .docx file in Word or WPS "
        "and upload that."
    )


def _not_docx_message() -> str:
    return _(
        "This file is not a Word (.docx) document. Open the filled Attachment 1 in Word or WPS "
        "and save it as a Word document (.docx)."
    )


def _check_declared_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise DocxRefused(_not_docx_message())
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise DocxRefused(
                _(
                    "This Word file is protected by a password. Remove the password, save it again and upload it."
                )
            )
        total += info.file_size
        if total > MAX_INFLATED_BYTES:
            raise DocxRefused(_bomb_message())
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocxRefused(_bomb_message())


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, *, keep: bool) -> bytes:
    """A member's bytes (or b"" unless `keep`), inflated in chunks against the budget, refusing
    a DTD in it. Bytes beyond the declared size are never produced (zipfile stops there and
    the CRC check fails)."""
    kept: list[bytes] = []
    tail = b""
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                budget.spend(len(chunk))
                if size > info.file_size:
                    raise DocxRefused(_bomb_message())
                window = tail + chunk
                if any(marker in window for marker in DTD_MARKERS):
                    raise DocxRefused(_dtd_message())
                tail = window[-DTD_OVERLAP:]
                if keep:
                    kept.append(chunk)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ):
        raise DocxRefused(_damaged_message()) from None
    return b"".join(kept)


def _parse_xml(data: bytes) -> Any:
    """Parse one part: no DTD loading, no entity resolution, no network, no huge trees."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        raise DocxRefused(_damaged_message()) from None
    if root.getroottree().docinfo.doctype:
        raise DocxRefused(_dtd_message())
    return root


def _main_part_name(rels: bytes) -> str:
    root = _parse_xml(rels)
    for rel in root.iter(f"{{{RELS_NAMESPACE}}}Relationship"):
        if (rel.get("Type") or "").endswith(OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
            target = rel.get("Target") or ""
            return normpath(join_path("/", target)).lstrip("/")
    raise DocxRefused(_not_docx_message())


def _refuse_before_unzipping(data: bytes) -> None:
    if not data:
        raise DocxRefused(_("This file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise DocxRefused(
            _("A Word file may be at most %(max)d MB; this one has %(size).1f MB.")
            % {"max": MAX_FILE_MB, "size": len(data) / 1024 / 1024}
        )
    if data.startswith(OLE_SIGNATURE):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise DocxRefused(
                _(
                    "This Word file is protected by a password. Remove the password, save it again "
                    "and upload it."
                )
            )
        raise DocxRefused(
            _(
                "This is a Word 97-2003 (.doc) or old WPS file. Open it in Word or WPS, choose "
                "“Save as”, pick Word document (.docx) and upload that file."
            )
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise DocxRefused(_not_docx_message())


def _open_package(data: bytes) -> bytes:
    """The main document part of a safe .docx, or DocxRefused."""
    _refuse_before_unzipping(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise DocxRefused(_damaged_message()) from None
    with archive:
        infos = archive.infolist()
        _check_declared_sizes(infos)
        by_name = {info.filename: info for info in infos}
        if any(name.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml") for name in by_name):
            raise DocxRefused(_macro_message())
        if CONTENT_TYPES not in by_name or PACKAGE_RELS not in by_name:
            raise DocxRefused(_not_docx_message())
        budget = _Budget()
        content_types = _inflate(archive, by_name[CONTENT_TYPES], budget, keep=True)
        if b"macroenabled" in content_types.lower():
            raise DocxRefused(_macro_message())
        main_name = _main_part_name(_inflate(archive, by_name[PACKAGE_RELS], budget, keep=True))
        if main_name not in by_name:
            raise DocxRefused(_not_docx_message())
        main = b""
        for info in infos:
            name = info.filename
            if name in (CONTENT_TYPES, PACKAGE_RELS):
                continue
            if name == main_name:
                main = _inflate(archive, info, budget, keep=True)
            elif name.lower().endswith((".xml", ".rels")):
                _inflate(archive, info, budget, keep=False)
    return main


def _macro_message() -> str:
    return _(
        "This Word file contains macros, which are refused. Save it in Word or WPS as a plain "
        "Word document (.docx, not .docm) and upload that."
    )


# --- 2. the document as blocks -------------------------------------------------------------------


@dataclass(eq=False)
class Cell:
    """One cell of a table row (or one paragraph outside tables): its lines of text and where
    it starts on the table's grid. A cell merged over several rows is the same object in each."""

    lines: list[str]
    grid: int = 0
    span: int = 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Block:
    cells: list[Cell]
    in_table: bool


class _Body:
    """Turns the body of the main document into blocks, in reading order."""

    def __init__(self, root: Any) -> None:
        namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        if namespace not in WORD_NAMESPACES or etree.QName(root).localname != "document":
            raise DocxRefused(_not_docx_message())
        w = f"{{{namespace}}}"
        self.root = root
        self.BODY = w + "body"
        self.P, self.TBL, self.TR, self.TC = w + "p", w + "tbl", w + "tr", w + "tc"
        self.T, self.TAB, self.PTAB = w + "t", w + "tab", w + "ptab"
        self.BR, self.CR, self.NO_BREAK_HYPHEN = w + "br", w + "cr", w + "noBreakHyphen"
        self.SDT, self.SDT_PR, self.SDT_CONTENT = w + "sdt", w + "sdtPr", w + "sdtContent"
        self.SHOWING_PLACEHOLDER = w + "showingPlcHdr"
        self.CUSTOM_XML = w + "customXml"
        self.TXBX_CONTENT = w + "txbxContent"
        self.TC_PR, self.TR_PR = w + "tcPr", w + "trPr"
        self.GRID_SPAN, self.V_MERGE, self.H_MERGE = w + "gridSpan", w + "vMerge", w + "hMerge"
        self.GRID_BEFORE, self.VAL = w + "gridBefore", w + "val"
        self.SKIP = {
            w + "pPr",
            w + "rPr",
            w + "del",
            w + "moveFrom",
            w + "sdtEndPr",
            w + "instrText",
            w + "delText",
            f"{{{MC_NAMESPACE}}}Fallback",
        }
        self.blocks: list[Block] = []
        self._floating: list[Any] = []

    def read(self) -> list[Block]:
        body = self.root.find(self.BODY)
        if body is None:
            raise DocxRefused(_not_docx_message())
        self._blocks_of(body)
        return self.blocks

    def _blocks_of(self, container: Any) -> None:
        for child in container:
            tag = child.tag
            if tag == self.P:
                text = self._paragraph(child)
                self.blocks.append(Block([Cell(text.split("\n"))], in_table=False))
                self._flush_floating()
            elif tag == self.TBL:
                self._table(child)
                self._flush_floating()
            elif tag == self.SDT:
                if not self._is_placeholder(child):
                    content = child.find(self.SDT_CONTENT)
                    if content is not None:
                        self._blocks_of(content)
            elif tag == self.CUSTOM_XML:
                self._blocks_of(child)

    def _flush_floating(self) -> None:
        """Paragraphs of text boxes (the cover's 编号 box, for instance), after their anchor."""
        while self._floating:
            boxes, self._floating = self._floating, []
            for box in boxes:
                self._blocks_of(box)

    def _is_placeholder(self, sdt: Any) -> bool:
        properties = sdt.find(self.SDT_PR)
        return properties is not None and properties.find(self.SHOWING_PLACEHOLDER) is not None

    def _paragraph(self, p: Any) -> str:
        parts: list[str] = []
        self._text_of(p, parts)
        return "".join(parts)

    def _text_of(self, element: Any, parts: list[str]) -> None:
        for child in element:
            tag = child.tag
            if tag == self.T:
                parts.append(child.text or "")
            elif tag in (self.TAB, self.PTAB):
                parts.append("\t")
            elif tag in (self.BR, self.CR):
                parts.append("\n")
            elif tag == self.NO_BREAK_HYPHEN:
                parts.append("-")
            elif tag in self.SKIP or not isinstance(tag, str):
                continue
            elif tag == self.TXBX_CONTENT:
                self._floating.append(child)
            elif tag == self.SDT and self._is_placeholder(child):
                continue
            else:
                self._text_of(child, parts)

    def _cell_lines(self, container: Any, lines: list[str]) -> None:
        for child in container:
            tag = child.tag
            if tag == self.P:
                lines.extend(self._paragraph(child).split("\n"))
            elif tag == self.TBL:
                for row in self._rows(child):
                    for tc in self._cells(row):
                        self._cell_lines(tc, lines)
            elif tag == self.SDT:
                if not self._is_placeholder(child):
                    content = child.find(self.SDT_CONTENT)
                    if content is not None:
                        self._cell_lines(content, lines)
            elif tag == self.CUSTOM_XML:
                self._cell_lines(child, lines)

    def _wrapped(self, container: Any, tag: str) -> Iterator[Any]:
        """Children with `tag`, also inside content controls and custom XML wrappers."""
        for child in container:
            if child.tag == tag:
                yield child
            elif child.tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                if content is not None:
                    yield from self._wrapped(content, tag)
            elif child.tag == self.CUSTOM_XML:
                yield from self._wrapped(child, tag)

    def _rows(self, tbl: Any) -> Iterator[Any]:
        return self._wrapped(tbl, self.TR)

    def _cells(self, tr: Any) -> Iterator[Any]:
        return self._wrapped(tr, self.TC)

    def _int_property(self, parent: Any, tag: str, default: int) -> int:
        element = parent.find(tag) if parent is not None else None
        if element is None:
            return default
        try:
            return max(int(element.get(self.VAL, default)), 0)
        except ValueError:
            return default

    def _table(self, tbl: Any) -> None:
        above: dict[int, Cell] = {}
        for tr in self._rows(tbl):
            column = self._int_property(tr.find(self.TR_PR), self.GRID_BEFORE, 0)
            here: dict[int, Cell] = {}
            cells: list[Cell] = []
            for tc in self._cells(tr):
                properties = tc.find(self.TC_PR)
                span = max(self._int_property(properties, self.GRID_SPAN, 1), 1)
                v_merge = properties.find(self.V_MERGE) if properties is not None else None
                h_merge = properties.find(self.H_MERGE) if properties is not None else None
                if v_merge is not None and v_merge.get(self.VAL, "continue") != "restart" and column in above:
                    cell = above[column]
                elif h_merge is not None and h_merge.get(self.VAL, "continue") != "restart" and cells:
                    cell = cells[-1]
                    cell.span += span
                else:
                    lines: list[str] = []
                    self._cell_lines(tc, lines)
                    cell = Cell(lines, grid=column, span=span)
                for position in range(column, column + span):
                    here[position] = cell
                if not any(cell is seen for seen in cells):
                    cells.append(cell)
                column += span
            above = here
            self.blocks.append(Block(cells, in_table=True))


# --- 3. values by their labels -------------------------------------------------------------------

BRACKETED = re.compile(r"\([^()]*\)")
NOT_IN_KEYS = re.compile(r"[\s:_*\-.·•、,;]+|[\u200b\u200c\u200d\ufeff]")
PUNCTUATION_AND_SPACE = re.compile(r"[\W_]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDERS = {"/", "-", "--", "—", "——", "无", "暂无", "n/a", "na", "none", "null", "空"}


def _key(text: str) -> str:
    """A label as compared: folded (full-width to ASCII), without bracketed notes, spaces, line
    breaks, colons or dashes, lower-case: "代 表 人：" → "代表人", "E－mail" → "email"."""
    folded = unicodedata.normalize("NFKC", text)
    folded = BRACKETED.sub("", folded)
    return NOT_IN_KEYS.sub("", folded).casefold()


def _loose(text: str) -> str:
    """Text without spaces and punctuation, for recognising the template's guidance."""
    return PUNCTUATION_AND_SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _labels(**variants: tuple[str, ...]) -> dict[str, str]:
    return {_key(variant): name for name, names in variants.items() for variant in names}


# 一、基本信息: the labels of the left group cell and of the fields.
GROUPS = _labels(implementing=("实施单位",), recommending=("推荐单位",))
BASIC = _labels(
    unit_name=("单位名称", "实施单位名称"),
    representative=("代表人", "法定代表人", "单位代表人", "法人代表"),
    title=("职务", "职位"),
    phone=("联系电话", "单位电话", "电话"),
    fax=("传真号码", "传真", "传真电话"),
    responsible=("负责人", "项目负责人"),
    landline=("固定电话", "固话", "座机", "座机号码", "固定电话号码"),
    mobile=("手机", "手机号", "手机号码", "移动电话"),
    contact=("联系人", "项目联系人"),
    address=("通讯地址", "通信地址", "联系地址", "地址"),
    email=("E-mail", "Email", "电子邮箱", "电子邮件", "邮箱"),
    division_head=("处室负责人",),
    work_contact=("工作联系人",),
)
# The row's leading label says whose 职务, 手机, 固定电话 and 传真号码 the row holds.
PEOPLE = {"representative", "responsible", "contact", "division_head", "work_contact"}
GI_HEADERS = _labels(
    name=("名称", "地理标志名称", "地理标志", "产品名称", "地理标志产品名称", "商标名称"),
    rights_holder=("权利人", "注册人", "持有人", "商标注册人"),
    authority=("批准机构", "审批机构", "批准部门", "审批部门"),
    date=("批准时间", "批准日期", "审批时间", "获批时间", "注册时间"),
    production_area=("产地范围", "保护范围", "地域范围"),
)
LONG_TEXT_LABELS = _labels(
    introduction=("项目介绍",),
    achievements=("工作成果",),
    practices=("主要做法",),
    safeguards=("保障措施",),
)
SUPPORT_LABELS = _labels(recommender_support=("推荐单位指导支持事项", "指导支持事项"))
OPINION_LABELS = _labels(
    implementing_opinion=("实施单位", "实施单位意见"),
    recommending_opinion=("推荐单位", "推荐单位意见"),
)
APPROVAL_LABELS = _labels(expert_group=("专家组意见",), department=("部门意见",))
COVER_LABELS = {"项目名称": "project_name", "实施单位": "unit", "推荐单位": "recommending", "编号": "number"}

# The template's guidance in brackets, which people often leave in the cell.
GUIDANCE = tuple(
    _loose(text)
    for text in (
        "包括工作背景、基础、意义、目标，项目组织实施方式和工作机制等",
        "围绕用好一件地理标志，打造一个品牌，发展一个产业，造福一方百姓，已经取得的工作成效，"
        "以及未来预期取得的成效。可另附页",
        "主要措施和具体实施方式。可另附页",
        "项目实施的条件保障情况，包括地理标志产品产地政府重视及资金投入情况等。可另附页",
        "如推荐单位有指导和支持事项，可填写此栏",
        "可另附页",
    )
)
GUIDANCE_IN_BRACKETS = re.compile(r"[(（]([^()（）]{2,200})[)）]")

SECTIONS = {
    "一": ("basic", ("基本信息",)),
    "二": ("gis", ("地理标志",)),
    "三": ("about", ("项目有关情况", "项目相关情况", "项目情况")),
    "四": ("support", ("推荐单位指导支持事项", "指导支持事项")),
    "五": ("opinions", ("实施和推荐单位意见", "实施单位和推荐单位意见", "单位意见", "意见")),
    "六": ("approval", ("批准情况",)),
}
NOTES = _key("填写说明")

DIGIT = "0-9０-９"
CHINESE_DIGIT = "〇○零一二三四五六七八九十"
DATE_IN_TEXT = re.compile(
    rf"(?:[{DIGIT}]{{4}}|[{CHINESE_DIGIT}]{{4}})\s*年\s*(?:[{DIGIT}]{{1,2}}|[{CHINESE_DIGIT}]{{1,3}})\s*月"
    rf"\s*(?:[{DIGIT}]{{1,2}}|[{CHINESE_DIGIT}]{{1,3}})\s*[日号]?"
    rf"|[{DIGIT}]{{4}}\s*[-./－．／]\s*[{DIGIT}]{{1,2}}\s*[-./－．／]\s*[{DIGIT}]{{1,2}}(?![{DIGIT}])"
)
BLANK_DATE = re.compile(r"年\s*月\s*日")
SEAL = re.compile(r"[(（]\s*(?:单\s*位\s*)?[公盖印签]\s*章\s*[)）]|(?<![\w])(?:单位)?(?:公章|盖章)(?![\w])")
SIGNATURE = re.compile(r"(?:负责人|领导)?\s*签\s*[字名]\s*[:：]?")
LEADER = re.compile(r"组\s*长\s*[:：]?")
HANDLER = re.compile(r"经\s*办\s*人\s*[:：]?")
DIVISION = re.compile(r"处\s*室\s*[:：]?")
YEAR = re.compile(rf"[(（]\s*([{DIGIT}]{{4}}|[{CHINESE_DIGIT}]{{4}})\s*年(?:度)?\s*[)）]")
ZERO_LOOKALIKES = str.maketrans({"○": "〇", "Ｏ": "〇", "O": "〇", "o": "〇"})
YEAR_DIGITS = str.maketrans(dict(zip("〇○零一二三四五六七八九", "000123456789", strict=True)))


NAME_LIKE = re.compile(r"^[\u3400-\u9fff][\u3400-\u9fff·\s\u3000]{1,6}$")
NUMBER_LIKE = re.compile(r"^[0-9A-Za-z０-９Ａ-Ｚａ-ｚ][0-9A-Za-z０-９Ａ-Ｚａ-ｚ\-－—_/.．]{0,39}$")


def _spaced_label(label: str) -> re.Pattern[str]:
    """A cover label with any spaces between its characters, then a colon, spaces or underscores."""
    letters = r"\s*".join(re.escape(ch) for ch in label)
    return re.compile(rf"^\s*{letters}\s*(?:[:：]|(?=[\s_])|$)\s*(.*)$", re.DOTALL)


COVER_PATTERNS = [(_spaced_label(label), name) for label, name in COVER_LABELS.items()]


def _join_line(lines: list[str]) -> str | None:
    """A one-line value from a cell's lines: each stripped, joined without a space where a
    Chinese character meets the break; blanks written as underscores or "/" or "无" are None."""
    parts = [line.strip(" \t\u3000\xa0_") for line in lines]
    parts = [part for part in parts if part]
    if not parts:
        return None
    text = parts[0]
    for part in parts[1:]:
        glue = "" if CJK.match(text[-1]) or CJK.match(part[0]) else " "
        text += glue + part
    text = text.strip()
    if _placeholder(text):
        return None
    return text


def _placeholder(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().casefold() in PLACEHOLDERS or not text.strip("_ ")


def _person_name(text: str | None) -> str | None:
    """Names padded for alignment ("张　三") lose the spaces between Chinese characters."""
    if text is None:
        return None
    return re.sub(r"(?<=[\u3400-\u9fff])[\s\u3000]+(?=[\u3400-\u9fff])", "", text)


def _strip_guidance(text: str) -> str:
    def drop(match: re.Match[str]) -> str:
        inner = _loose(match.group(1))
        if any(
            inner == g or (len(inner) >= 6 and (g.startswith(inner) or inner.startswith(g))) for g in GUIDANCE
        ):
            return ""
        return match.group(0)

    return GUIDANCE_IN_BRACKETS.sub(drop, text)


def _long_text(lines: list[str]) -> str | None:
    """A long text from a cell's paragraphs: joined by line breaks, the template's guidance
    in brackets removed, blank lines kept between paragraphs but not around them."""
    kept = []
    for line in lines:
        cleaned = _strip_guidance(line)
        if cleaned != line and not cleaned.strip():
            continue  # the guidance was the whole paragraph
        if _loose(cleaned) in GUIDANCE:
            continue  # the guidance without its brackets
        kept.append(cleaned.rstrip() if cleaned != line else cleaned)
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept) if kept else None


ATTACHED_PAGES = _key("附页")
NUMBERED_LINE = re.compile(r"^\s*[0-9０-９]{1,3}\s*[.．、)）]\s*\S")


def _without_attached_pages(lines: list[str]) -> list[str]:
    """The lines before a closing list of attached pages ("附页：" then "1. 调研报告.pdf" …),
    which names the files attached to this part rather than being its text."""
    for index in range(len(lines) - 1, -1, -1):
        if _key(lines[index]) == ATTACHED_PAGES:
            rest = [line for line in lines[index + 1 :] if line.strip()]
            if rest and all(NUMBERED_LINE.match(line) for line in rest):
                return lines[:index]
            break
    return lines


def _date_text(text: str) -> str:
    return text.translate(ZERO_LOOKALIKES) if re.search(f"[{CHINESE_DIGIT}]", text) else text


def _signed_block(lines: list[str], markers: dict[str, re.Pattern[str]]) -> dict[str, str | None]:
    """Text, named parts and date of a signed cell such as "同意推荐。（公章） 签字：张三
    2021年9月6日": the text is what comes before the first marker (or the seal); each named
    part runs from its marker to the next marker, date or line break; the date is the last
    date after the first marker (a blank 年 月 日 is no date)."""
    text = "\n".join(lines)
    found: list[tuple[int, int, str]] = []
    for name, pattern in markers.items():
        matches = list(pattern.finditer(text))
        if matches:  # the last one: the template's marker comes after the opinion's text
            found.append((matches[-1].start(), matches[-1].end(), name))
    seals = [(m.start(), m.end(), "") for m in SEAL.finditer(text)]
    starts = [start for start, _end, _name in found + seals]
    cut = min(starts) if starts else None
    if cut is None:
        # No markers: a date alone on the last line is the date, the rest is the opinion.
        body = list(lines)
        while body and not body[-1].strip():
            body.pop()
        date = None
        result: dict[str, str | None] = dict.fromkeys(markers)
        if body and (match := DATE_IN_TEXT.fullmatch(body[-1].strip())):
            date = _date_text(match.group(0))
            body.pop()
            # A name alone on the line above the date is the signature.
            if "signer" in markers and len(body) > 1 and NAME_LIKE.match(body[-1].strip()):
                result["signer"] = _person_name(body.pop().strip())
        return {"text": _long_text(body), **result, "date": date}
    dates = [m for m in DATE_IN_TEXT.finditer(text) if m.start() >= cut]
    blanks = [
        (m.start(), m.end(), "")
        for m in BLANK_DATE.finditer(text)
        if not any(d.start() <= m.start() < d.end() for d in dates)
    ]
    boundaries = sorted([*found, *seals, *blanks, *((d.start(), d.end(), "") for d in dates)])
    result = {}
    for _start, end, name in found:
        following = [b_start for b_start, _b_end, _b in boundaries if b_start >= end]
        stop = min(following) if following else len(text)
        value = text[end:stop]
        candidates = [line.strip(" \t\u3000_:：") for line in value.split("\n")]
        result[name] = _person_name(next((line for line in candidates if line), None))
    if "signer" in markers and "signer" not in result:
        # No 签字 label: a name alone on a line after the seal is the signature.
        tail = DATE_IN_TEXT.sub("", BLANK_DATE.sub("", SEAL.sub("", text[cut:])))
        names = [line.strip() for line in tail.split("\n") if NAME_LIKE.match(line.strip())]
        result["signer"] = _person_name(names[0]) if names else None
    before = text[:cut]
    before = SEAL.sub("", before)
    return {
        "text": _long_text(before.split("\n")),
        **{name: result.get(name) for name in markers},
        "date": _date_text(dates[-1].group(0)) if dates else None,
    }


INLINE_LABEL = re.compile(r"^([^:：\n]{1,12})[:：](.*)$", re.DOTALL)


def _label_in(cell: Cell, key: str, labels: dict[str, str]) -> tuple[str | None, list[str] | None]:
    """The label a cell holds (by its key), and the lines written after it in the same cell,
    if any: "代表人：张三", or the label on the first line and the value below it."""
    if key in labels:
        return labels[key], None
    lines = cell.lines
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None, None
    if _key(lines[first]) in labels and any(line.strip() for line in lines[first + 1 :]):
        return labels[_key(lines[first])], lines[first + 1 :]
    match = INLINE_LABEL.match(cell.text)
    if match and _key(match.group(1)) in labels:
        return labels[_key(match.group(1))], match.group(2).split("\n")
    return None, None


def _section_of_heading(key: str) -> str | None:
    if not key or key[0] not in SECTIONS:
        return None
    section, titles = SECTIONS[key[0]]
    rest = key[1:]
    if any(rest.startswith(_key(title)) and len(rest) <= len(_key(title)) + 4 for title in titles):
        return section
    return None


@dataclass
class _State:
    section: str = "cover"
    group: str = "implementing"
    person: str = ""
    gi_columns: list[tuple[int, int, str]] = field(default_factory=list)
    cover_pending: str = ""
    long_field: str = ""
    labels_seen: int = 0


class _Reader:
    """Reads the blocks into the schema's raw shape, one section at a time."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.data = schema.empty_data()
        self.data["geographical_indications"] = []
        self.data["number"] = None
        self.data["year"] = None
        self.problems: list[Problem] = []
        self.state = _State()
        self.used_cells: set[int] = set()
        self.support: list[str] = []
        self.cover_unit: str | None = None
        self.long_parts: dict[str, list[str]] = {}

    # -- writing values

    def _set(self, path: str, value: str | None) -> None:
        if value is None or value == "":
            return
        parts = path.split(".")
        node: Any = self.data
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        current = node.get(parts[-1])
        if current in (None, ""):
            node[parts[-1]] = value
        elif current != value:
            self.problems.append(
                Problem(
                    path,
                    _(
                        "This field is filled in twice in the file with different values; the first one was taken."
                    ),
                )
            )

    # -- the walk

    def read(self) -> dict[str, Any]:
        for block in self.blocks:
            filled = [cell for cell in block.cells if cell.text.strip()]
            if not filled:
                continue  # a blank paragraph or an extra blank row
            if len(filled) == 1:
                key = _key(filled[0].text)
                if key.startswith(NOTES):
                    break  # 填写说明: the notes that follow the form
                if section := _section_of_heading(key):
                    self._enter(section)
                    continue
            # Empty cells stay: an empty value cell keeps its label apart from the next label.
            first = block.cells.index(filled[0])
            cells = block.cells[first:]
            keys = [_key(cell.text) for cell in cells]
            section = self._section_of_row(cells, keys, block.in_table)
            if section != self.state.section:
                self._enter(section)
            getattr(self, f"_{section}")(cells, keys, block.in_table)
        return self._finish()

    def _enter(self, section: str) -> None:
        self.state.section = section
        self.state.person = ""
        self.state.cover_pending = ""
        self.state.long_field = ""
        if section == "basic":
            self.state.group = "implementing"

    def _section_of_row(self, cells: list[Cell], keys: list[str], in_table: bool) -> str:
        current = self.state.section
        if sum(key in GI_HEADERS for key in keys) >= 3:
            return "gis"
        if any(_label_in(cell, key, LONG_TEXT_LABELS)[0] for cell, key in zip(cells, keys, strict=True)):
            return "about"
        if any(key in SUPPORT_LABELS for key in keys):
            return "support"
        if any(key in APPROVAL_LABELS for key in keys):
            return "approval"
        if in_table and any(key in BASIC for key in keys) and current not in ("gis", "support"):
            return "basic"
        if in_table and keys[0] in OPINION_LABELS and len(cells) >= 2:
            rest = "\n".join(cell.text for cell in cells[1:])
            if (
                current == "opinions"
                or SEAL.search(rest)
                or SIGNATURE.search(rest)
                or BLANK_DATE.search(rest)
            ):
                return "opinions"
        return current

    # -- the cover

    def _cover(self, cells: list[Cell], keys: list[str], in_table: bool) -> None:
        for index, cell in enumerate(cells):
            if id(cell) in self.used_cells or not cell.text.strip():
                continue
            text = cell.text
            if self.data["year"] is None and (match := YEAR.search(text)):
                year = unicodedata.normalize("NFKC", match.group(1)).translate(YEAR_DIGITS)
                if year.isdigit():
                    self.data["year"] = int(year)
                continue
            for pattern, name in COVER_PATTERNS:
                match = pattern.match(text)
                if not match:
                    continue
                self.state.labels_seen += 1
                value = _join_line(match.group(1).split("\n"))
                if value is None and index + 1 < len(cells):
                    value = _join_line(cells[index + 1].lines)
                    self.used_cells.add(id(cells[index + 1]))
                if value is None:
                    self.state.cover_pending = name  # on the next line, or in a box after it
                else:
                    self._set_cover(name, value)
                    self.state.cover_pending = ""
                break
            else:
                pending, self.state.cover_pending = self.state.cover_pending, ""
                if pending and len(cells) == 1:
                    value = _join_line(cell.lines)
                    if pending != "number" or (value is not None and NUMBER_LIKE.match(value)):
                        self._set_cover(pending, value)

    def _set_cover(self, name: str, value: str | None) -> None:
        if name == "project_name":
            self._set("project_name", value)
        elif name == "unit":
            self.cover_unit = value
        elif name == "recommending":
            self._set("recommending_unit.name", value)
        elif name == "number":
            self._set("number", value)

    # -- 一、基本信息

    def _pairs(self, cells: list[Cell], keys: list[str]) -> list[tuple[str, str | None]]:
        """(label, value) of a row of label/value cells; a label's value is the next cell unless
        that is a label too (a cell at the end of the row is always a value)."""
        pairs: list[tuple[str, str | None]] = []
        index = 0
        while index < len(cells):
            key = keys[index]
            if key in GROUPS:
                self.state.group = GROUPS[key]
                index += 1
                continue
            label, inline = _label_in(cells[index], key, BASIC)
            if label is None:
                index += 1
                continue
            self.state.labels_seen += 1
            if inline is not None:
                pairs.append((label, _join_line(inline)))
                index += 1
                continue
            following = index + 1
            if following < len(cells) and (
                following == len(cells) - 1
                or (keys[following] not in BASIC and keys[following] not in GROUPS)
            ):
                pairs.append((label, _join_line(cells[following].lines)))
                index += 2
            else:
                pairs.append((label, None))
                index += 1
        return pairs

    def _basic(self, cells: list[Cell], keys: list[str], in_table: bool) -> None:
        if not in_table:
            return
        state = self.state
        pairs = self._pairs(cells, keys)
        if not pairs:
            return
        lead = pairs[0][0]
        if lead in ("division_head", "work_contact"):
            state.group = "recommending"
        if lead in PEOPLE or lead in ("unit_name", "phone", "address"):
            state.person = lead
        for label, value in pairs:
            path = self._basic_path(label, lead)
            if path is None:
                continue
            if path.endswith(".name") and path != "implementing_unit.name":
                value = _person_name(value)
            self._set(path, value)

    def _basic_path(self, label: str, lead: str) -> str | None:
        state = self.state
        recommending = state.group == "recommending"
        person = state.person
        if recommending:
            if label in ("division_head", "responsible"):
                state.person = person = "division_head"
                return "recommending_unit.division_head.name"
            if label in ("work_contact", "contact"):
                state.person = person = "work_contact"
                return "recommending_unit.contact.name"
            if label == "mobile" and person in ("division_head", "work_contact"):
                owner = "division_head" if person == "division_head" else "contact"
                return f"recommending_unit.{owner}.mobile"
            if label == "unit_name":
                return "recommending_unit.name"
            return None
        unit = "implementing_unit"
        simple = {
            "unit_name": f"{unit}.name",
            "representative": f"{unit}.representative.name",
            "phone": f"{unit}.phone",
            "responsible": f"{unit}.responsible.name",
            "contact": f"{unit}.contact.name",
            "address": f"{unit}.address",
            "email": f"{unit}.email",
            "division_head": "recommending_unit.division_head.name",
            "work_contact": "recommending_unit.contact.name",
        }
        if label in simple:
            return simple[label]
        if label == "title":
            return {
                "representative": f"{unit}.representative.title",
                "responsible": f"{unit}.responsible.title",
            }.get(person)
        if label == "mobile":
            return {
                "responsible": f"{unit}.responsible.mobile",
                "contact": f"{unit}.contact.mobile",
                "division_head": "recommending_unit.division_head.mobile",
                "work_contact": "recommending_unit.contact.mobile",
            }.get(person)
        if label == "landline":
            return {"responsible": f"{unit}.responsible.landline", "contact": f"{unit}.contact.landline"}.get(
                person
            )
        if label == "fax":
            # 传真号码 after 联系电话 is the unit's; on the row of 固定电话 below 联系人, the contact's.
            return f"{unit}.contact.fax" if person == "contact" and lead == "landline" else f"{unit}.fax"
        return None

    # -- 二、地理标志

    def _gis(self, cells: list[Cell], keys: list[str], in_table: bool) -> None:
        if not in_table:
            return
        if sum(key in GI_HEADERS for key in keys) >= 3:
            self.state.labels_seen += 1
            self.state.gi_columns = [
                (cell.grid, cell.grid + cell.span, GI_HEADERS[key])
                for cell, key in zip(cells, keys, strict=True)
                if key in GI_HEADERS
            ]
            return
        columns = self.state.gi_columns or [
            (index, index + 1, name)
            for index, name in enumerate(("name", "rights_holder", "authority", "date", "production_area"))
        ]
        values: dict[str, Cell] = {}
        for cell in cells:
            for start, end, name in columns:
                if start <= cell.grid < end or cell.grid <= start < cell.grid + cell.span:
                    values.setdefault(name, cell)
                    break
        if not values:
            return
        self._gi_row(values)

    def _gi_row(self, values: dict[str, Cell]) -> None:
        def fresh(name: str) -> Cell | None:
            cell = values.get(name)
            return None if cell is None or id(cell) in self.used_cells else cell

        name_cell = values.get("name")
        continued = name_cell is not None and id(name_cell) in self.used_cells
        name = _join_line(name_cell.lines) if name_cell is not None and not continued else None
        holder_cell, area_cell = fresh("rights_holder"), fresh("production_area")
        holder = _join_line(holder_cell.lines) if holder_cell else None
        area = _long_text(area_cell.lines) if area_cell else None
        authority_cell, date_cell = fresh("authority"), fresh("date")
        authorities = (
            [line.strip() for line in authority_cell.lines if line.strip()] if authority_cell else []
        )
        dates = [line.strip() for line in date_cell.lines if line.strip()] if date_cell else []
        for cell in values.values():
            self.used_cells.add(id(cell))
        if name is None and holder is None and area is None and not authorities and not dates:
            return
        gis = self.data["geographical_indications"]
        index = None
        if name is None and gis:
            index = len(gis) - 1
        elif name is not None:
            index = next((i for i, gi in enumerate(gis) if _key(gi["name"] or "") == _key(name)), None)
        if index is None:
            gis.append({"name": name or "", "rights_holder": None, "approvals": [], "production_area": None})
            index = len(gis) - 1
        gi = gis[index]
        for key, value in (("rights_holder", holder), ("production_area", area)):
            if value is None:
                continue
            if gi[key] is None:
                gi[key] = value
            elif gi[key] != value:
                self.problems.append(
                    Problem(
                        f"geographical_indications.{index}.{key}",
                        _(
                            "The rows of this geographical indication give different values here; "
                            "the first row's was taken."
                        ),
                    )
                )
        for position in range(max(len(authorities), len(dates))):
            gi["approvals"].append(
                {
                    "authority": authorities[position] if position < len(authorities) else None,
                    "date": _date_text(dates[position]) if position < len(dates) else None,
                }
            )

    # -- 三、项目有关情况

    def _about(self, cells: list[Cell], keys: list[str], in_table: bool) -> None:
        index = 0
        found = False
        while index < len(cells):
            label, inline = _label_in(cells[index], keys[index], LONG_TEXT_LABELS)
            if label is None:
                index += 1
                continue
            found = True
            self.state.labels_seen += 1
            # Only a label in a paragraph of its own heads the paragraphs below it.
            self.state.long_field = "" if in_table else label
            if inline is not None:
                self._add_long(label, cells[index], inline)
                index += 1
            elif index + 1 < len(cells) and keys[index + 1] not in LONG_TEXT_LABELS:
                self._add_long(label, cells[index + 1], cells[index + 1].lines)
                index += 2
            else:
                index += 1
        if not found and not in_table and self.state.long_field:
            self._add_long(self.state.long_field, cells[0], cells[0].lines)

    def _add_long(self, name: str, cell: Cell, lines: list[str]) -> None:
        if id(cell) in self.used_cells:
            return
        self.used_cells.add(id(cell))
        self.long_parts.setdefault(name, []).extend(lines)

    # -- 四、推荐单位指导支持事项

    def _support(self, cells: list[Cell], keys: list[str], in_table: bool) -> None:
        for cell, key in zip(cells, keys, strict=True):
            if key in SUPPORT_LABELS or id(cell) in self.used_cells or not key:
                continue
            self.used_cells.add(id(cell))
            self.support.extend(cell.lines)

    # -- 五、实施和推荐单位意见

    def _opinions(self, cells: list[Cell], keys: list[str], in_table: bool) -> None:
        if not in_table or keys[0] not in OPINION_LABELS or len(cells) < 2:
            return
        self.state.labels_seen += 1
        name = OPINION_LABELS[keys[0]]
        signed = _signed_block(cells[1].lines, {"signer": SIGNATURE})
        for part in ("text", "signer", "date"):
            self._set(f"{name}.{part}", signed[part])

    # -- 六、批准情况

    def _approval(self, cells: list[Cell], keys: list[str], in_table: bool) -> None:
        if not in_table:
            return
        for index, key in enumerate(keys[:-1]):
            name = APPROVAL_LABELS.get(key)
            if name is None:
                continue
            self.state.labels_seen += 1
            if self.data["approval"] is None:
                self.data["approval"] = {
                    "expert_group": {"opinion": None, "leader": None, "date": None},
                    "department": {"opinion": None, "handler": None, "division": None, "date": None},
                }
            markers = (
                {"leader": LEADER} if name == "expert_group" else {"handler": HANDLER, "division": DIVISION}
            )
            signed = _signed_block(cells[index + 1].lines, markers)
            target = self.data["approval"][name]
            target["opinion"] = target["opinion"] or signed["text"]
            for part in (*markers, "date"):
                target[part] = target[part] or signed[part]

    # -- the result

    def _finish(self) -> dict[str, Any]:
        data = self.data
        for name, lines in self.long_parts.items():
            data[name] = _long_text(_without_attached_pages(lines)) or ""
        data["recommender_support"] = _long_text(self.support)
        if not data["implementing_unit"]["name"] and self.cover_unit:
            data["implementing_unit"]["name"] = self.cover_unit
        if not data["geographical_indications"]:
            data["geographical_indications"] = [schema.empty_gi()]
        for gi in data["geographical_indications"]:
            if not gi["approvals"]:
                gi["approvals"] = [schema.empty_approval()]
        approval = data["approval"]
        if approval is not None and not any(
            value for part in approval.values() for value in part.values() if value is not None
        ):
            data["approval"] = None
        return data


def _field_order(data: dict[str, Any]) -> dict[str, int]:
    paths: list[str] = []

    def walk(value: Any, prefix: str) -> None:
        paths.append(prefix)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{prefix}.{key}" if prefix else key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{prefix}.{index}")

    walk(data, "")
    return {path: index for index, path in enumerate(paths)}


def read_docx(data: bytes) -> tuple[dict[str, Any], list[Problem]]:
    """The recommendation that a filled Attachment 1 holds, and every problem with it.

    The recommendation has every key of the schema, normalised (phones, e-mail, dates) where
    the values can be read and kept as written where they cannot. The problems list what
    is missing for submission, what is invalid and what the file gives twice, by dotted
    path, in the order of the form. Raises DocxRefused when the file is not a safe Word
    document, or is one but not Attachment 1.
    """
    root = _parse_xml(_open_package(data))
    blocks = _Body(root).read()
    reader = _Reader(blocks)
    raw = reader.read()
    if reader.state.labels_seen == 0:
        raise DocxRefused(
            _(
                "This Word file does not look like Attachment 1: none of the form's labels (项目名称, "
                "单位名称, 名称, 项目介绍 …) were found. Fill in the official form and upload it."
            )
        )
    year = raw.pop("year")
    content = schema.normalise(raw)
    content["year"] = year
    problems = _unique(reader.problems + schema.validate(content, for_submission=True))
    order = _field_order(content)
    problems.sort(key=lambda problem: order.get(problem.field, len(order)))
    return {"number": content.pop("number", None), "year": content.pop("year"), **content}, problems


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    result = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            result.append(problem)
    return result


# --- creating a draft from a Word file ------------------------------------------------------------

# Parts of the form that the implementing unit does not write: a draft never takes them from
# a file (services.create_draft keeps them empty); the report says they were left out.
NOT_IMPORTED = ("number", "recommender_support", "recommending_opinion", "approval")


@dataclass(frozen=True)
class DocxImport:
    recommendation: Any
    problems: list[Problem]
    not_imported: list[str]


def not_imported_parts(data: dict[str, Any]) -> list[str]:
    """The keys of NOT_IMPORTED that the file filled in."""
    found = []
    for key in NOT_IMPORTED:
        value = data.get(key)
        if isinstance(value, dict):
            value = any(
                (any(v for v in item.values()) if isinstance(item, dict) else item) for item in value.values()
            )
        if value:
            found.append(key)
    return found


def create_draft_from_docx(*, actor: Any, round: Any, data: bytes, filename: str = "") -> DocxImport:
    """Read a filled Attachment 1 and start a draft of the actor's unit in `round` with it.

    Reads the file first (DocxRefused: nothing is created), then creates the draft through
    `services.create_draft` (DomainError: who, round, deadline; nothing is created) and, in
    the same transaction, records an audit event `recommendation.imported_from_docx` holding
    the file's SHA-256 and the problems of the new draft, which the report page shows. The
    problems are those of the draft as stored: what the file gives twice, and what is
    missing or invalid for submission.
    """
    content, read_problems = read_docx(data)
    with transaction.atomic():
        rec = services.create_draft(actor=actor, round=round, data=content)
        stored = schema.validate(rec.data, for_submission=True)
        kept = [problem for problem in read_problems if problem.field.split(".")[0] not in NOT_IMPORTED]
        problems = _unique(kept + stored)
        order = _field_order(rec.data)
        problems.sort(key=lambda problem: order.get(problem.field, len(order)))
        left_out = not_imported_parts(content)
        audit.record(
            actor,
            IMPORT_VERB,
            rec,
            filename=services.sanitise_filename(filename) if filename else "",
            sha256=hashlib.sha256(data).hexdigest(),
            problems=[{"field": problem.field, "message": problem.message} for problem in problems],
            not_imported=left_out,
        )
    return DocxImport(recommendation=rec, problems=problems, not_imported=left_out)


IMPORT_VERB = "recommendation.imported_from_docx"


def last_import(rec: Any) -> AuditEvent | None:
    """The audit event of the Word import that made `rec`, if it was made of a Word file."""
    return (
        AuditEvent.objects.filter(verb=IMPORT_VERB, object_type=rec._meta.label_lower, object_id=str(rec.pk))
        .order_by("-at", "-pk")
        .first()
    )
