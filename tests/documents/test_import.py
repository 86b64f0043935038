"""Reading a filled Attachment 1: every value found by its label, however the form was filled."""

import dataclasses
import io
import re
import statistics
import time

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from dibiao.documents.word_import import DocxRefused, read_docx
from dibiao.recommendations import schema
from dibiao.recommendations.schema import Problem
from tests.documents.fixtures import attachment1 as a1
from tests.documents.fixtures.attachment1 import OFFICIAL, WPS, build, full

pytestmark = pytest.mark.unit

REQUIRED = "此项为必填项。"
CJK = re.compile(r"[\u4e00-\u9fff]")


def message_of(validator, value):
    with pytest.raises(ValueError, match=r".") as error:
        validator(value)
    return str(error.value)


def read(data=None, style=OFFICIAL):
    return read_docx(build(data, style))


def problems_by_field(problems):
    return [problem.field for problem in problems]


# --- whole forms ---------------------------------------------------------------------------------


def test_official_template_filled_in_word_is_read_completely():
    recommendation, problems = read()

    assert recommendation == full()
    assert problems == []


def test_form_filled_in_wps_style_is_read_completely():
    """Spaced and line-broken labels, full-width colons, digits and e-mail, blank rows, each
    approval a row of its own with the GI's name repeated, the guidance left in the long
    texts, dates in four formats, phones with brackets and spaces, opinions on one line."""
    recommendation, problems = read(style=WPS)

    assert recommendation == full()
    assert problems == []


def test_approvals_in_rows_with_the_name_cell_merged_down():
    recommendation, problems = read(style=dataclasses.replace(WPS, approvals="merged"))

    assert recommendation["geographical_indications"] == full()["geographical_indications"]
    assert problems == []


def test_approvals_as_lines_inside_the_same_cells():
    recommendation, _problems = read(style=dataclasses.replace(WPS, approvals="lines"))

    assert recommendation["geographical_indications"][0]["approvals"] == [
        {"authority": "国家知识产权局商标局", "date": "2010-06-14"},
        {"authority": "农业农村部", "date": "2017-12-20"},
    ]


def test_the_same_label_means_the_field_of_the_row_it_belongs_to():
    recommendation, _problems = read(style=WPS)
    unit = recommendation["implementing_unit"]

    # 职务: of 代表人, then of 负责人; 固定电话 and 手机: of 负责人, then of 联系人;
    # 传真号码: of the unit (row of 联系电话), then of 联系人 (row of its 固定电话).
    assert unit["representative"] == {"name": "王建国", "title": "局长"}
    assert unit["responsible"] == {
        "name": "李明",
        "title": "副局长",
        "landline": "0551-63538010",
        "mobile": "13905510001",
    }
    assert unit["contact"] == {
        "name": "张晓燕",
        "mobile": "13805510002",
        "landline": "0551-63538020",
        "fax": "0551-63538021",
    }
    assert (unit["phone"], unit["fax"]) == ("0551-63538000", "0551-63538001")
    assert recommendation["recommending_unit"] == {
        "name": "安徽省市场监督管理局（知识产权局）",
        "division_head": {"name": "陈静", "mobile": "13955100003"},
        "contact": {"name": "刘洋", "mobile": "15955100004"},
    }


@pytest.mark.parametrize(
    "form",
    ["{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}.{m}.{d}", "{y}/{m}/{d}"],
    ids=["chinese", "iso", "dots", "slashes"],
)
def test_dates_in_the_four_usual_forms(form):
    recommendation, problems = read(style=dataclasses.replace(OFFICIAL, date_formats=[form]))

    assert [a["date"] for gi in recommendation["geographical_indications"] for a in gi["approvals"]] == [
        "2010-06-14",
        "2017-12-20",
        "2021-03-06",
    ]
    assert recommendation["implementing_opinion"]["date"] == "2021-09-06"
    assert recommendation["recommending_opinion"]["date"] == "2021-09-10"
    assert problems == []


def test_long_texts_keep_their_paragraphs_without_the_guidance():
    data = full()
    data["practices"] = "　　一是强化标准引领。\n\n　　二是加强品牌宣传。\n　　三是严格保护。"

    recommendation, _problems = read(data, dataclasses.replace(OFFICIAL, guidance=True))

    assert (
        recommendation["practices"] == "　　一是强化标准引领。\n\n　　二是加强品牌宣传。\n　　三是严格保护。"
    )
    assert recommendation["introduction"] == full()["introduction"]
    assert recommendation["recommender_support"] == full()["recommender_support"]


def test_an_empty_support_field_with_only_its_guidance_is_empty():
    data = full()
    data["recommender_support"] = None

    recommendation, _problems = read(data, WPS)

    assert recommendation["recommender_support"] is None


def test_cover_number_in_a_text_box_and_the_year():
    recommendation, _problems = read(style=dataclasses.replace(OFFICIAL, number_in_box=True))

    assert (recommendation["number"], recommendation["year"]) == ("2021-34-03", 2021)


def test_an_unnumbered_cover_has_no_number():
    data = full()
    data["number"] = None

    recommendation, _problems = read(data, dataclasses.replace(OFFICIAL, number_in_box=False))

    assert recommendation["number"] is None
    assert recommendation["project_name"] == "长丰草莓地理标志助力乡村振兴项目"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "同意推荐。\n\n（公章）\n签字：王建国\n2021年9月6日",
            {"text": "同意推荐。", "signer": "王建国", "date": "2021-09-06"},
        ),
        ("（公章） 签字： 年 月 日", {"text": None, "signer": None, "date": None}),
        (
            "同意。（盖章）签字：王 建 国 2021.9.6",
            {"text": "同意。", "signer": "王建国", "date": "2021-09-06"},
        ),
        (
            "我局于2021年8月1日组织论证，同意推荐。\n签字：王建国\n二〇二一年九月六日",
            {"text": "我局于2021年8月1日组织论证，同意推荐。", "signer": "王建国", "date": "2021-09-06"},
        ),
        ("（公章）\n签字：\n王建国\n年  月  日", {"text": None, "signer": "王建国", "date": None}),
        (
            "同意推荐\n（公章）签字：王建国   ２０２１年９月６日",
            {"text": "同意推荐", "signer": "王建国", "date": "2021-09-06"},
        ),
        ("同意推荐。\n王建国\n2021/9/6", {"text": "同意推荐。", "signer": "王建国", "date": "2021-09-06"}),
        (
            "同意推荐。\n（签章）\n王建国\n2021年9月6日",
            {"text": "同意推荐。", "signer": "王建国", "date": "2021-09-06"},
        ),
    ],
    ids=[
        "template",
        "blank",
        "seal-inline",
        "date-in-text",
        "signer-below",
        "full-width",
        "no-markers",
        "seal-then-name",
    ],
)
def test_opinion_cells_give_text_signer_and_date(cell, expected):
    style = dataclasses.replace(OFFICIAL, opinion_cells={"implementing_opinion": cell})

    recommendation, _problems = read(style=style)

    assert recommendation["implementing_opinion"] == expected


def test_national_approval_is_read_when_filled():
    data = full()
    data["approval"] = {
        "expert_group": {"opinion": "同意列为重点优势项目。", "leader": "赵强", "date": "2021-10-08"},
        "department": {
            "opinion": "同意。",
            "handler": "孙丽",
            "division": "地理标志管理处",
            "date": "2021-10-15",
        },
    }

    recommendation, problems = read(data, WPS)

    assert recommendation["approval"] == data["approval"]
    assert problems == []


# --- what is missing or invalid ------------------------------------------------------------------


def test_missing_and_invalid_fields_are_listed_by_dotted_path():
    data = full()
    data["implementing_unit"]["contact"]["mobile"] = None
    data["implementing_unit"]["email"] = None
    data["geographical_indications"][0]["approvals"][1]["date"] = None
    data["introduction"] = ""
    style = dataclasses.replace(
        OFFICIAL,
        phone_formats={
            "implementing_unit.responsible.mobile": "1390551000",  # ten digits
            "implementing_unit.phone": "63538000",  # no area code
        },
        opinion_cells={"recommending_opinion": "同意。\n（公章）签字：陈静 2021年13月5日"},
    )

    recommendation, problems = read(data, style)

    # The messages are those of the shared validators (recommendations.schema), in Chinese.
    assert problems == [
        Problem("implementing_unit.phone", message_of(schema.normalise_landline, "63538000")),
        Problem("implementing_unit.responsible.mobile", message_of(schema.normalise_mobile, "1390551000")),
        Problem("implementing_unit.contact.mobile", REQUIRED),
        Problem("implementing_unit.email", REQUIRED),
        Problem("geographical_indications.0.approvals.1.date", REQUIRED),
        Problem("introduction", REQUIRED),
        Problem("recommending_opinion.date", message_of(schema.parse_date, "2021年13月5日")),
    ]
    assert all(CJK.search(problem.message) for problem in problems)
    # What could not be read as valid is kept as written, for the person to correct.
    assert recommendation["implementing_unit"]["phone"] == "63538000"
    assert recommendation["recommending_opinion"]["date"] == "2021年13月5日"
    assert recommendation["implementing_unit"]["contact"]["name"] == "张晓燕"


def test_a_blank_template_lists_every_required_field():
    empty = {
        "number": None,
        "year": 2021,
        "project_name": "",
        "implementing_unit": {"name": ""},
        "recommending_unit": {"name": None},
        "geographical_indications": [
            {
                "name": "",
                "rights_holder": None,
                "approvals": [{"authority": None, "date": None}],
                "production_area": None,
            }
        ],
        "introduction": "",
        "achievements": "",
        "practices": "",
        "safeguards": "",
    }

    recommendation, problems = read(empty, OFFICIAL)

    assert recommendation["geographical_indications"] == [
        {
            "name": "",
            "rights_holder": None,
            "approvals": [{"authority": None, "date": None}],
            "production_area": None,
        }
    ]
    assert problems_by_field(problems) == [
        "project_name",
        "implementing_unit.name",
        "implementing_unit.representative.name",
        "implementing_unit.representative.title",
        "implementing_unit.phone",
        "implementing_unit.responsible.name",
        "implementing_unit.responsible.title",
        "implementing_unit.responsible.mobile",
        "implementing_unit.contact.name",
        "implementing_unit.contact.mobile",
        "implementing_unit.address",
        "implementing_unit.email",
        "geographical_indications",
        "geographical_indications.0.name",
        "geographical_indications.0.rights_holder",
        "geographical_indications.0.approvals.0.authority",
        "geographical_indications.0.approvals.0.date",
        "geographical_indications.0.production_area",
        "introduction",
        "achievements",
        "practices",
        "safeguards",
    ]


def test_rows_of_one_gi_that_disagree_are_reported():
    style = dataclasses.replace(OFFICIAL, approvals="rows")
    writer = a1.Writer(full(), style)
    blob = writer.write()
    document = Document(io.BytesIO(blob))
    gi_table = document.tables[1]
    gi_table.rows[2].cells[1].text = "长丰县农业农村局"  # the second row of 长丰草莓
    out = io.BytesIO()
    document.save(out)

    recommendation, problems = read_docx(out.getvalue())

    assert recommendation["geographical_indications"][0]["rights_holder"] == "长丰县草莓协会"
    assert len(recommendation["geographical_indications"][0]["approvals"]) == 2
    assert problems == [
        Problem(
            "geographical_indications.0.rights_holder",
            "这个地理标志的各行在此处填写不一致，已采用第一行的内容。",
        )
    ]


def test_a_value_typed_into_the_label_cell_after_a_colon_is_read():
    document = Document(io.BytesIO(build()))
    row = document.tables[0].rows[1]  # 代表人 | 王建国 | 职务 | 局长
    row.cells[1].text = "代表人：王建国"
    row.cells[2].text = ""
    out = io.BytesIO()
    document.save(out)

    recommendation, problems = read_docx(out.getvalue())

    assert recommendation["implementing_unit"]["representative"] == {"name": "王建国", "title": "局长"}
    assert problems == []


def test_a_content_control_still_showing_its_placeholder_is_empty():
    document = Document(io.BytesIO(build()))
    cell = document.tables[0].rows[7].cells[2]  # 通讯地址
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    cell._tc.append(
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtPr><w:showingPlcHdr/></w:sdtPr>"
            "<w:sdtContent><w:p><w:r><w:t>单击或点击此处输入文字。</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        )
    )
    out = io.BytesIO()
    document.save(out)

    recommendation, problems = read_docx(out.getvalue())

    assert recommendation["implementing_unit"]["address"] is None
    assert problems == [Problem("implementing_unit.address", REQUIRED)]


def test_deleted_text_of_tracked_changes_is_not_read():
    document = Document(io.BytesIO(build()))
    cell = document.tables[0].rows[1].cells[2]  # 代表人
    cell.paragraphs[0]._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="x" w:date="2021-09-01T00:00:00Z">'
            "<w:r><w:delText>张三</w:delText></w:r></w:del>"
        )
    )
    out = io.BytesIO()
    document.save(out)

    recommendation, _problems = read_docx(out.getvalue())

    assert recommendation["implementing_unit"]["representative"]["name"] == "王建国"


def test_a_word_file_that_is_not_the_form_is_refused():
    document = Document()
    document.add_paragraph("会议纪要")
    document.add_paragraph("与会人员讨论了明年的工作计划。")
    out = io.BytesIO()
    document.save(out)

    with pytest.raises(DocxRefused) as refused:
        read_docx(out.getvalue())

    assert "附件 1" in refused.value.message


# --- speed ---------------------------------------------------------------------------------------


def test_a_form_of_six_thousand_characters_reads_in_well_under_100_ms():
    data = full()
    paragraph = (
        "　　长丰县围绕草莓产业，坚持品牌引领、标准先行，推动地理标志与乡村振兴深度融合，形成了利益联结机制。"
    )
    for key in ("introduction", "achievements", "practices", "safeguards"):
        data[key] = "\n".join([paragraph] * 30)
    blob = build(data, WPS)
    assert sum(len(data[key]) for key in ("introduction", "achievements", "practices", "safeguards")) >= 6000

    times = []
    for _ in range(5):
        start = time.perf_counter()
        recommendation, _problems = read_docx(blob)
        times.append(time.perf_counter() - start)

    assert recommendation["achievements"] == data["achievements"]
    assert statistics.median(times) < 0.1
