"""Attachment 1 as a Word document (.docx), written directly as WordprocessingML.

The package's fixed parts (styles, settings, font table, relationships) are built once per
process; each document only writes its body, its two footers and, for a frozen version, the
QR code. That takes a few milliseconds where assembling the same tables through python-docx's
object model takes tens (bench/documents.py measures it); python-docx reads the result back
in the tests.

Layout: A4, margins of GB/T 9704-2012 (37 mm top, 28 mm left, 35 mm bottom, 26 mm right);
the cover (附件 1, the 编号 box, the two-line title, the year, 项目名称 / 实施单位 / 推荐单位 on
underlines), then the tables of 一 to 六 with the paper form's rows, merged cells and labels,
then 填写说明. Chinese fonts are named in the East Asian slot (`w:eastAsia`): 仿宋_GB2312 for
the body, 黑体 for section heads, 方正小标宋简体 for the title, 楷体_GB2312 for the form's
guidance in brackets; Word files carry no fonts, and these are on every government PC.
Page numbers (a PAGE field) are in the footer, the cover's excepted; a frozen version's
footer carries its 编号, version, fingerprint and QR code on every page.
"""

import datetime as dt
import io
import zipfile
from functools import cache

from dibiao.documents import content as form
from dibiao.documents import qr
from dibiao.documents.base import DOCX, FormExporter, Rendered
from dibiao.documents.content import FormContent

# Fonts: (Latin, East Asian). Latin text and digits in Times New Roman, as Chinese official
# documents print them.
LATIN = "Times New Roman"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
KAITI = "楷体_GB2312"
SONG = "宋体"
# What a PC without the named font may use instead (the font table's altName).
ALT_NAMES = {FANGSONG: "仿宋", XIAOBIAOSONG: "宋体", KAITI: "楷体", HEITI: "SimHei", SONG: "SimSun"}


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def emu(mm: float) -> int:
    return round(mm * 36000)


PAGE_WIDTH, PAGE_HEIGHT = twips(210), twips(297)
MARGIN_TOP, MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_RIGHT = twips(37), twips(28), twips(35), twips(26)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
QR_SIZE = emu(16)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
NAMESPACES = f'xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:pic="{PIC}"'
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# --- text ----------------------------------------------------------------------------------------


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def run(text: str, *, underline: bool = False, bold: bool = False) -> str:
    """One run of text; tabs become tab characters. `text` is already clean (sanitise)."""
    props = ("<w:b/>" if bold else "") + ('<w:u w:val="single"/>' if underline else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    if "\t" not in text:
        return f'<w:r>{rpr}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'
    pieces = "<w:tab/>".join(f'<w:t xml:space="preserve">{esc(piece)}</w:t>' for piece in text.split("\t"))
    return f"<w:r>{rpr}{pieces}</w:r>"


def para(content: str = "", style: str = "", *, jc: str = "", extra: str = "") -> str:
    """A paragraph. `extra` holds further paragraph properties, in the schema's order after
    the style (keepNext, pageBreakBefore, tabs, spacing, ind), `jc` its alignment."""
    props = (
        (f'<w:pStyle w:val="{style}"/>' if style else "") + extra + (f'<w:jc w:val="{jc}"/>' if jc else "")
    )
    ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
    return f"<w:p>{ppr}{content}</w:p>"


def text_para(text: str, style: str = "", *, jc: str = "", extra: str = "") -> str:
    """A paragraph of one line of text (line breaks inside become manual breaks)."""
    runs = "<w:r><w:br/></w:r>".join(run(line) for line in text.split("\n")) if text else ""
    return para(runs, style, jc=jc, extra=extra)


# --- tables --------------------------------------------------------------------------------------


def cell(
    body: str,
    width: int,
    *,
    span: int = 1,
    vmerge: str | None = None,
    valign: str = "center",
    borders: str = "",
) -> str:
    """A table cell. `body` is its paragraphs (a cell must hold at least one); `vmerge` is
    "restart" for the first cell of a vertically merged run and "continue" for the others."""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    props += borders
    props += f'<w:vAlign w:val="{valign}"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body or para()}</w:tc>"


def row(cells: str, *, min_height_mm: float = 0, header: bool = False, cant_split: bool = False) -> str:
    props = ""
    if cant_split:
        props += "<w:cantSplit/>"
    if min_height_mm:
        props += f'<w:trHeight w:val="{twips(min_height_mm)}" w:hRule="atLeast"/>'
    if header:
        props += "<w:tblHeader/>"
    trpr = f"<w:trPr>{props}</w:trPr>" if props else ""
    return f"<w:tr>{trpr}{cells}</w:tr>"


LINE = 'w:val="single" w:sz="6" w:space="0" w:color="000000"'
GRID_BORDERS = (
    f"<w:tblBorders><w:top {LINE}/><w:left {LINE}/><w:bottom {LINE}/><w:right {LINE}/>"
    f"<w:insideH {LINE}/><w:insideV {LINE}/></w:tblBorders>"
)
NO_BORDERS = (
    '<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/>'
    '<w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>'
)


def table(widths: list[int], rows: str, *, borders: str = GRID_BORDERS, jc: str = "center") -> str:
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    return (
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="{jc}"/>{borders}'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
    )


def label_cell(text: str, width: int, **kwargs: object) -> str:
    """A label cell; a label of the form written over two lines ("实施\\n单位") keeps its lines."""
    return cell("".join(text_para(line, "DibiaoLabel") for line in text.split("\n")), width, **kwargs)  # type: ignore[arg-type]


def value_cell(text: str, width: int, **kwargs: object) -> str:
    return cell(text_para(text, "DibiaoCell"), width, **kwargs)  # type: ignore[arg-type]


def paragraphs_of(lines: list[str], style: str = "DibiaoText") -> str:
    return "".join(text_para(line, style) for line in lines)


def heading(text: str, *, page_break: bool = False) -> str:
    return para(run(text), "Heading1", extra="<w:pageBreakBefore/>" if page_break else "")


# --- the parts of the form -----------------------------------------------------------------------


def _cover(content: FormContent) -> str:
    parts = [para(run(form.ATTACHMENT_MARK), "DibiaoMark")]
    number_box = row(
        label_cell(form.NUMBER_LABEL, twips(18)) + value_cell(content.number, twips(42)), min_height_mm=10
    )
    parts.append(table([twips(18), twips(42)], number_box, jc="right"))
    parts.append(para("", "DibiaoCover", extra=f'<w:spacing w:before="{twips(45)}" w:after="0"/>'))
    parts += [para(run(line), "DibiaoTitle") for line in form.TITLE_LINES]
    parts.append(para(run(content.year_line), "DibiaoYear"))
    parts.append(para("", "DibiaoCover", extra=f'<w:spacing w:before="{twips(50)}" w:after="0"/>'))
    for label, value in content.cover_values:
        # The value on an underline that runs to the right tab stop, as on the paper form.
        parts.append(
            para(run(label) + run(value, underline=True) + run("\t", underline=True), "DibiaoCoverLine")
        )
    return "".join(parts)


BASIC_WIDTHS = [twips(16), twips(26), twips(44), twips(22), twips(48)]


def _basic(content: FormContent) -> str:
    w0, w1, w2, w3, w4 = BASIC_WIDTHS
    rows = []
    for basic in content.basic_rows:
        group = (
            label_cell(f"{basic.group[:2]}\n{basic.group[2:]}", w0, vmerge="restart")
            if basic.group_size
            else cell("", w0, vmerge="continue")
        )
        if basic.spans:
            cells = label_cell(basic.label, w1) + value_cell(basic.value, w2 + w3 + w4, span=3)
        else:
            cells = (
                label_cell(basic.label, w1)
                + value_cell(basic.value, w2)
                + label_cell(basic.label2, w3)
                + value_cell(basic.value2, w4)
            )
        rows.append(row(group + cells, min_height_mm=10, cant_split=True))
    return heading(form.SECTION_HEADINGS["basic"], page_break=True) + table(BASIC_WIDTHS, "".join(rows))


GI_WIDTHS = [twips(24), twips(28), twips(32), twips(36), twips(36)]


def _gis(content: FormContent) -> str:
    header = row(
        "".join(label_cell(text, width) for text, width in zip(form.GI_HEADERS, GI_WIDTHS, strict=True)),
        min_height_mm=10,
        header=True,
        cant_split=True,
    )
    rows = [header]
    for gi in content.gis or [form.GI("", "", [], "")]:
        approvals = gi.approvals or [form.Approval("", "")]
        rows.append(
            row(
                value_cell(gi.name, GI_WIDTHS[0])
                + value_cell(gi.rights_holder, GI_WIDTHS[1])
                + cell("".join(text_para(a.authority, "DibiaoCell") for a in approvals), GI_WIDTHS[2])
                + cell("".join(text_para(a.date, "DibiaoCell") for a in approvals), GI_WIDTHS[3])
                + value_cell(gi.production_area, GI_WIDTHS[4]),
                min_height_mm=12,
            )
        )
    return heading(form.SECTION_HEADINGS["gis"]) + table(GI_WIDTHS, "".join(rows))


def attachment_list(names: list[str]) -> str:
    if not names:
        return ""
    lines = [form.ATTACHED_PAGES] + [f"{index}. {name}" for index, name in enumerate(names, start=1)]
    return paragraphs_of(lines, "DibiaoAttached")


LONG_WIDTHS = [twips(16), twips(140)]


def _long_texts(content: FormContent) -> str:
    rows = []
    for text in content.long_texts:
        body = text_para(text.guidance, "DibiaoGuidance") + paragraphs_of(text.paragraphs)
        body += attachment_list(text.attachments)
        first, second = text.label_lines
        rows.append(
            row(
                label_cell(f"{first}\n{second}", LONG_WIDTHS[0]) + cell(body, LONG_WIDTHS[1], valign="top"),
                min_height_mm=45,
            )
        )
    return heading(form.SECTION_HEADINGS["long"]) + table(LONG_WIDTHS, "".join(rows))


def _support(content: FormContent) -> str:
    body = text_para(form.SUPPORT_GUIDANCE, "DibiaoGuidance") + paragraphs_of(content.support_paragraphs)
    return heading(form.SECTION_HEADINGS["support"]) + table(
        [TEXT_WIDTH], row(cell(body, TEXT_WIDTH, valign="top"), min_height_mm=35)
    )


SIGNED_WIDTHS = [twips(30), twips(126)]


def _signature_lines(lines: list[str]) -> str:
    first, *rest = lines
    out = text_para(first, "DibiaoSign", extra=f'<w:spacing w:before="{twips(6)}" w:after="0"/>')
    return out + "".join(text_para(line, "DibiaoSign") for line in rest)


def _opinions(content: FormContent) -> str:
    rows = []
    for opinion in content.opinions:
        body = paragraphs_of(opinion.paragraphs)
        body += _signature_lines([form.SEAL, f"签字：{opinion.signer}", opinion.date_line])
        rows.append(
            row(
                label_cell(opinion.label, SIGNED_WIDTHS[0]) + cell(body, SIGNED_WIDTHS[1], valign="bottom"),
                min_height_mm=45,
            )
        )
    return heading(form.SECTION_HEADINGS["opinions"]) + table(SIGNED_WIDTHS, "".join(rows))


def _approval(content: FormContent) -> str:
    approval = content.approval
    expert = paragraphs_of(approval.expert_paragraphs) + _signature_lines(
        [f"组长：{approval.leader}", approval.expert_date_line]
    )
    department = paragraphs_of(approval.department_paragraphs) + _signature_lines(
        [f"经办人：{approval.handler}　　处室：{approval.division}", approval.department_date_line]
    )
    rows = row(
        label_cell("专家组意见", SIGNED_WIDTHS[0]) + cell(expert, SIGNED_WIDTHS[1], valign="bottom"),
        min_height_mm=40,
    ) + row(
        label_cell("部门意见", SIGNED_WIDTHS[0]) + cell(department, SIGNED_WIDTHS[1], valign="bottom"),
        min_height_mm=40,
    )
    return heading(form.SECTION_HEADINGS["approval"]) + table(SIGNED_WIDTHS, rows)


def _instructions() -> str:
    title = para(run(form.INSTRUCTIONS_TITLE), "DibiaoInstructionsTitle")
    return title + "".join(text_para(line, "DibiaoInstruction") for line in form.INSTRUCTIONS)


SECTION = (
    '<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterDefault"/>'
    '<w:footerReference w:type="first" r:id="rIdFooterFirst"/>'
    f'<w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/>'
    f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
    f'w:left="{MARGIN_LEFT}" w:header="851" w:footer="{twips(10)}" w:gutter="0"/>'
    '<w:pgNumType w:start="0"/><w:cols w:space="425"/><w:titlePg/></w:sectPr>'
)


def document_xml(content: FormContent) -> str:
    body = (
        _cover(content)
        + _basic(content)
        + _gis(content)
        + _long_texts(content)
        + _support(content)
        + _opinions(content)
        + _approval(content)
        + _instructions()
    )
    return f"{XML_HEAD}<w:document {NAMESPACES}><w:body>{body}{SECTION}</w:body></w:document>"


# --- footers -------------------------------------------------------------------------------------

PAGE_FIELD = (
    '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
)


def _qr_drawing(payload: str, drawing_id: int) -> str:
    alt = esc(payload)
    return (
        '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{QR_SIZE}" cy="{QR_SIZE}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{drawing_id}" name="QR {drawing_id}" descr="{alt}"/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic><a:graphicData uri="{PIC}"><pic:pic>'
        f'<pic:nvPicPr><pic:cNvPr id="{drawing_id}" name="qr.png" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rIdQr"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{QR_SIZE}" cy="{QR_SIZE}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


FOOTER_WIDTHS = [twips(62), twips(32), twips(62)]


def footer_xml(content: FormContent, *, page_number: bool, drawing_id: int) -> str:
    """A footer: the copy's identity (编号, version, fingerprint) on the left, the page number
    in the middle, the QR code on the right; a draft's footer says it is a draft."""
    info = paragraphs_of(content.footer_parts, "DibiaoFooter")
    number = para(PAGE_FIELD if page_number else "", "DibiaoPageNumber")
    code = (
        para(_qr_drawing(content.payload, drawing_id), "DibiaoFooter", jc="right")
        if content.is_frozen
        else ""
    )
    left, middle, right = FOOTER_WIDTHS
    cells = cell(info, left, valign="bottom") + cell(number, middle, valign="bottom")
    cells += cell(code, right, valign="bottom")
    body = table(FOOTER_WIDTHS, row(cells), borders=NO_BORDERS)
    # Word wants a paragraph after a table at the end of a story; keep it tiny.
    return f"{XML_HEAD}<w:ftr {NAMESPACES}>{body}{para('', 'DibiaoFooterEnd')}</w:ftr>"


# --- the fixed parts of the package --------------------------------------------------------------


def _fonts(east_asian: str) -> str:
    return (
        f'<w:rFonts w:ascii="{LATIN}" w:eastAsia="{east_asian}" w:hAnsi="{LATIN}" w:cs="{LATIN}" '
        'w:hint="eastAsia"/>'
    )


def _style(
    style_id: str, name: str, *, font: str = FANGSONG, size: float = 14, ppr: str = "", rpr: str = ""
) -> str:
    half_points = round(size * 2)
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        '<w:basedOn w:val="Normal"/><w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr>"
        f'<w:rPr>{_fonts(font)}{rpr}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        "</w:style>"
    )


SINGLE = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
LOOSE = '<w:spacing w:before="0" w:after="0" w:line="360" w:lineRule="auto"/>'
TEXT = '<w:spacing w:before="0" w:after="0" w:line="384" w:lineRule="auto"/>'


@cache
def styles_xml() -> str:
    """Sizes in Chinese points: 二号 22 pt (title), 三号 16 pt (cover, heads, 填写说明), 四号
    14 pt (page numbers), 小四 12 pt (every table cell, long texts included), 小五 9 pt (footer)."""
    cover_tab = f'<w:tabs><w:tab w:val="left" w:pos="{twips(136)}"/></w:tabs>'
    styles = [
        _style("DibiaoMark", "Dibiao 附件标记", font=HEITI, size=16, ppr=SINGLE),
        _style(
            "DibiaoTitle", "Dibiao 标题", font=XIAOBIAOSONG, size=22, ppr=LOOSE + '<w:jc w:val="center"/>'
        ),
        _style(
            "DibiaoYear",
            "Dibiao 年度",
            font=KAITI,
            size=16,
            ppr='<w:spacing w:before="240" w:after="0"/><w:jc w:val="center"/>',
        ),
        _style("DibiaoCover", "Dibiao 封面", size=16, ppr=SINGLE),
        _style(
            "DibiaoCoverLine",
            "Dibiao 封面栏目",
            size=16,
            ppr=f'{cover_tab}<w:spacing w:before="0" w:after="240" w:line="360" w:lineRule="auto"/>'
            f'<w:ind w:left="{twips(10)}" w:hanging="{twips(0)}"/>',
        ),
        _style("DibiaoLabel", "Dibiao 表格栏目", size=12, ppr=SINGLE + '<w:jc w:val="center"/>'),
        _style(
            "DibiaoCell",
            "Dibiao 表格内容",
            size=12,
            # No extra space between Chinese and digits: a date such as 2006年12月31日 keeps to one line.
            ppr='<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>' + SINGLE + '<w:jc w:val="left"/>',
        ),
        _style("DibiaoText", "Dibiao 正文", size=12, ppr=TEXT + '<w:jc w:val="both"/>'),
        _style("DibiaoGuidance", "Dibiao 填写提示", font=KAITI, size=12, ppr=SINGLE),
        _style("DibiaoAttached", "Dibiao 附页", size=12, ppr=SINGLE),
        _style(
            "DibiaoSign",
            "Dibiao 签章",
            size=12,
            ppr=f'{SINGLE}<w:ind w:right="{twips(8)}"/><w:jc w:val="right"/>',
        ),
        _style(
            "DibiaoInstructionsTitle",
            "Dibiao 填写说明标题",
            font=HEITI,
            size=16,
            ppr=(
                '<w:keepNext/><w:pageBreakBefore/><w:spacing w:before="0" w:after="240"/><w:jc w:val="center"/>'
            ),
        ),
        _style(
            "DibiaoInstruction",
            "Dibiao 填写说明",
            size=16,
            ppr=LOOSE + '<w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/>',
        ),
        _style("DibiaoFooter", "Dibiao 页脚", size=9, ppr=SINGLE),
        _style("DibiaoPageNumber", "Dibiao 页码", font=SONG, size=14, ppr=SINGLE + '<w:jc w:val="center"/>'),
        _style("DibiaoFooterEnd", "Dibiao 页脚结束", size=2, ppr=SINGLE),
    ]
    heading_style = (
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
        '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr>'
        f'<w:rPr>{_fonts(HEITI)}<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>'
    )
    return (
        f'{XML_HEAD}<w:styles xmlns:w="{W}">'
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f'{_fonts(FANGSONG)}<w:sz w:val="28"/><w:szCs w:val="28"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f"<w:pPrDefault><w:pPr>{SINGLE}</w:pPr></w:pPrDefault></w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr><w:rPr>{_fonts(FANGSONG)}</w:rPr></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
        f"{heading_style}{''.join(styles)}</w:styles>"
    )


SETTINGS = (
    f'{XML_HEAD}<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/>'
    '<w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>'
)


@cache
def font_table_xml() -> str:
    fonts = []
    for name in (LATIN, FANGSONG, HEITI, XIAOBIAOSONG, KAITI, SONG):
        alt = f'<w:altName w:val="{ALT_NAMES[name]}"/>' if name in ALT_NAMES else ""
        charset = '<w:charset w:val="00"/>' if name == LATIN else '<w:charset w:val="86"/>'
        fonts.append(
            f'<w:font w:name="{name}">{alt}{charset}<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        )
    return f'{XML_HEAD}<w:fonts xmlns:w="{W}">{"".join(fonts)}</w:fonts>'


CONTENT_TYPES = (
    f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/footer1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{OFFICE_RELS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
DOCUMENT_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rIdStyles" Type="{OFFICE_RELS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdSettings" Type="{OFFICE_RELS}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rIdFonts" Type="{OFFICE_RELS}/fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rIdFooterDefault" Type="{OFFICE_RELS}/footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdFooterFirst" Type="{OFFICE_RELS}/footer" Target="footer2.xml"/>'
    "</Relationships>"
)
FOOTER_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rIdQr" Type="{OFFICE_RELS}/image" Target="media/qr.png"/>'
    "</Relationships>"
)
APP = (
    f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Dibiao</Application></Properties>"
)


def core_xml(content: FormContent) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{XML_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{esc(content.title)}</dc:title>"
        f"<dc:subject>{esc('地理标志运用促进工程重点项目推荐书')}</dc:subject>"
        f"<cp:keywords>{esc(content.payload)}</cp:keywords>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _write(archive: zipfile.ZipFile, name: str, data: str | bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data, compresslevel=6)


def docx_bytes(content: FormContent) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _write(archive, "[Content_Types].xml", CONTENT_TYPES)
        _write(archive, "_rels/.rels", PACKAGE_RELS)
        _write(archive, "docProps/core.xml", core_xml(content))
        _write(archive, "docProps/app.xml", APP)
        _write(archive, "word/document.xml", document_xml(content))
        _write(archive, "word/_rels/document.xml.rels", DOCUMENT_RELS)
        _write(archive, "word/styles.xml", styles_xml())
        _write(archive, "word/settings.xml", SETTINGS)
        _write(archive, "word/fontTable.xml", font_table_xml())
        _write(archive, "word/footer1.xml", footer_xml(content, page_number=True, drawing_id=101))
        _write(archive, "word/footer2.xml", footer_xml(content, page_number=False, drawing_id=102))
        if content.is_frozen:
            _write(archive, "word/_rels/footer1.xml.rels", FOOTER_RELS)
            _write(archive, "word/_rels/footer2.xml.rels", FOOTER_RELS)
            _write(archive, "word/media/qr.png", qr.png(content.payload))
    return buffer.getvalue()


class WordExporter(FormExporter):
    identifier = "docx"
    title = "Word"
    extension = "docx"
    content_type = DOCX

    def render(self, *, with_version: bool = False) -> Rendered:
        return Rendered(self.filename(with_version=with_version), self.content_type, docx_bytes(self.content))
