"""export_recommendation and import_recommendation: the schema's JSON in and out."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dibiao.recommendations import schema, services
from dibiao.recommendations.choices import Action, State
from dibiao.recommendations.models import Recommendation, Transition
from tests.factories import (
    complete_recommendation_data,
    draft_recommendation,
    received_recommendation,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def export(rec_id):
    out = StringIO()
    call_command("export_recommendation", str(rec_id), stdout=out)
    return out.getvalue()


def run_import(path, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_recommendation", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_export_prints_the_schema_json_with_number_and_year(
    round_2021, hefei_officer, anhui_officer, national_admin
):
    rec = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    text = export(rec.pk)

    assert "砀山酥梨" in text  # UTF-8, not \u escapes
    assert text.startswith('{\n  "number": "2021-34-01",\n  "year": 2021,\n')
    exported = json.loads(text)
    assert exported["implementing_unit"]["name"] == "合肥市市场监督管理局（知识产权局）"
    assert exported["recommending_unit"]["name"] == "安徽省知识产权局"
    assert list(schema.schema_validator().iter_errors(exported)) == []


def test_export_of_a_missing_recommendation_fails():
    with pytest.raises(CommandError, match="没有 ID 为 404 的推荐书。"):
        call_command("export_recommendation", "404", stdout=StringIO())


def test_export_then_import_gives_the_same_recommendation(tmp_path, round_2021, hefei_officer, hefei):
    original = draft_recommendation(hefei_officer, round_2021, complete_recommendation_data())
    path = tmp_path / "rec.json"
    path.write_text(export(original.pk), encoding="utf-8")

    out, err, error = run_import(path, "--unit", "340100", "--round", "2021")

    assert (err, error) == ("", None)
    copy = Recommendation.objects.get(pk=int(out.strip()))
    assert copy.pk != original.pk
    assert (copy.state, copy.implementing_unit, copy.round, copy.created_by) == (
        State.DRAFT,
        hefei,
        round_2021,
        hefei_officer,
    )
    assert json.loads(export(copy.pk)) == json.loads(export(original.pk))
    assert Transition.objects.get(recommendation=copy).action == Action.CREATE


def test_import_normalises_what_people_typed(tmp_path, round_2021, hefei_officer):
    data = complete_recommendation_data()
    data["implementing_unit"]["phone"] = "（0557）802 1234"
    data["implementing_unit"]["contact"]["mobile"] = "+86 138 0557 1234"
    data["geographical_indications"][0]["approvals"][0]["date"] = "2006年12月31日"
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    out, _err, error = run_import(path, "--unit", "340100", "--round", "2021")

    assert error is None
    rec = Recommendation.objects.get(pk=int(out))
    assert rec.data["implementing_unit"]["phone"] == "0557-8021234"
    assert rec.data["implementing_unit"]["contact"]["mobile"] == "13805571234"
    assert rec.data["geographical_indications"][0]["approvals"][0]["date"] == "2006-12-31"


def test_an_invalid_file_names_every_bad_field_and_creates_nothing(tmp_path, round_2021, hefei_officer):
    data = complete_recommendation_data(project_name=42)
    data["implementing_unit"]["phone"] = "62086080"
    data["implementing_unit"]["email"] = "not-an-address"
    data["recommending_unit"]["contact"]["mobile"] = "1380013800"
    data["geographical_indications"][0]["approvals"][1]["date"] = "2021-02-30"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    out, err, error = run_import(path, "--unit", "340100", "--round", "2021")

    assert out == ""
    assert err.splitlines() == [
        "project_name: 此处应填写文字。",
        "implementing_unit.phone: 请填写带区号的固定电话，如 010-62086080。",
        "implementing_unit.email: 请填写有效的电子邮箱地址。",
        "recommending_unit.contact.mobile: 请填写以 1 开头的 11 位手机号码，如 13800138000。",
        "geographical_indications.0.approvals.1.date: 该日期不存在。",
    ]
    assert str(error) == "5 处内容有误，未创建任何推荐书。"
    assert Recommendation.objects.count() == 0


def test_an_incomplete_but_well_formed_file_becomes_a_draft(tmp_path, round_2021, hefei_officer):
    path = tmp_path / "partial.json"
    path.write_text(json.dumps({"project_name": "只填了名称"}, ensure_ascii=False), encoding="utf-8")
    out, _err, error = run_import(path, "--unit", "340100", "--round", "2021")
    assert error is None
    rec = Recommendation.objects.get(pk=int(out))
    assert rec.project_name == "只填了名称"
    assert schema.validate(rec.data, for_submission=True) != []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "不是 UTF-8 编码的 JSON"),
        ("[1, 2]", "不是一个 JSON 对象"),
    ],
)
def test_an_unreadable_file_is_refused(tmp_path, round_2021, hefei_officer, content, message):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    _out, _err, error = run_import(path, "--unit", "340100", "--round", "2021")
    assert message in str(error)
    assert Recommendation.objects.count() == 0


def test_import_needs_a_known_unit_with_an_officer(tmp_path, round_2021, hefei, wuhu):
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(complete_recommendation_data(), ensure_ascii=False), encoding="utf-8")
    _out, _err, error = run_import(path, "--unit", "999999", "--round", "2021")
    assert str(error) == "没有代码为 999999 的有效实施单位。"
    _out, _err, error = run_import(path, "--unit", "340200", "--round", "2021")
    assert str(error) == "实施单位 340200 没有有效的经办人账号，请先为其创建账号。"
    assert Recommendation.objects.count() == 0


def test_import_obeys_the_same_rules_as_the_page(tmp_path, time_machine, round_2021, hefei_officer):
    import datetime as dt
    import zoneinfo

    path = tmp_path / "rec.json"
    path.write_text(json.dumps(complete_recommendation_data(), ensure_ascii=False), encoding="utf-8")
    time_machine.move_to(
        dt.datetime(2021, 9, 16, 0, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False
    )
    _out, _err, error = run_import(path, "--unit", "340100", "--round", "2021")
    assert str(error) == "本批次安徽省知识产权局的报送截止时间为2021年9月15日 23:59，现已截止。"
    assert Recommendation.objects.count() == 0


def test_imported_approval_and_number_are_ignored(tmp_path, round_2021, hefei_officer):
    data = complete_recommendation_data(
        number="2021-34-07",
        year=2021,
        approval={
            "expert_group": {"opinion": "优秀", "leader": "某", "date": "2021-10-01"},
            "department": None,
        },
        recommender_support="省局支持",
    )
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out, _err, error = run_import(path, "--unit", "340100", "--round", "2021")
    assert error is None
    rec = Recommendation.objects.get(pk=int(out))
    assert (rec.number, rec.data["approval"], rec.data["recommender_support"]) == (None, None, None)
    services.save_draft(rec, actor=hefei_officer, data=data, revision=rec.revision)
    assert (rec.data["approval"], rec.data["recommender_support"]) == (None, None)
