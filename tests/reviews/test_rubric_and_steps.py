"""The round's rubric (editable until the review starts), starting and completing the review
through the workflow, and the two opinions of 六 in the recommendation's data."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dibiao.core.errors import DomainError
from dibiao.core.models import AuditEvent
from dibiao.recommendations import workflow
from dibiao.recommendations.choices import Action, State
from dibiao.recommendations.models import Transition
from dibiao.recommendations.workflow import WorkflowError
from dibiao.reviews import services
from dibiao.reviews.models import Criterion
from dibiao.rounds.choices import RoundState

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


# --- the rubric ---------------------------------------------------------------------------------


def test_the_default_rubric_of_2021_has_five_criteria_and_100_points(round_2021):
    criteria = services.default_rubric(round_2021)

    assert [(c.position, c.title, c.max_points) for c in criteria] == [
        (1, "地理标志运用基础", Decimal(20)),
        (2, "品牌建设", Decimal(20)),
        (3, "产业发展与联农带农", Decimal(25)),
        (4, "保障措施", Decimal(15)),
        (5, "示范带动价值", Decimal(20)),
    ]
    assert sum(c.max_points for c in criteria) == 100
    assert all(c.guidance for c in criteria)
    assert "品牌建设行动" in criteria[1].guidance
    assert "示范带动作用明显" in criteria[4].guidance
    # A rubric that exists is kept as it is.
    assert services.default_rubric(round_2021) == criteria


def test_the_rubric_is_replaced_until_the_review_starts_then_frozen(
    round_2021, hefei_rec, zhejiang_expert, national_admin
):
    services.save_rubric(
        round_2021,
        [
            services.CriterionInput("基础", Decimal(40), "看基础"),
            services.CriterionInput("成效", Decimal("60.0")),
        ],
        actor=national_admin,
    )
    assert list(Criterion.objects.filter(round=round_2021).values_list("title", "max_points")) == [
        ("基础", Decimal(40)),
        ("成效", Decimal(60)),
    ]
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)

    with pytest.raises(DomainError) as refused:
        services.save_rubric(round_2021, [services.CriterionInput("新", Decimal(100))], actor=national_admin)
    assert refused.value.message.startswith(
        "本批次评审已于 2021-09-01 10:00 开始，评分细则已冻结，不能再修改"
    )
    assert Criterion.objects.filter(round=round_2021).count() == 2


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("0", "满分必须大于 0。"),
        ("100.5", "满分最多为 100 分。"),
        ("12.25", "分数最多保留一位小数，例如 18.5。"),
    ],
)
def test_a_criterion_needs_a_sensible_maximum(round_2021, national_admin, points, message):
    with pytest.raises(DomainError) as refused:
        services.save_rubric(
            round_2021, [services.CriterionInput("基础", Decimal(points))], actor=national_admin
        )
    assert refused.value.message == f"基础：{message}"


def test_the_rubric_page_edits_and_then_shows_the_frozen_rubric(
    client, round_2021, rubric, hefei_rec, zhejiang_expert, national_admin
):
    client.force_login(national_admin)
    url = reverse("reviews:rubric", args=[round_2021.pk])
    data = {"criteria-TOTAL_FORMS": "6", "criteria-INITIAL_FORMS": "5"}
    for index, criterion in enumerate(rubric):
        data |= {
            f"criteria-{index}-title": criterion.title,
            f"criteria-{index}-max_points": str(criterion.max_points),
            f"criteria-{index}-guidance": criterion.guidance,
        }
    data |= {"criteria-4-DELETE": "on", "criteria-5-title": "创新性", "criteria-5-max_points": "20"}

    assert client.post(url, data).status_code == 302
    assert [c.title for c in Criterion.objects.filter(round=round_2021)][-1] == "创新性"

    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)
    page = client.get(url).content.decode()
    assert "评分细则已冻结" in page
    assert 'name="criteria-0-title"' not in page
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "评分细则已冻结，不能再修改" in refused.content.decode()


# --- starting and completing ----------------------------------------------------------------------


def test_starting_the_review_moves_the_projects_with_experts_through_the_workflow(
    round_2021, rubric, hefei_rec, hangzhou_rec, zhejiang_expert, national_admin
):
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)

    report = services.start_review(round_2021, actor=national_admin)

    assert (report.moved, report.without_experts, report.refused) == (1, 1, [])
    hefei_rec.refresh_from_db()
    hangzhou_rec.refresh_from_db()
    assert (hefei_rec.state, hangzhou_rec.state) == (State.IN_REVIEW, State.RECEIVED)
    step = Transition.objects.get(recommendation=hefei_rec, action=Action.START_REVIEW)
    assert (step.from_state, step.to_state, step.actor) == (State.RECEIVED, State.IN_REVIEW, national_admin)
    round_2021.refresh_from_db()
    assert round_2021.state == RoundState.IN_REVIEW
    assert round_2021.panel.review_started_at is not None
    assert AuditEvent.objects.filter(verb="review.started").count() == 1


def test_the_review_does_not_start_without_a_rubric(round_2021, hefei_rec, zhejiang_expert, national_admin):
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    with pytest.raises(DomainError) as refused:
        services.start_review(round_2021, actor=national_admin)
    assert refused.value.message == "评审开始前，请先设置本批次的评分细则。"


def test_the_workflow_refuses_to_start_a_project_without_experts(hefei_rec, national_admin):
    with pytest.raises(WorkflowError) as refused:
        workflow.perform(hefei_rec, Action.START_REVIEW, actor=national_admin)
    assert refused.value.message == "此项目尚未分配评审专家，请先分配专家。"


def test_the_review_steps_are_not_offered_on_the_recommendation_page(hefei_rec, national_admin):
    assert workflow.available_actions(national_admin, hefei_rec) == [Action.RETURN_TO_PROVINCE]


@pytest.fixture
def reviewed_ready(round_2021, rubric, hefei_rec, zhejiang_expert, beijing_expert, national_admin):
    """Hefei's project in review with two experts and the group leader from Beijing."""
    services.update_panel(round_2021, actor=national_admin, experts_per_project=2, leader=beijing_expert)
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    services.assign(hefei_rec, beijing_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)
    hefei_rec.refresh_from_db()
    return hefei_rec


def submit(sheet_expert, rec, rubric):
    sheet = rec.assignments.get(expert=sheet_expert)
    services.submit_review(sheet, actor=sheet_expert.user, points={c.pk: "15" for c in rubric}, comment="好")


def test_completing_needs_every_review_and_the_group_opinion(
    reviewed_ready, rubric, zhejiang_expert, beijing_expert, national_admin
):
    rec = reviewed_ready
    submit(zhejiang_expert, rec, rubric)
    with pytest.raises(WorkflowError) as refused:
        services.complete_review(rec, actor=national_admin)
    assert refused.value.message == "此项目的 2 份评审中还有 1 份未提交。"

    submit(beijing_expert, rec, rubric)
    with pytest.raises(WorkflowError) as refused:
        services.complete_review(rec, actor=national_admin)
    assert refused.value.message == "组长尚未填写专家组意见。"

    services.write_group_opinion(
        rec, actor=beijing_expert.user, opinion="　　项目基础扎实，同意推荐。", date="2021-10-20"
    )
    services.complete_review(rec, actor=national_admin)
    rec.refresh_from_db()
    assert rec.state == State.REVIEWED


def test_the_opinions_are_written_into_six_of_the_form(
    reviewed_ready, rubric, zhejiang_expert, beijing_expert, national_admin
):
    rec = reviewed_ready
    submit(zhejiang_expert, rec, rubric)
    submit(beijing_expert, rec, rubric)
    services.write_group_opinion(
        rec, actor=beijing_expert.user, opinion="　　项目基础扎实，同意推荐。", date="2021年10月20日"
    )

    with pytest.raises(DomainError) as refused:
        services.write_department_opinion(
            rec,
            actor=national_admin,
            opinion="同意",
            handler="刘佳",
            division="地理标志运用处",
            date="2021-11-01",
        )
    assert refused.value.message == "部门意见在专家评审之后填写：请先完成专家评审。"
    services.complete_review(rec, actor=national_admin)
    services.write_department_opinion(
        rec,
        actor=national_admin,
        opinion="同意列为重点优势项目。",
        handler="刘佳",
        division="地理标志运用处",
        date="2021-11-01",
    )

    rec.refresh_from_db()
    assert rec.data["approval"] == {
        "expert_group": {
            "opinion": "　　项目基础扎实，同意推荐。",
            "leader": "北京专家",
            "date": "2021-10-20",
        },
        "department": {
            "opinion": "同意列为重点优势项目。",
            "handler": "刘佳",
            "division": "地理标志运用处",
            "date": "2021-11-01",
        },
    }
    assert [
        e.verb
        for e in AuditEvent.objects.filter(
            object_type="recommendations.recommendation", object_id=str(rec.pk), verb__startswith="review."
        ).order_by("pk")
    ] == [
        "review.group_opinion",
        "review.department_opinion",
    ]


def test_only_the_leader_or_the_administrator_writes_the_group_opinion(
    reviewed_ready, zhejiang_expert, national_admin
):
    with pytest.raises(DomainError) as refused:
        services.write_group_opinion(reviewed_ready, actor=zhejiang_expert.user, opinion="我来写")
    assert refused.value.message == "只有组长可以填写专家组意见。"

    services.write_group_opinion(
        reviewed_ready, actor=national_admin, opinion="据组长意见录入。", date="2021-10-21"
    )
    reviewed_ready.refresh_from_db()
    assert reviewed_ready.data["approval"]["expert_group"]["leader"] == "北京专家"


def test_a_leader_does_not_write_the_opinion_of_a_project_they_are_in_conflict_with(
    round_2021, rubric, hefei_rec, anhui_expert, zhejiang_expert, national_admin
):
    services.update_panel(round_2021, actor=national_admin, experts_per_project=1, leader=anhui_expert)
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)

    with pytest.raises(DomainError):
        services.write_group_opinion(hefei_rec, actor=anhui_expert.user, opinion="本省项目")
    hefei_rec.refresh_from_db()
    assert hefei_rec.data.get("approval") is None


def test_the_leader_writes_the_opinion_on_the_page(
    client, reviewed_ready, rubric, zhejiang_expert, beijing_expert
):
    submit(zhejiang_expert, reviewed_ready, rubric)
    client.force_login(beijing_expert.user)
    url = reverse("reviews:group_opinion", args=[reviewed_ready.pk])
    page = client.get(url).content.decode()
    assert "基础扎实" not in page
    assert "浙江专家" in page  # the submitted sheet of the group

    response = client.post(url, {"opinion": "同意推荐。", "date": "2021-10-22"})

    assert response.status_code == 302
    reviewed_ready.refresh_from_db()
    assert reviewed_ready.data["approval"]["expert_group"] == {
        "opinion": "同意推荐。",
        "leader": "北京专家",
        "date": "2021-10-22",
    }


def test_the_word_and_pdf_copies_show_both_opinions_in_six(
    reviewed_ready, rubric, zhejiang_expert, beijing_expert, national_admin
):
    from dibiao.documents.content import form_content

    rec = reviewed_ready
    submit(zhejiang_expert, rec, rubric)
    submit(beijing_expert, rec, rubric)
    services.write_group_opinion(
        rec, actor=beijing_expert.user, opinion="　　项目基础扎实。\n　　同意推荐。", date="2021-10-20"
    )
    services.complete_review(rec, actor=national_admin)
    services.write_department_opinion(
        rec,
        actor=national_admin,
        opinion="同意。",
        handler="刘佳",
        division="地理标志运用处",
        date="2021-11-01",
    )
    rec.refresh_from_db()

    six = form_content(rec).approval

    assert (six.expert_paragraphs, six.leader, six.expert_date_line) == (
        ["\u3000\u3000项目基础扎实。", "\u3000\u3000同意推荐。"],
        "北京专家",
        "2021年10月20日",
    )
    assert (six.department_paragraphs, six.handler, six.division, six.department_date_line) == (
        ["同意。"],
        "刘佳",
        "地理标志运用处",
        "2021年11月1日",
    )
