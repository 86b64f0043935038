"""The recommendation's content: normalising what people type, and what is a problem."""

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dibiao.recommendations.schema import (
    Problem,
    empty_data,
    normalise,
    normalise_landline,
    normalise_mobile,
    parse_date,
    schema_validator,
    validate,
)
from tests.factories import complete_recommendation_data

pytestmark = pytest.mark.unit

LANDLINE_MESSAGE = "请填写带区号的固定电话，如 010-62086080。"
MOBILE_MESSAGE = "请填写以 1 开头的 11 位手机号码，如 13800138000。"
REQUIRED = "此项为必填项。"


def full_width(text):
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


# --- phones --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("010-62086080", "010-62086080"),
        ("(010) 6208 6080", "010-62086080"),
        ("（010）62086080", "010-62086080"),
        ("010—62086080", "010-62086080"),  # as the notice writes it
        ("０１０－６２０８６０８０", "010-62086080"),
        ("010 6208 6080", "010-62086080"),
        ("010-6208-6080", "010-62086080"),
        ("01062086080", "010-62086080"),
        ("+86 10 6208 6080", "010-62086080"),
        ("0551-65123456", "0551-65123456"),
        ("055165123456", "0551-65123456"),
        ("0557-8021234", "0557-8021234"),
        ("010-62086080-123", "010-62086080-123"),
        ("010-62086080转123", "010-62086080-123"),
        ("0551 6512 3456 分机 8", "0551-65123456-8"),
    ],
)
def test_landlines_are_normalised(typed, expected):
    assert normalise_landline(typed) == expected


@pytest.mark.parametrize("typed", ["62086080", "13800138000", "010-123", "电话", "", "010-620860801234567"])
def test_landlines_that_cannot_be_read_raise(typed):
    with pytest.raises(ValueError, match=r"区号|7 位或 8 位"):
        normalise_landline(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("+86-138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("１３８ ００１３ ８０００", "13800138000"),
    ],
)
def test_mobiles_are_normalised(typed, expected):
    assert normalise_mobile(typed) == expected


@pytest.mark.parametrize("typed", ["1380013800", "12800138000", "23800138000", "138001380001", "手机"])
def test_mobiles_that_cannot_be_read_raise(typed):
    with pytest.raises(ValueError, match=re.escape(MOBILE_MESSAGE)) as error:
        normalise_mobile(typed)
    assert str(error.value) == MOBILE_MESSAGE


area_codes = st.one_of(
    st.sampled_from(["010", "020", "021", "022", "023", "024", "025", "027", "028", "029"]),
    st.from_regex(r"\A0[3-9][0-9]{2}\Z"),
)
local_numbers = st.from_regex(r"\A[2-8][0-9]{6,7}\Z")
separators = st.sampled_from(["-", " ", "—", "－", " - ", ""])


@given(area=area_codes, local=local_numbers, sep=separators, brackets=st.booleans(), wide=st.booleans())
def test_any_way_of_writing_a_landline_gives_the_same_number(area, local, sep, brackets, wide):
    split = len(local) // 2
    typed = (f"({area})" if brackets else area) + sep + local[:split] + " " + local[split:]
    if wide:
        typed = full_width(typed)
    assert normalise_landline(typed) == f"{area}-{local}"


@given(
    number=st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
    prefix=st.sampled_from(["", "+86 ", "+86-", "0086 ", "86"]),
    sep=st.sampled_from(["", " ", "-"]),
    wide=st.booleans(),
)
def test_any_way_of_writing_a_mobile_gives_its_eleven_digits(number, prefix, sep, wide):
    typed = prefix + sep.join([number[:3], number[3:7], number[7:]])
    if wide:
        typed = full_width(typed)
    assert normalise_mobile(typed) == number


@given(st.text(max_size=30))
def test_normalising_any_phone_text_never_fails_and_is_stable(text):
    data = {"implementing_unit": {"phone": text, "contact": {"mobile": text}}}
    once = normalise(data)
    assert normalise(once) == once


# --- e-mail and dates ----------------------------------------------------------------------------


def test_email_domain_is_lower_cased_and_full_width_at_converted():
    data = normalise({"implementing_unit": {"email": " Zhang.San＠Example.CN "}})
    assert data["implementing_unit"]["email"] == "Zhang.San@example.cn"


@pytest.mark.parametrize(
    "typed",
    [
        "2021-09-06",
        "2021-9-6",
        "2021年9月6日",
        "2021 年 9 月 6 日",
        "2021.9.6",
        "2021/9/6",
        "２０２１年９月６日",
        "二〇二一年九月六日",
    ],
)
def test_dates_are_read_as_people_write_them(typed):
    assert parse_date(typed) == dt.date(2021, 9, 6)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2021-02-30", "该日期不存在。"),
        ("2021年2月29日", "该日期不存在。"),
        ("2021-13-01", "该日期不存在。"),
        ("9/6/2021", "请按 2021-09-06 或 2021年9月6日 的格式填写日期。"),
        ("去年", "请按 2021-09-06 或 2021年9月6日 的格式填写日期。"),
        ("1021-01-01", "请填写 1900 年至 2100 年之间的日期。"),
    ],
)
def test_impossible_dates_raise(typed, message):
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        parse_date(typed)
    assert str(error.value) == message


def test_leap_days_exist_in_leap_years():
    assert parse_date("2020年2月29日") == dt.date(2020, 2, 29)


# --- the whole form ------------------------------------------------------------------------------


def test_empty_data_has_the_schemas_shape():
    data = empty_data()
    assert data["geographical_indications"] == [
        {
            "name": "",
            "rights_holder": None,
            "approvals": [{"authority": None, "date": None}],
            "production_area": None,
        }
    ]
    assert list(schema_validator().iter_errors(data)) == []
    assert normalise(data) == data


def test_normalise_strips_and_empties_become_null_where_allowed():
    data = normalise(
        {
            "project_name": "   ",
            "implementing_unit": {"name": " 合肥 ", "address": "  ", "representative": {"name": " 王 "}},
            "geographical_indications": [
                {"name": " 砀山酥梨 ", "approvals": [{"authority": " 商标局 ", "date": ""}]}
            ],
            "introduction": "\n\n　　第一段。\n　　第二段。  \n\n",
        }
    )
    assert data["project_name"] == ""  # the schema wants a string here
    assert data["implementing_unit"]["name"] == "合肥"
    assert data["implementing_unit"]["address"] is None
    assert data["implementing_unit"]["representative"] == {"name": "王", "title": None}
    assert data["geographical_indications"][0]["name"] == "砀山酥梨"
    assert data["geographical_indications"][0]["approvals"] == [{"authority": "商标局", "date": None}]
    # paragraphs keep their full-width indent and their line breaks
    assert data["introduction"] == "　　第一段。\n　　第二段。"


def test_normalise_converts_everything_it_can_and_keeps_the_rest_as_typed():
    data = complete_recommendation_data()
    data["implementing_unit"]["phone"] = "(0557) 802 1234"
    data["implementing_unit"]["fax"] = "问办公室"
    data["implementing_unit"]["responsible"]["mobile"] = "+86 139 0557 1234"
    data["geographical_indications"][0]["approvals"][0]["date"] = "2006年12月31日"
    data["geographical_indications"][0]["approvals"][1]["date"] = "2008年2月30日"

    result = normalise(data)

    assert result["implementing_unit"]["phone"] == "0557-8021234"
    assert result["implementing_unit"]["fax"] == "问办公室"
    assert result["implementing_unit"]["responsible"]["mobile"] == "13905571234"
    assert result["geographical_indications"][0]["approvals"][0]["date"] == "2006-12-31"
    assert result["geographical_indications"][0]["approvals"][1]["date"] == "2008年2月30日"
    assert validate(result, for_submission=False) == [
        Problem("implementing_unit.fax", LANDLINE_MESSAGE),
        Problem("geographical_indications.0.approvals.1.date", "该日期不存在。"),
    ]


def test_a_complete_form_has_no_problems():
    data = normalise(complete_recommendation_data())
    assert validate(data, for_submission=True) == []
    assert list(schema_validator().iter_errors(data)) == []


def test_a_draft_may_be_incomplete_but_not_malformed():
    data = normalise({"project_name": "只写了名称"})
    assert validate(data, for_submission=False) == []


def test_recommending_needs_the_provinces_half_of_the_basic_information_too():
    data = normalise(empty_data())
    submission = {p.field for p in validate(data, for_submission=True)}
    recommendation = {p.field for p in validate(data, for_submission=True, for_recommendation=True)}
    assert recommendation - submission == {
        "recommending_unit.division_head.name",
        "recommending_unit.division_head.mobile",
        "recommending_unit.contact.name",
        "recommending_unit.contact.mobile",
    }


def test_submission_needs_every_required_field_in_the_order_of_the_form():
    problems = validate(normalise(empty_data()), for_submission=True)
    assert [p.field for p in problems] == [
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
    assert problems[0].message == REQUIRED
    assert problems[12].message == "请至少填写一个地理标志及其名称。"


def test_submission_needs_at_least_one_geographical_indication():
    data = normalise(complete_recommendation_data(geographical_indications=[]))
    assert validate(data, for_submission=False) == []
    assert validate(data, for_submission=True) == [
        Problem("geographical_indications", "请至少填写一个地理标志及其名称。")
    ]


def test_every_approval_of_every_gi_is_checked():
    data = complete_recommendation_data()
    data["geographical_indications"].append(
        {
            "name": "砀山梨膏",
            "rights_holder": "协会",
            "production_area": "砀山县",
            "approvals": [
                {"authority": "农业农村部", "date": "2019-1-5"},
                {"authority": None, "date": "2021-02-30"},
            ],
        }
    )
    problems = validate(normalise(data), for_submission=True)
    assert problems == [
        Problem("geographical_indications.1.approvals.1.authority", REQUIRED),
        Problem("geographical_indications.1.approvals.1.date", "该日期不存在。"),
    ]


def test_format_problems_are_reported_always():
    data = complete_recommendation_data(project_name="名" * 201)
    data["implementing_unit"]["email"] = "zscq@@example"
    data["recommending_unit"]["division_head"]["mobile"] = "0551-1234567"
    problems = validate(normalise(data), for_submission=False)
    assert problems == [
        Problem("project_name", "项目名称不能超过 200 个字。"),
        Problem("implementing_unit.email", "请填写有效的电子邮箱地址。"),
        Problem("recommending_unit.division_head.mobile", MOBILE_MESSAGE),
    ]


def test_malformed_structures_are_reported_by_path():
    data = normalise(
        {
            "project_name": ["not", "text"],
            "geographical_indications": [{"name": "砀山酥梨", "approvals": "商标局"}, "x"],
            "year": "2021",
        }
    )
    assert validate(data, for_submission=False) == [
        Problem("project_name", "此处应填写文字。"),
        Problem("geographical_indications.0.approvals", "此处应为列表。"),
        Problem("geographical_indications.1", "此部分数据格式有误。"),
        Problem("year", "请填写整数。"),
    ]


def test_control_characters_pasted_into_fields_are_dropped_so_every_database_stores_them():
    data = normalise(
        {
            "project_name": "砀山\x00酥梨\x1b项目",
            "introduction": "第一段\x00\n\t第二段",
            "implementing_unit": {"address": "梨都大道\x0b1号"},
        }
    )
    assert data["project_name"] == "砀山酥梨项目"
    assert data["introduction"] == "第一段\n\t第二段"
    assert data["implementing_unit"]["address"] == "梨都大道1号"
