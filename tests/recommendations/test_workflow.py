"""The path of a recommendation: who may take each step, when, and what each step records."""

import datetime as dt
import zoneinfo

import pytest

from dibiao.recommendations import services, workflow
from dibiao.recommendations.choices import Action, Section, State
from dibiao.recommendations.models import Recommendation, Transition, Version
from dibiao.recommendations.workflow import WorkflowError
from dibiao.rounds.models import Extension, Quota
from tests.factories import (
    IMPLEMENTING_OPINION,
    RECOMMENDING_OPINION,
    complete_recommendation_data,
    draft_recommendation,
    received_recommendation,
    recommended_recommendation,
    submitted_recommendation,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ROLES = [
    "hefei_officer",
    "wuhu_officer",
    "anhui_officer",
    "zhejiang_officer",
    "national_admin",
    "expert_from_anhui",
]
WHO_MAY = {
    Action.SUBMIT: "hefei_officer",
    Action.RETURN: "anhui_officer",
    Action.RECOMMEND: "anhui_officer",
    Action.WITHDRAW: "anhui_officer",
    Action.RECEIVE: "national_admin",
    Action.RETURN_TO_PROVINCE: "national_admin",
}
REFUSED = {
    Action.SUBMIT: "只有本推荐书实施单位的经办人可以报送。",
    Action.RETURN: "只有推荐单位（省局）的经办人可以退回此推荐书。",
    Action.RECOMMEND: "只有推荐单位（省局）的经办人可以推荐此推荐书。",
    Action.WITHDRAW: "只有推荐单位（省局）的经办人可以撤回此推荐。",
    Action.RECEIVE: "只有国家局管理员可以接收推荐书。",
    Action.RETURN_TO_PROVINCE: "只有国家局管理员可以将推荐书退回省局。",
}


@pytest.fixture
def cast(
    request, hefei_officer, wuhu_officer, anhui_officer, zhejiang_officer, national_admin, expert_from_anhui
):
    return {name: request.getfixturevalue(name) for name in ROLES}


def ready_draft(unit_officer, round):
    """A complete draft with its sealed page: ready to be submitted."""
    rec = draft_recommendation(unit_officer, round, complete_recommendation_data())
    services.add_attachment(
        rec, actor=unit_officer, section=Section.IMPLEMENTING_SEAL, uploaded_file=upload()
    )
    return rec


def in_state(state, cast, round):
    """A Hefei recommendation in `state`, reached through the workflow, ready for its next step."""
    unit, province, admin = cast["hefei_officer"], cast["anhui_officer"], cast["national_admin"]
    if state == State.DRAFT:
        return ready_draft(unit, round)
    if state == State.SUBMITTED:
        rec = submitted_recommendation(unit, round)
        services.add_attachment(
            rec, actor=province, section=Section.RECOMMENDING_SEAL, uploaded_file=upload("省局.pdf")
        )
        return rec
    if state == State.RECOMMENDED:
        return recommended_recommendation(unit, province, round)
    return received_recommendation(unit, province, admin, round)


def step_arguments(action):
    if action == Action.SUBMIT:
        return {"opinion": IMPLEMENTING_OPINION}
    if action == Action.RECOMMEND:
        return {"opinion": RECOMMENDING_OPINION, "support": "省局将给予资金支持。"}
    if workflow.TRANSITIONS[action].reason:
        return {"reason": "材料不全"}
    return {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(WHO_MAY))
def test_each_step_is_taken_only_by_its_owner(action, role, cast, round_2021):
    step = workflow.TRANSITIONS[action]
    rec = in_state(step.source, cast, round_2021)
    before = Transition.objects.filter(recommendation=rec).count()
    actor = cast[role]

    if role == WHO_MAY[action]:
        transition = workflow.perform(rec, action, actor=actor, **step_arguments(action))
        rec.refresh_from_db()
        assert rec.state == step.target
        assert (transition.action, transition.from_state, transition.to_state, transition.actor) == (
            action,
            step.source,
            step.target,
            actor,
        )
        assert transition.reason == step_arguments(action).get("reason", "")
        assert Transition.objects.filter(recommendation=rec).count() == before + 1
    else:
        with pytest.raises(WorkflowError) as refused:
            workflow.perform(rec, action, actor=actor, **step_arguments(action))
        assert refused.value.message == REFUSED[action]
        rec.refresh_from_db()
        assert rec.state == step.source
        assert Transition.objects.filter(recommendation=rec).count() == before


@pytest.mark.parametrize(
    ("state", "role", "expected"),
    [
        (State.DRAFT, "hefei_officer", [Action.SUBMIT]),
        (State.DRAFT, "wuhu_officer", []),
        (State.DRAFT, "anhui_officer", []),
        (State.DRAFT, "national_admin", []),
        (State.SUBMITTED, "hefei_officer", []),
        (State.SUBMITTED, "anhui_officer", [Action.RETURN, Action.RECOMMEND]),
        (State.SUBMITTED, "zhejiang_officer", []),
        (State.SUBMITTED, "national_admin", []),
        (State.RECOMMENDED, "anhui_officer", [Action.WITHDRAW]),
        (State.RECOMMENDED, "national_admin", [Action.RECEIVE]),
        (State.RECOMMENDED, "expert_from_anhui", []),
        (State.RECEIVED, "anhui_officer", []),
        (State.RECEIVED, "national_admin", [Action.RETURN_TO_PROVINCE]),
    ],
)
def test_available_actions_offer_only_steps_the_user_may_take(state, role, expected, cast, round_2021):
    rec = in_state(state, cast, round_2021)
    assert workflow.available_actions(cast[role], rec) == expected


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.RECOMMENDED, State.RECEIVED])
@pytest.mark.parametrize("role", ROLES)
def test_available_actions_are_never_refused_for_who_or_where(state, role, cast, round_2021):
    rec = in_state(state, cast, round_2021)
    for action in workflow.available_actions(cast[role], rec):
        workflow.perform(rec, action, actor=cast[role], **step_arguments(action))
        break  # one step changes the state; the others were offered for the old one


def test_a_step_from_the_wrong_state_is_refused(round_2021, hefei_officer, anhui_officer):
    rec = draft_recommendation(hefei_officer, round_2021, complete_recommendation_data())
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION)
    assert refused.value.message == "推荐书当前状态为“草稿”，不能进行此操作。"


def test_the_loser_of_a_race_is_told_someone_else_handled_it(round_2021, hefei_officer, anhui_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    stale_copy = Recommendation.objects.get(pk=rec.pk)
    workflow.perform(rec, Action.RETURN, actor=anhui_officer, reason="请补充材料")

    with pytest.raises(WorkflowError) as refused:
        workflow.perform(stale_copy, Action.RETURN, actor=anhui_officer, reason="请补充材料")
    assert refused.value.message == "此推荐书已被他人处理，当前状态为“草稿”。请刷新页面查看最新状态。"
    assert stale_copy.state == State.DRAFT  # the page can show the current state
    assert Transition.objects.filter(recommendation=rec, action=Action.RETURN).count() == 1


@pytest.mark.parametrize("action", [Action.RETURN, Action.WITHDRAW, Action.RETURN_TO_PROVINCE])
def test_steps_back_need_a_reason(action, cast, round_2021):
    step = workflow.TRANSITIONS[action]
    rec = in_state(step.source, cast, round_2021)
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, action, actor=cast[WHO_MAY[action]], reason="   ")
    assert refused.value.message == "请填写理由。"
    assert refused.value.field == "reason"
    rec.refresh_from_db()
    assert rec.state == step.source


def test_submit_needs_a_complete_form(round_2021, hefei_officer):
    data = complete_recommendation_data(introduction="", project_name="")
    data["implementing_unit"]["contact"]["mobile"] = "12345"
    rec = draft_recommendation(hefei_officer, round_2021, data)
    services.add_attachment(
        rec, actor=hefei_officer, section=Section.IMPLEMENTING_SEAL, uploaded_file=upload()
    )

    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)

    assert refused.value.message == "推荐书尚未填写完整或有错误（共 3 处），请改正后再试。"
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("project_name", "此项为必填项。"),
        ("implementing_unit.contact.mobile", "请填写以 1 开头的 11 位手机号码，如 13800138000。"),
        ("introduction", "此项为必填项。"),
    ]
    rec.refresh_from_db()
    assert rec.state == State.DRAFT
    assert rec.versions.count() == 0


def test_submit_needs_the_units_opinion(round_2021, hefei_officer):
    rec = ready_draft(hefei_officer, round_2021)
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion={"text": "同意", "signer": ""})
    assert refused.value.message == "请填写实施单位意见、签字人和日期。"
    assert [p.field for p in refused.value.problems] == [
        "implementing_opinion.signer",
        "implementing_opinion.date",
    ]


def test_submit_needs_the_sealed_page(round_2021, hefei_officer):
    rec = draft_recommendation(hefei_officer, round_2021, complete_recommendation_data())
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)
    assert refused.value.message == "请先上传实施单位盖章页（加盖公章的扫描件）。"


def test_a_removed_sealed_page_does_not_count(round_2021, hefei_officer):
    rec = draft_recommendation(hefei_officer, round_2021, complete_recommendation_data())
    seal = services.add_attachment(
        rec, actor=hefei_officer, section=Section.IMPLEMENTING_SEAL, uploaded_file=upload()
    )
    services.remove_attachment(seal, actor=hefei_officer)
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)
    assert refused.value.message == "请先上传实施单位盖章页（加盖公章的扫描件）。"


def test_recommend_needs_the_provinces_opinion_and_sealed_page(round_2021, hefei_officer, anhui_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.RECOMMEND, actor=anhui_officer)
    assert refused.value.message == "请填写推荐单位意见、签字人和日期。"
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION)
    assert refused.value.message == "请先上传推荐单位盖章页（加盖公章的扫描件）。"
    rec.refresh_from_db()
    assert rec.state == State.SUBMITTED
    assert rec.data["recommending_opinion"] == {"text": None, "signer": None, "date": None}


def test_each_step_records_its_times_and_flags(round_2021, hefei_officer, anhui_officer, national_admin):
    rec = submitted_recommendation(hefei_officer, round_2021)
    assert rec.submitted_at is not None
    assert rec.data["implementing_opinion"] == IMPLEMENTING_OPINION

    workflow.perform(rec, Action.RETURN, actor=anhui_officer, reason="请补充产地范围")
    assert (rec.state, rec.is_returned) == (State.DRAFT, True)
    assert rec.transitions.last().reason == "请补充产地范围"

    services.add_attachment(
        rec, actor=hefei_officer, section=Section.IMPLEMENTING_SEAL, uploaded_file=upload()
    )
    workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)
    assert (rec.state, rec.is_returned) == (State.SUBMITTED, False)

    services.add_attachment(
        rec, actor=anhui_officer, section=Section.RECOMMENDING_SEAL, uploaded_file=upload()
    )
    workflow.perform(
        rec, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION, support="专项资金"
    )
    assert rec.state == State.RECOMMENDED
    assert rec.recommended_at is not None
    assert rec.data["recommending_opinion"] == RECOMMENDING_OPINION
    assert rec.data["recommender_support"] == "专项资金"

    workflow.perform(rec, Action.WITHDRAW, actor=anhui_officer, reason="调整推荐顺序")
    assert (rec.state, rec.recommended_at, rec.is_returned) == (State.SUBMITTED, None, False)

    workflow.perform(rec, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION)
    workflow.perform(rec, Action.RECEIVE, actor=national_admin)
    assert rec.state == State.RECEIVED
    assert rec.received_at is not None

    workflow.perform(rec, Action.RETURN_TO_PROVINCE, actor=national_admin, reason="纸件未盖章")
    assert (rec.state, rec.received_at, rec.recommended_at, rec.is_returned) == (
        State.SUBMITTED,
        None,
        None,
        True,
    )

    assert list(rec.transitions.values_list("action", "from_state", "to_state")) == [
        (Action.CREATE, "", State.DRAFT),
        (Action.SUBMIT, State.DRAFT, State.SUBMITTED),
        (Action.RETURN, State.SUBMITTED, State.DRAFT),
        (Action.SUBMIT, State.DRAFT, State.SUBMITTED),
        (Action.RECOMMEND, State.SUBMITTED, State.RECOMMENDED),
        (Action.WITHDRAW, State.RECOMMENDED, State.SUBMITTED),
        (Action.RECOMMEND, State.SUBMITTED, State.RECOMMENDED),
        (Action.RECEIVE, State.RECOMMENDED, State.RECEIVED),
        (Action.RETURN_TO_PROVINCE, State.RECEIVED, State.SUBMITTED),
    ]


# --- deadline ------------------------------------------------------------------------------------


LAST_SECOND = dt.datetime(2021, 9, 15, 23, 59, 59, tzinfo=SHANGHAI)
FIRST_SECOND_AFTER = dt.datetime(2021, 9, 16, 0, 0, 0, tzinfo=SHANGHAI)


def test_submit_in_the_deadlines_last_second_is_accepted(time_machine, round_2021, hefei_officer):
    rec = ready_draft(hefei_officer, round_2021)
    time_machine.move_to(LAST_SECOND, tick=False)
    workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)
    assert rec.state == State.SUBMITTED


def test_submit_at_midnight_after_the_deadline_is_refused(time_machine, round_2021, hefei_officer):
    rec = ready_draft(hefei_officer, round_2021)
    time_machine.move_to(FIRST_SECOND_AFTER, tick=False)
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)
    assert refused.value.message == (
        "安徽省知识产权局的截止时间为2021年9月15日 23:59，现已截止，不能再报送或推荐。"
    )
    rec.refresh_from_db()
    assert rec.state == State.DRAFT


@pytest.mark.parametrize(("moment", "allowed"), [(LAST_SECOND, True), (FIRST_SECOND_AFTER, False)])
def test_recommend_at_the_deadline(time_machine, moment, allowed, cast, round_2021):
    rec = in_state(State.SUBMITTED, cast, round_2021)
    time_machine.move_to(moment, tick=False)
    if allowed:
        workflow.perform(rec, Action.RECOMMEND, actor=cast["anhui_officer"], opinion=RECOMMENDING_OPINION)
        assert rec.state == State.RECOMMENDED
    else:
        with pytest.raises(WorkflowError) as refused:
            workflow.perform(rec, Action.RECOMMEND, actor=cast["anhui_officer"], opinion=RECOMMENDING_OPINION)
        assert refused.value.message.endswith("现已截止，不能再报送或推荐。")
        assert rec.state == State.SUBMITTED


@pytest.mark.parametrize(("moment", "allowed"), [(LAST_SECOND, True), (FIRST_SECOND_AFTER, False)])
def test_withdraw_only_until_the_deadline(time_machine, moment, allowed, cast, round_2021):
    rec = in_state(State.RECOMMENDED, cast, round_2021)
    time_machine.move_to(moment, tick=False)
    if allowed:
        workflow.perform(rec, Action.WITHDRAW, actor=cast["anhui_officer"], reason="换一个项目")
        assert rec.state == State.SUBMITTED
    else:
        with pytest.raises(WorkflowError) as refused:
            workflow.perform(rec, Action.WITHDRAW, actor=cast["anhui_officer"], reason="换一个项目")
        assert refused.value.message == (
            "安徽省知识产权局的截止时间为2021年9月15日 23:59，现已截止，不能再撤回推荐。"
        )


def test_receive_and_return_have_no_deadline(time_machine, cast, round_2021):
    rec = in_state(State.RECOMMENDED, cast, round_2021)
    time_machine.move_to(dt.datetime(2021, 10, 8, 9, 0, tzinfo=SHANGHAI), tick=False)
    workflow.perform(rec, Action.RECEIVE, actor=cast["national_admin"])
    workflow.perform(rec, Action.RETURN_TO_PROVINCE, actor=cast["national_admin"], reason="缺页")
    assert rec.state == State.SUBMITTED


def test_an_extension_lets_its_province_submit_and_recommend_after_the_deadline(
    time_machine, round_2021, hefei_officer, anhui_officer, anhui, national_admin
):
    rec = ready_draft(hefei_officer, round_2021)
    Extension.objects.create(
        round=round_2021,
        province=anhui,
        until=dt.datetime(2021, 9, 20, 23, 59, 59, tzinfo=SHANGHAI),
        reason="汛期",
        granted_by=national_admin,
    )
    time_machine.move_to(FIRST_SECOND_AFTER, tick=False)
    workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)
    services.add_attachment(
        rec, actor=anhui_officer, section=Section.RECOMMENDING_SEAL, uploaded_file=upload()
    )

    time_machine.move_to(dt.datetime(2021, 9, 20, 23, 59, 59, tzinfo=SHANGHAI), tick=False)
    workflow.perform(rec, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION)
    assert rec.state == State.RECOMMENDED

    time_machine.move_to(dt.datetime(2021, 9, 21, 0, 0, 0, tzinfo=SHANGHAI), tick=False)
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.WITHDRAW, actor=anhui_officer, reason="x")
    assert (
        refused.value.message == "安徽省知识产权局的截止时间为2021年9月20日 23:59，现已截止，不能再撤回推荐。"
    )


def test_another_provinces_extension_does_not_help(
    time_machine, round_2021, hefei_officer, zhejiang, national_admin
):
    rec = ready_draft(hefei_officer, round_2021)
    Extension.objects.create(
        round=round_2021,
        province=zhejiang,
        until=dt.datetime(2021, 9, 20, 23, 59, 59, tzinfo=SHANGHAI),
        reason="汛期",
        granted_by=national_admin,
    )
    time_machine.move_to(FIRST_SECOND_AFTER, tick=False)
    with pytest.raises(WorkflowError):
        workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)


# --- versions ------------------------------------------------------------------------------------


def test_submission_is_frozen_and_later_edits_make_a_new_version(round_2021, hefei_officer, anhui_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    v1 = Version.objects.get(recommendation=rec)
    assert v1.number == 1
    assert v1.data == rec.data
    assert [a["section"] for a in v1.attachments] == [Section.IMPLEMENTING_SEAL]
    assert rec.transitions.get(action=Action.SUBMIT).version == v1

    workflow.perform(rec, Action.RETURN, actor=anhui_officer, reason="项目名称不准确")
    changed = dict(rec.data, project_name="砀山酥梨品牌建设项目")
    services.save_draft(rec, actor=hefei_officer, data=changed, revision=rec.revision)

    v1.refresh_from_db()
    assert v1.data["project_name"] == "砀山酥梨地理标志运用促进工程"

    workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)
    v2 = rec.versions.get(number=2)
    assert v2.data["project_name"] == "砀山酥梨品牌建设项目"
    assert v2.fingerprint != v1.fingerprint
    assert len(v2.fingerprint) == 12
    assert rec.transitions.filter(action=Action.SUBMIT).last().version == v2
    assert rec.transitions.get(action=Action.RETURN).version == v1


def test_recommendation_freezes_a_version_with_the_provinces_parts(round_2021, hefei_officer, anhui_officer):
    rec = recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    submitted, recommended = rec.versions.order_by("number")
    assert submitted.data["recommending_opinion"] == {"text": None, "signer": None, "date": None}
    assert recommended.data["recommending_opinion"] == RECOMMENDING_OPINION
    assert [a["section"] for a in recommended.attachments] == [
        Section.IMPLEMENTING_SEAL,
        Section.RECOMMENDING_SEAL,
    ]
    assert recommended.fingerprint != submitted.fingerprint


# --- quota ---------------------------------------------------------------------------------------


def test_recommending_beyond_the_quota_is_refused(round_2021, hefei_officer, anhui_officer, anhui):
    Quota.objects.filter(round=round_2021, province=anhui).update(cap=2)
    first = recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    third = submitted_recommendation(hefei_officer, round_2021)
    services.add_attachment(
        third, actor=anhui_officer, section=Section.RECOMMENDING_SEAL, uploaded_file=upload()
    )

    with pytest.raises(WorkflowError) as refused:
        workflow.perform(third, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION)
    assert refused.value.message == (
        "名额已用完：安徽省知识产权局本批次最多可推荐 2 个项目，已推荐 2 个。如需推荐此项目，请先撤回一个已推荐的项目。"
    )
    assert third.state == State.SUBMITTED
    assert Recommendation.objects.filter(province=anhui, state=State.RECOMMENDED).count() == 2

    workflow.perform(first, Action.WITHDRAW, actor=anhui_officer, reason="优先推荐另一项目")
    workflow.perform(third, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION)
    assert third.state == State.RECOMMENDED


def test_received_projects_keep_holding_the_quota(
    round_2021, hefei_officer, anhui_officer, national_admin, anhui
):
    Quota.objects.filter(round=round_2021, province=anhui).update(cap=1)
    received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    other = submitted_recommendation(hefei_officer, round_2021)
    services.add_attachment(
        other, actor=anhui_officer, section=Section.RECOMMENDING_SEAL, uploaded_file=upload()
    )
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(other, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION)
    assert refused.value.message.startswith("名额已用完")


def test_a_province_without_quota_cannot_recommend(round_2021, hefei_officer, anhui_officer, anhui):
    Quota.objects.filter(round=round_2021, province=anhui).delete()
    rec = submitted_recommendation(hefei_officer, round_2021)
    services.add_attachment(
        rec, actor=anhui_officer, section=Section.RECOMMENDING_SEAL, uploaded_file=upload()
    )
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION)
    assert refused.value.message == "安徽省知识产权局在本批次没有推荐名额，不能推荐项目。"


# --- numbering -----------------------------------------------------------------------------------


def test_receipt_numbers_are_sequential_per_province(
    round_2021, hefei_officer, anhui_officer, hangzhou_officer, zhejiang_officer, national_admin
):
    first = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    second = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    zhejiang_first = received_recommendation(hangzhou_officer, zhejiang_officer, national_admin, round_2021)
    assert (first.number, first.number_seq) == ("2021-34-01", 1)
    assert (second.number, second.number_seq) == ("2021-34-02", 2)
    assert zhejiang_first.number == "2021-33-01"


def test_a_project_returned_to_its_province_keeps_its_number(
    round_2021, hefei_officer, anhui_officer, national_admin
):
    rec = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    assert rec.number == "2021-34-01"
    workflow.perform(rec, Action.RETURN_TO_PROVINCE, actor=national_admin, reason="纸件缺少公章")
    rec.refresh_from_db()
    assert (rec.state, rec.number) == (State.SUBMITTED, "2021-34-01")

    other = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    assert other.number == "2021-34-02"

    workflow.perform(rec, Action.RECOMMEND, actor=anhui_officer, opinion=RECOMMENDING_OPINION)
    workflow.perform(rec, Action.RECEIVE, actor=national_admin)
    rec.refresh_from_db()
    assert (rec.state, rec.number, rec.number_seq) == (State.RECEIVED, "2021-34-01", 1)

    third = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    assert third.number == "2021-34-03"


def test_an_applicant_cannot_set_the_number(round_2021, hefei_officer, anhui_officer):
    data = complete_recommendation_data(number="2021-34-99", year=1999)
    rec = recommended_recommendation(hefei_officer, anhui_officer, round_2021, data)
    assert rec.number is None
    assert "number" not in rec.data


@pytest.mark.parametrize("action", [Action.CREATE, "publish"])
def test_an_unknown_step_is_refused(round_2021, hefei_officer, action):
    rec = draft_recommendation(hefei_officer, round_2021)
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(rec, action, actor=hefei_officer)
    assert refused.value.message == "没有这项操作。"


def test_quota_held_counts_recommended_and_later(
    round_2021, hefei_officer, anhui_officer, national_admin, anhui
):
    from dibiao.recommendations import queries

    submitted_recommendation(hefei_officer, round_2021)
    recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    assert queries.quota_held(round_2021, anhui) == 2
    assert queries.quota_cap(round_2021, anhui) == 7
