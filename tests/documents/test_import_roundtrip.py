"""Round trip: a recommendation exported to Word (documents.word) and imported gives the same data."""

import pytest

from dibiao.documents.word_import import create_draft_from_docx, read_docx
from dibiao.recommendations import services
from tests.documents.fixtures.attachment1 import full

word = pytest.importorskip("dibiao.documents.word")
content = pytest.importorskip("dibiao.documents.content")

APPROVAL = {
    "expert_group": {
        "opinion": "同意列为重点优势项目。\n建议加强品牌宣传。",
        "leader": "赵强",
        "date": "2021-10-08",
    },
    "department": {
        "opinion": "同意。",
        "handler": "孙丽",
        "division": "地理标志管理处",
        "date": "2021-10-15",
    },
}


def exported(data, **kwargs):
    form = content.build(
        data,
        rec_id=1,
        number=data.get("number"),
        year=data.get("year"),
        state="draft",
        attachments=kwargs.get("attachments", []),
    )
    return word.WordExporter(form).render().data


@pytest.mark.unit
def test_every_field_of_a_fully_filled_form_comes_back_the_same():
    data = full()
    data["approval"] = APPROVAL

    recommendation, problems = read_docx(exported(data))

    assert recommendation == data
    assert problems == []


@pytest.mark.unit
def test_the_list_of_attached_pages_is_not_read_as_text():
    data = full()
    attachments = [
        {"section": "achievements", "name": "调研报告.pdf"},
        {"section": "achievements", "name": "产业数据.xlsx.pdf"},
    ]

    recommendation, problems = read_docx(exported(data, attachments=attachments))

    assert recommendation["achievements"] == data["achievements"]
    assert problems == []


@pytest.mark.integration
@pytest.mark.django_db
def test_a_draft_exported_to_word_and_imported_makes_the_same_draft(round_2021, hefei_officer):
    original = services.create_draft(actor=hefei_officer, round=round_2021, data=full())
    blob = word.WordExporter(content.form_content(original)).render().data

    result = create_draft_from_docx(actor=hefei_officer, round=round_2021, data=blob, filename="export.docx")

    assert result.recommendation.pk != original.pk
    assert result.recommendation.data == original.data
    assert result.recommendation.project_name == original.project_name
    assert result.problems == []
