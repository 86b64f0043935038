"""Attachment 1 as Word: read back with python-docx, every value is there, in the paper form's
layout, with the Chinese fonts in the East Asian slot and the copy's identity in the footer."""

import io
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from dibiao.documents import word
from tests.documents.factories import FULL_DATA, full_form, printed_values

pytestmark = pytest.mark.unit


def read(content):
    return Document(io.BytesIO(word.docx_bytes(content)))


def cell_texts(document):
    """Every text of the body: paragraphs and each (unique) cell's paragraphs, in order."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        seen = []  # the cell elements themselves: a merged cell shows in several rows
        for row in table.rows:
            for cell in row.cells:
                if any(tc is cell._tc for tc in seen):
                    continue
                seen.append(cell._tc)
                texts += [p.text for p in cell.paragraphs]
    return texts


def all_text(document):
    return "\n".join(cell_texts(document))


def footer_text(section, which="footer"):
    part = getattr(section, which)
    return "\n".join(cell.text for table in part.tables for row in table.rows for cell in row.cells)


def test_every_value_of_a_full_form_is_in_the_word_file():
    text = all_text(read(full_form()))

    missing = [value for value in printed_values(FULL_DATA) if value not in text]

    assert missing == []


def test_the_cover_has_the_mark_the_number_box_the_title_the_year_and_the_three_lines():
    document = read(full_form())

    paragraphs = [p.text for p in document.paragraphs if p.text]
    number_box = document.tables[0]
    assert paragraphs[:4] == ["附件 1", "地理标志运用促进工程", "重点项目推荐书", "（2021 年）"]
    assert [cell.text for cell in number_box.rows[0].cells] == ["编号", "2021-34-01"]
    assert paragraphs[4:7] == [
        "项目名称：砀山酥梨地理标志运用促进工程\t",
        "实施单位：宿州市市场监督管理局（知识产权局）\t",
        "推荐单位：安徽省知识产权局\t",
    ]
    cover_value = document.paragraphs[[p.text for p in document.paragraphs].index(paragraphs[4])].runs[1]
    assert cover_value.underline is True
    assert document.paragraphs[[p.text for p in document.paragraphs].index(paragraphs[1])].style.name == (
        "Dibiao 标题"
    )


def test_basic_information_has_the_paper_forms_rows_and_merged_cells():
    table = read(full_form()).tables[1]

    rows = [[cell.text for cell in row.cells] for row in table.rows]
    merges = [row._tr.tc_lst[0].tcPr.find(qn("w:vMerge")) for row in table.rows]

    assert len(table.columns) == 5
    assert rows[0] == ["实施\n单位", "单位名称", *["宿州市市场监督管理局（知识产权局）"] * 3]
    assert [row[1] for row in rows] == [
        "单位名称", "代表人", "联系电话", "负责人", "固定电话", "联系人", "固定电话", "通讯地址", "处室负责人", "工作联系人",
    ]  # fmt: skip
    assert [row[3] for row in rows[1:]] == ["职　务", "传真号码", "职　务", "手　机", "手　机", "传真号码", "E-mail", "手　机", "手　机"]  # fmt: skip
    assert rows[1][2] == "王建国"
    assert rows[1][4] == "局长"
    assert rows[8] == ["推荐\n单位", "处室负责人", "陈处长", "手　机", "13955112345"]
    # 实施单位 spans its 8 rows, 推荐单位 its 2: one cell each, merged downwards.
    assert [m.get(qn("w:val")) if m is not None else None for m in merges] == (
        ["restart"] + [None] * 7 + ["restart", None]
    )
    assert all(m is not None for m in merges)
    assert table.rows[0].cells[2]._tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"


def test_several_approvals_of_one_gi_are_lines_in_the_same_cells():
    table = read(full_form()).tables[2]

    rows = [[cell.text for cell in row.cells] for row in table.rows]

    assert rows == [
        ["名称", "权利人", "批准机构", "批准时间", "产地范围"],
        ["砀山酥梨", "砀山县酥梨协会", "原国家质检总局\n商标局", "2006年12月31日\n2008年5月14日", "安徽省砀山县现辖行政区域"],
        ["砀山黄桃", "砀山县黄桃产业协会", "农业农村部", "2015年3月2日", "砀山县良梨镇等十个乡镇"],
    ]  # fmt: skip


def test_long_texts_follow_the_guidance_with_their_paragraphs_and_attached_pages():
    table = read(full_form()).tables[3]

    labels = [row.cells[0].text for row in table.rows]
    achievements = [p.text for p in table.rows[1].cells[1].paragraphs]

    assert labels == ["项目\n介绍", "工作\n成果", "主要\n做法", "保障\n措施"]
    assert achievements == [
        "（围绕用好一件地理标志，打造一个品牌，发展一个产业，造福一方百姓，已经取得的工作成效，以及未来预期取得的成效。可另附页）",
        "　　用好一件地理标志，打造一个品牌。",
        "",
        "　　发展一个产业，造福一方百姓。",
        "附页：",
        "1. 成果附页一.pdf",
        "2. 成果附页二.pdf",
    ]


def test_opinions_and_approval_fill_the_seal_signature_and_date_lines():
    document = read(full_form())
    support, opinions, approval = document.tables[4], document.tables[5], document.tables[6]

    assert [p.text for p in support.rows[0].cells[0].paragraphs] == [
        "（如推荐单位有指导和支持事项，可填写此栏）",
        "省局将在品牌推广方面给予指导。",
    ]
    assert [[p.text for p in row.cells[1].paragraphs] for row in opinions.rows] == [
        ["同意推荐。", "（公章）", "签字：王建国", "2021年9月1日"],
        ["经审核，同意推荐。", "（公章）", "签字：陈处长", "2021年9月2日"],
    ]
    assert [row.cells[0].text for row in approval.rows] == ["专家组意见", "部门意见"]
    assert [p.text for p in approval.rows[1].cells[1].paragraphs] == [
        "同意列入。",
        "经办人：刘经办　　处室：地理标志处",
        "2021年10月20日",
    ]


def test_empty_opinions_print_the_forms_blank_lines():
    data = {**FULL_DATA, "recommending_opinion": None, "approval": None}
    document = read(full_form(data=data))

    assert [p.text for p in document.tables[5].rows[1].cells[1].paragraphs] == [
        "（公章）",
        "签字：",
        "年　　月　　日",
    ]
    assert "组长：" in document.tables[6].rows[0].cells[1].text


def test_the_section_heads_and_the_instructions_close_the_form():
    paragraphs = [p for p in read(full_form()).paragraphs if p.text]
    heads = [p.text for p in paragraphs if p.style.name == "Heading 1"]

    assert heads == [
        "一、基本信息",
        "二、地理标志",
        "三、项目有关情况",
        "四、推荐单位指导支持事项",
        "五、实施和推荐单位意见",
        "六、批准情况",
    ]
    assert [p.text for p in paragraphs[-8:]] == [
        "填写说明",
        "一、《推荐书》封面的编号由国家知识产权局填写。",
        "二、“实施单位”为地级行政区知识产权局或省直辖县级行政单位知识产权局。",
        "三、“推荐单位”为省级知识产权局。",
        "四、“负责人”为负责项目实施的直接责任人，“联系人”为负责项目实施具体联系工作的人员。",
        "五、“地理标志”审批如涉及多个部门，请将审批机构和时间信息填报完整。",
        "六、“推荐单位指导支持事项”由省局填写，如无相关支持事项，可不填。",
        "七、“批准情况”由国家知识产权局组织填写。",
    ]


def test_chinese_fonts_are_named_in_the_east_asian_slot():
    styles = read(full_form()).styles

    def east_asian(style):
        return style.element.rPr.rFonts.get(qn("w:eastAsia"))

    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert east_asian(styles["Normal"]) == "仿宋_GB2312"
    assert east_asian(styles["Heading 1"]) == "黑体"
    assert east_asian(styles["Dibiao 标题"]) == "方正小标宋简体"
    assert east_asian(styles["Dibiao 填写提示"]) == "楷体_GB2312"
    assert east_asian(styles["Dibiao 正文"]) == "仿宋_GB2312"


def test_the_page_is_a4_with_the_margins_of_gb_t_9704():
    section = read(full_form()).sections[0]

    def mm(length):
        return round(length / Mm(1), 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert (
        mm(section.top_margin),
        mm(section.left_margin),
        mm(section.bottom_margin),
        mm(section.right_margin),
    ) == (
        37.0,
        28.0,
        35.0,
        26.0,
    )


def test_the_footer_carries_number_version_fingerprint_page_number_and_qr_code():
    data = word.docx_bytes(full_form())
    section = Document(io.BytesIO(data)).sections[0]
    footer = section.footer._element

    assert footer_text(section).split("\n")[:3] == ["编号 2021-34-01", "版本 v2", "指纹 0123456789ab"]
    assert footer_text(section, "first_page_footer").split("\n")[:3] == [
        "编号 2021-34-01",
        "版本 v2",
        "指纹 0123456789ab",
    ]
    assert [i.text for i in footer.iter(qn("w:instrText"))] == [" PAGE "]
    assert not list(section.first_page_footer._element.iter(qn("w:instrText")))  # no number on the cover
    pictures = footer.findall(".//" + qn("wp:docPr"))
    assert [p.get("descr") for p in pictures] == ["DIBIAO:2021-34-01:v2:0123456789ab"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read("word/media/qr.png").startswith(b"\x89PNG")


def test_a_copy_printed_before_numbering_names_the_recommendation_in_its_qr_code():
    section = read(full_form(number=None)).sections[0]

    assert footer_text(section).split("\n")[:2] == ["版本 v2", "指纹 0123456789ab"]
    assert section.footer._element.find(".//" + qn("wp:docPr")).get("descr") == "DIBIAO:7:v2:0123456789ab"


def test_a_drafts_footer_says_it_is_a_draft_and_has_no_qr_code():
    data = word.docx_bytes(full_form(frozen=False))
    section = Document(io.BytesIO(data)).sections[0]

    assert footer_text(section).startswith("草稿（未提交，无指纹）")
    assert section.footer._element.find(".//" + qn("wp:docPr")) is None
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "word/media/qr.png" not in package.namelist()


def test_control_characters_pasted_into_fields_do_not_break_the_file():
    data = {
        **FULL_DATA,
        "project_name": "砀山\x00酥梨\x1b工程\ud800",
        "introduction": "第一行\x0b第二行\x0c第三行\x07\ufffe",
        "implementing_unit": {**FULL_DATA["implementing_unit"], "address": "梨都\u202e大道\x1f一号"},
    }

    document = read(full_form(data=data))
    text = all_text(document)

    assert "砀山酥梨工程" in text
    assert "梨都大道一号" in text
    intro = [p.text for p in document.tables[3].rows[0].cells[1].paragraphs]
    assert intro[1:4] == ["第一行", "第二行", "第三行"]


def test_a_long_recommendation_keeps_every_character():
    long_text = "\n".join("　　" + "地理标志助力乡村振兴，" * 30 for _ in range(20))
    data = {**FULL_DATA, "introduction": long_text}

    document = read(full_form(data=data))

    intro = "\n".join(p.text for p in document.tables[3].rows[0].cells[1].paragraphs[1:])
    assert intro == long_text
