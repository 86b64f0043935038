"""Drafts, the paper copy, and who sees which recommendations."""

import datetime as dt
import zoneinfo

import pytest

from dibiao.accounts import permissions
from dibiao.accounts.permissions import RecommendationAction as Can
from dibiao.core.errors import DomainError
from dibiao.core.models import AuditEvent
from dibiao.recommendations import queries, services, workflow
from dibiao.recommendations.choices import Action, State
from dibiao.recommendations.models import Recommendation, Transition
from dibiao.recommendations.services import StaleRevisionError
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Extension
from tests.factories import (
    complete_recommendation_data,
    draft_recommendation,
    received_recommendation,
    recommended_recommendation,
    submitted_recommendation,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


# --- create_draft --------------------------------------------------------------------------------


def test_a_draft_belongs_to_the_officers_unit_and_province(round_2021, hefei_officer, hefei, anhui):
    rec = services.create_draft(actor=hefei_officer, round=round_2021)

    assert (rec.state, rec.implementing_unit, rec.province, rec.round, rec.created_by) == (
        State.DRAFT,
        hefei,
        anhui,
        round_2021,
        hefei_officer,
    )
    assert rec.revision == 1
    assert rec.data["implementing_unit"]["name"] == "合肥市市场监督管理局（知识产权局）"
    assert rec.data["recommending_unit"]["name"] == "安徽省知识产权局"
    assert len(rec.data["geographical_indications"]) == 1
    transition = Transition.objects.get(recommendation=rec)
    assert (transition.action, transition.from_state, transition.to_state, transition.actor) == (
        Action.CREATE,
        "",
        State.DRAFT,
        hefei_officer,
    )


@pytest.mark.parametrize("role", ["anhui_officer", "national_admin", "expert_from_anhui"])
def test_only_implementing_officers_start_drafts(request, round_2021, role):
    with pytest.raises(DomainError) as refused:
        services.create_draft(actor=request.getfixturevalue(role), round=round_2021)
    assert refused.value.message == "只有实施单位的经办人可以新建推荐书。"
    assert Recommendation.objects.count() == 0


def test_no_draft_in_a_round_that_is_not_open(round_2021, hefei_officer):
    round_2021.state = RoundState.CLOSED
    round_2021.save(update_fields=["state"])
    with pytest.raises(DomainError) as refused:
        services.create_draft(actor=hefei_officer, round=round_2021)
    assert refused.value.message == "本批次推荐尚未开放或已结束。"


def test_no_draft_after_the_provinces_deadline_unless_extended(
    time_machine, round_2021, hefei_officer, anhui, national_admin
):
    time_machine.move_to(dt.datetime(2021, 9, 16, 0, 0, tzinfo=SHANGHAI), tick=False)
    with pytest.raises(DomainError) as refused:
        services.create_draft(actor=hefei_officer, round=round_2021)
    assert refused.value.message == "本批次安徽省知识产权局的报送截止时间为2021年9月15日 23:59，现已截止。"

    Extension.objects.create(
        round=round_2021,
        province=anhui,
        until=dt.datetime(2021, 9, 18, 12, 0, tzinfo=SHANGHAI),
        reason="系统故障",
        granted_by=national_admin,
    )
    assert services.create_draft(actor=hefei_officer, round=round_2021).state == State.DRAFT


def test_deadline_for_is_the_later_of_the_round_and_the_extensions(
    round_2021, anhui, zhejiang, national_admin
):
    assert queries.deadline_for(round_2021, anhui) == round_2021.deadline_at
    early = dt.datetime(2021, 9, 10, tzinfo=SHANGHAI)
    late = dt.datetime(2021, 9, 22, tzinfo=SHANGHAI)
    for until in (early, late):
        Extension.objects.create(
            round=round_2021, province=anhui, until=until, reason="r", granted_by=national_admin
        )
    assert queries.deadline_for(round_2021, anhui) == late
    assert queries.deadline_for(round_2021, zhejiang.pk) == round_2021.deadline_at


# --- save_draft ----------------------------------------------------------------------------------


def test_save_stores_an_incomplete_draft_normalised(round_2021, hefei_officer):
    rec = draft_recommendation(hefei_officer, round_2021)
    data = rec.data | {"project_name": "  砀山酥梨  "}
    data["implementing_unit"]["contact"]["mobile"] = "138 0013 8000"
    data["implementing_unit"]["phone"] = "12345"

    problems = services.save_draft(rec, actor=hefei_officer, data=data, revision=1)

    assert [(p.field, p.message) for p in problems] == [
        ("implementing_unit.phone", "请填写带区号的固定电话，如 010-62086080。")
    ]
    stored = Recommendation.objects.get(pk=rec.pk)
    assert (stored.project_name, stored.revision) == ("砀山酥梨", 2)
    assert stored.data["implementing_unit"]["contact"]["mobile"] == "13800138000"
    assert stored.data["implementing_unit"]["phone"] == "12345"  # kept as typed, not lost
    assert (rec.revision, rec.project_name) == (2, "砀山酥梨")


def test_two_tabs_cannot_both_save_the_same_revision(round_2021, hefei_officer):
    rec = draft_recommendation(hefei_officer, round_2021)
    other_tab = Recommendation.objects.get(pk=rec.pk)

    services.save_draft(
        rec, actor=hefei_officer, data=rec.data | {"project_name": "第一个标签页"}, revision=1
    )
    with pytest.raises(StaleRevisionError) as refused:
        services.save_draft(
            other_tab, actor=hefei_officer, data=other_tab.data | {"project_name": "第二个标签页"}, revision=1
        )

    assert refused.value.message == (
        "此草稿在您打开后已在其他窗口或标签页中被修改。为避免覆盖那些修改，您刚才的修改未保存："
        "请先复制您刚输入的文字，再刷新页面。"
    )
    stored = Recommendation.objects.get(pk=rec.pk)
    assert (stored.project_name, stored.revision) == ("第一个标签页", 2)


def test_the_unit_cannot_write_the_number_the_provinces_parts_or_the_approval(round_2021, hefei_officer):
    rec = draft_recommendation(hefei_officer, round_2021)
    data = complete_recommendation_data(
        number="2021-34-01",
        year=2021,
        recommender_support="省局写的",
        recommending_opinion={"text": "同意", "signer": "冒充", "date": "2021-09-01"},
        approval={
            "expert_group": {"opinion": "优秀", "leader": "冒充", "date": "2021-10-01"},
            "department": None,
        },
    )
    data["implementing_unit"]["name"] = "别的单位"
    data["recommending_unit"]["name"] = "别的省"

    services.save_draft(rec, actor=hefei_officer, data=data, revision=rec.revision)

    stored = Recommendation.objects.get(pk=rec.pk)
    assert stored.number is None
    assert "number" not in stored.data
    assert stored.data["recommender_support"] is None
    assert stored.data["recommending_opinion"] == {"text": None, "signer": None, "date": None}
    assert stored.data["approval"] is None
    assert stored.data["implementing_unit"]["name"] == "合肥市市场监督管理局（知识产权局）"
    assert stored.data["recommending_unit"]["name"] == "安徽省知识产权局"


@pytest.mark.parametrize("role", ["wuhu_officer", "hangzhou_officer", "anhui_officer", "national_admin"])
def test_only_the_units_officers_save_its_draft(request, round_2021, hefei_officer, role):
    rec = draft_recommendation(hefei_officer, round_2021)
    with pytest.raises(DomainError) as refused:
        services.save_draft(rec, actor=request.getfixturevalue(role), data=rec.data, revision=rec.revision)
    assert refused.value.message == "只有实施单位的经办人可以修改此推荐书。"


def test_a_colleague_in_the_same_unit_may_save(round_2021, hefei_officer, hefei):
    from tests.factories import UserFactory

    colleague = UserFactory(role="implementing", organisation=hefei)
    rec = draft_recommendation(hefei_officer, round_2021)
    services.save_draft(rec, actor=colleague, data=rec.data | {"project_name": "同事改的"}, revision=1)
    assert Recommendation.objects.get(pk=rec.pk).project_name == "同事改的"


def test_a_submitted_recommendation_cannot_be_saved(round_2021, hefei_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    with pytest.raises(DomainError) as refused:
        services.save_draft(rec, actor=hefei_officer, data=rec.data, revision=rec.revision)
    assert refused.value.message == "此推荐书已报送，不能再修改。"


def test_saving_a_stale_copy_of_a_draft_submitted_meanwhile_says_so(round_2021, hefei_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    stale = Recommendation.objects.get(pk=rec.pk)
    stale.state = State.DRAFT  # what the open tab still believes
    with pytest.raises(DomainError) as refused:
        services.save_draft(stale, actor=hefei_officer, data=stale.data, revision=stale.revision)
    assert refused.value.message == "此推荐书已报送，不能再修改。"


def test_a_returned_draft_can_be_saved_again(round_2021, hefei_officer, anhui_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    workflow.perform(rec, Action.RETURN, actor=anhui_officer, reason="补充")
    services.save_draft(
        rec, actor=hefei_officer, data=rec.data | {"practices": "补充后的做法"}, revision=rec.revision
    )
    assert Recommendation.objects.get(pk=rec.pk).data["practices"] == "补充后的做法"


# --- paper copy ----------------------------------------------------------------------------------


def test_the_paper_copy_is_recorded_once_by_the_national_office(
    round_2021, hefei_officer, anhui_officer, national_admin
):
    rec = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    services.record_paper_received(rec, actor=national_admin)
    first = Recommendation.objects.get(pk=rec.pk).paper_received_at
    assert first is not None
    assert rec.paper_received_by_id == national_admin.pk

    services.record_paper_received(rec, actor=national_admin)
    assert Recommendation.objects.get(pk=rec.pk).paper_received_at == first
    assert AuditEvent.objects.filter(verb="recommendation.paper_received", object_id=str(rec.pk)).count() == 1


def test_the_paper_copy_needs_the_receipt_first(round_2021, hefei_officer, anhui_officer, national_admin):
    rec = recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    with pytest.raises(DomainError) as refused:
        services.record_paper_received(rec, actor=national_admin)
    assert refused.value.message == "推荐书被接收后才能登记纸件。"


@pytest.mark.parametrize("role", ["anhui_officer", "hefei_officer"])
def test_only_the_national_office_records_the_paper_copy(
    request, round_2021, hefei_officer, anhui_officer, national_admin, role
):
    rec = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    with pytest.raises(DomainError) as refused:
        services.record_paper_received(rec, actor=request.getfixturevalue(role))
    assert refused.value.message == "只有国家局管理员可以登记纸件。"
    assert Recommendation.objects.get(pk=rec.pk).paper_received_at is None


# --- who sees what -------------------------------------------------------------------------------


@pytest.fixture
def recommendations(round_2021, hefei_officer, wuhu_officer, hangzhou_officer, anhui_officer):
    """Hefei: a fresh draft, a returned draft, a submitted one; Wuhu: a submitted one;
    Hangzhou (Zhejiang): a submitted one."""
    fresh = draft_recommendation(hefei_officer, round_2021)
    returned = submitted_recommendation(hefei_officer, round_2021)
    workflow.perform(returned, Action.RETURN, actor=anhui_officer, reason="补充")
    return {
        "fresh": fresh,
        "returned": returned,
        "submitted": submitted_recommendation(hefei_officer, round_2021),
        "wuhu": submitted_recommendation(wuhu_officer, round_2021),
        "hangzhou": submitted_recommendation(hangzhou_officer, round_2021),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("national_admin", ["fresh", "returned", "submitted", "wuhu", "hangzhou"]),
        ("anhui_officer", ["returned", "submitted", "wuhu"]),
        ("zhejiang_officer", ["hangzhou"]),
        ("hefei_officer", ["fresh", "returned", "submitted"]),
        ("wuhu_officer", ["wuhu"]),
        ("expert_from_anhui", []),
    ],
)
def test_visible_recommendations_by_role(request, recommendations, role, expected):
    user = request.getfixturevalue(role)
    visible = set(permissions.visible_recommendations(user).values_list("pk", flat=True))
    assert visible == {recommendations[name].pk for name in expected}
    for name, rec in recommendations.items():
        assert permissions.can(user, Can.READ, rec) == (name in expected)


def test_anonymous_sees_nothing(recommendations):
    from django.contrib.auth.models import AnonymousUser

    assert list(permissions.visible_recommendations(AnonymousUser())) == []


def test_only_the_units_officers_may_edit_and_only_drafts(recommendations, hefei_officer, anhui_officer):
    assert permissions.can(hefei_officer, Can.EDIT, recommendations["fresh"])
    assert permissions.can(hefei_officer, Can.EDIT, recommendations["returned"])
    assert not permissions.can(hefei_officer, Can.EDIT, recommendations["submitted"])
    assert not permissions.can(anhui_officer, Can.EDIT, recommendations["fresh"])
