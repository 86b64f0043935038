"""Forms for the document tests: one with every field of Attachment 1 filled in."""

import copy

from dibiao.documents import content
from tests.factories import complete_recommendation_data

FULL_DATA = {
    "project_name": "砀山酥梨地理标志运用促进工程",
    "implementing_unit": {
        "name": "宿州市市场监督管理局（知识产权局）",
        "representative": {"name": "王建国", "title": "局长"},
        "phone": "0557-8021234",
        "fax": "0557-8021235",
        "responsible": {
            "name": "李明",
            "title": "副局长",
            "landline": "0557-8021236",
            "mobile": "13905571234",
        },
        "contact": {
            "name": "张华",
            "mobile": "13805571234",
            "landline": "0557-8021237",
            "fax": "0557-8021238",
        },
        "address": "安徽省宿州市砀山县梨都大道1号",
        "email": "zscq@example.cn",
    },
    "recommending_unit": {
        "name": "安徽省知识产权局",
        "division_head": {"name": "陈处长", "mobile": "13955112345"},
        "contact": {"name": "赵经办", "mobile": "13855112345"},
    },
    "geographical_indications": [
        {
            "name": "砀山酥梨",
            "rights_holder": "砀山县酥梨协会",
            "approvals": [
                {"authority": "原国家质检总局", "date": "2006-12-31"},
                {"authority": "商标局", "date": "2008-05-14"},
            ],
            "production_area": "安徽省砀山县现辖行政区域",
        },
        {
            "name": "砀山黄桃",
            "rights_holder": "砀山县黄桃产业协会",
            "approvals": [{"authority": "农业农村部", "date": "2015-03-02"}],
            "production_area": "砀山县良梨镇等十个乡镇",
        },
    ],
    "introduction": "　　砀山是酥梨之乡。\n　　项目组织实施方式：县政府牵头。",
    "achievements": "　　用好一件地理标志，打造一个品牌。\n\n　　发展一个产业，造福一方百姓。",
    "practices": "　　建立标准化种植基地。",
    "safeguards": "　　县政府设立专项资金500万元。",
    "recommender_support": "省局将在品牌推广方面给予指导。",
    "implementing_opinion": {"text": "同意推荐。", "signer": "王建国", "date": "2021-09-01"},
    "recommending_opinion": {"text": "经审核，同意推荐。", "signer": "陈处长", "date": "2021-09-02"},
    "approval": {
        "expert_group": {"opinion": "同意列为重点优势项目。", "leader": "李组长", "date": "2021-10-10"},
        "department": {
            "opinion": "同意列入。",
            "handler": "刘经办",
            "division": "地理标志处",
            "date": "2021-10-20",
        },
    },
}
ATTACHMENTS = [
    {"section": "achievements", "name": "成果附页一.pdf"},
    {"section": "achievements", "name": "成果附页二.pdf"},
    {"section": "practices", "name": "做法附页.pdf"},
]
# Every value of FULL_DATA as it is printed (dates in the official Chinese form).
PRINTED_DATES = {
    "2006-12-31": "2006年12月31日",
    "2008-05-14": "2008年5月14日",
    "2015-03-02": "2015年3月2日",
    "2021-09-01": "2021年9月1日",
    "2021-09-02": "2021年9月2日",
    "2021-10-10": "2021年10月10日",
    "2021-10-20": "2021年10月20日",
}


def leaves(value):
    """Every string in a form (dicts and lists walked)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, str) and value:
        yield value


def printed_values(data):
    """What must be found in a printed copy: every value, dates as printed, long texts by line."""
    for value in leaves(data):
        value = PRINTED_DATES.get(value, value)
        yield from (line for line in value.split("\n") if line.strip())


def full_form(*, frozen=True, data=None, number="2021-34-01"):
    return content.build(
        copy.deepcopy(data or FULL_DATA),
        rec_id=7,
        number=number if frozen else None,
        year=2021,
        state="received" if frozen else "draft",
        attachments=ATTACHMENTS,
        version=2 if frozen else None,
        fingerprint="0123456789ab" if frozen else "",
    )


def second_project_data(**overrides):
    return complete_recommendation_data(project_name="砀山黄桃品牌建设项目", **overrides)
