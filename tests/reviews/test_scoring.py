"""Scoring: each criterion within its maximum, a draft, a submission that locks the sheet,
and the administrator's reopening (recorded)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dibiao.core.errors import DomainError
from dibiao.core.models import AuditEvent
from dibiao.reviews import services
from dibiao.reviews.choices import ReviewState
from dibiao.reviews.models import Assignment, Score

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

GOOD = ["18", "17.5", "22", "12", "16"]  # 85.5 of 100


@pytest.fixture
def sheet(hefei_rec, zhejiang_expert, rubric, panel, round_2021, national_admin):
    """Zhejiang's expert's score sheet of Hefei's project, in review."""
    assignment = services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)
    assignment.refresh_from_db()
    return assignment


def points(rubric, values):
    return {criterion.pk: value for criterion, value in zip(rubric, values, strict=True)}


def test_a_draft_keeps_what_was_typed_and_may_be_incomplete(sheet, rubric, zhejiang_expert):
    services.save_review(
        sheet, actor=zhejiang_expert.user, points=points(rubric, ["18", "", "２２", "", ""]), comment="初评"
    )

    sheet.refresh_from_db()
    assert sheet.state == ReviewState.DRAFT
    assert sheet.comment == "初评"
    assert sheet.total is None
    assert dict(sheet.scores.values_list("criterion__title", "points")) == {
        "地理标志运用基础": Decimal("18.0"),
        "产业发展与联农带农": Decimal("22.0"),
    }
    assert AuditEvent.objects.filter(verb="review.saved", object_id=str(sheet.pk)).count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "分数不能为负数。"),
        ("21", "不能超过 20 分：这是该项的满分。"),
        ("20.05", "不能超过 20 分：这是该项的满分。"),
        ("18.25", "分数最多保留一位小数，例如 18.5。"),
        ("十八", "请输入数字，例如 18 或 18.5。"),
        ("18分", "请输入数字，例如 18 或 18.5。"),
        ("1e1", "请输入数字，例如 18 或 18.5。"),
        ("nan", "请输入数字，例如 18 或 18.5。"),
    ],
)
def test_a_score_out_of_bounds_is_refused_in_chinese_and_nothing_is_saved(
    sheet, rubric, zhejiang_expert, typed, message
):
    services.save_review(sheet, actor=zhejiang_expert.user, points=points(rubric, ["10", "", "", "", ""]))
    values = ["19", "15", "20", "10", "10"]
    values[0] = typed

    with pytest.raises(services.ScoreProblems) as refused:
        services.save_review(sheet, actor=zhejiang_expert.user, points=points(rubric, values), comment="改")

    assert refused.value.problems == {rubric[0].pk: message}
    assert refused.value.message == "部分分数无效，未保存任何内容。请改正后再保存。"
    sheet.refresh_from_db()
    assert sheet.comment == ""
    assert list(sheet.scores.values_list("points", flat=True)) == [Decimal("10.0")]


def test_the_bounds_themselves_are_allowed(sheet, rubric, zhejiang_expert):
    services.save_review(
        sheet, actor=zhejiang_expert.user, points=points(rubric, ["0", "20", "25.0", "14.9", "0.5"])
    )
    assert sorted(Score.objects.filter(assignment=sheet).values_list("points", flat=True)) == [
        Decimal("0.0"),
        Decimal("0.5"),
        Decimal("14.9"),
        Decimal("20.0"),
        Decimal("25.0"),
    ]


def test_submitting_needs_every_criterion_and_a_comment(sheet, rubric, zhejiang_expert):
    with pytest.raises(services.ScoreProblems) as refused:
        services.submit_review(
            sheet,
            actor=zhejiang_expert.user,
            points=points(rubric, ["18", "", "22", "12", "16"]),
            comment="好",
        )
    assert refused.value.problems == {rubric[1].pk: "提交前请为此项打分。"}

    with pytest.raises(services.ScoreProblems) as refused:
        services.submit_review(sheet, actor=zhejiang_expert.user, points=points(rubric, GOOD), comment="  ")
    assert refused.value.message == "提交前请填写对项目的评审意见。"

    sheet.refresh_from_db()
    assert (sheet.state, sheet.scores.count()) == (ReviewState.DRAFT, 0)


def test_a_submitted_sheet_is_locked_until_the_administrator_reopens_it(
    sheet, rubric, zhejiang_expert, national_admin
):
    services.submit_review(
        sheet, actor=zhejiang_expert.user, points=points(rubric, GOOD), comment="基础扎实，带农效果明显。"
    )
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total) == (ReviewState.SUBMITTED, Decimal("85.5"))
    assert sheet.submitted_at is not None

    for change in (services.save_review, services.submit_review):
        with pytest.raises(DomainError) as refused:
            change(
                sheet,
                actor=zhejiang_expert.user,
                points=points(rubric, ["20"] * 3 + ["15", "20"]),
                comment="改",
            )
        assert refused.value.message == "此评审已提交，分数已锁定。如需修改，请联系国家知识产权局管理员退回。"
    sheet.refresh_from_db()
    assert sheet.total == Decimal("85.5")

    with pytest.raises(DomainError) as refused:
        services.reopen_review(sheet, actor=national_admin, reason=" ")
    assert refused.value.message == "请填写理由。"
    with pytest.raises(DomainError):
        services.reopen_review(sheet, actor=zhejiang_expert.user, reason="我想改")

    services.reopen_review(sheet, actor=national_admin, reason="第三项分数与意见不一致")
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total, sheet.submitted_at) == (ReviewState.DRAFT, None, None)
    assert sheet.scores.count() == 5  # the scores stay for the expert to change
    event = AuditEvent.objects.get(verb="review.reopened")
    assert (event.actor, event.data["reason"], event.data["old_total"]) == (
        national_admin,
        "第三项分数与意见不一致",
        "85.5",
    )

    services.submit_review(
        sheet,
        actor=zhejiang_expert.user,
        points=points(rubric, ["19", "17.5", "22", "12", "16"]),
        comment="已复核。",
    )
    sheet.refresh_from_db()
    assert sheet.total == Decimal("86.5")
    assert list(
        AuditEvent.objects.filter(object_type="reviews.assignment", object_id=str(sheet.pk))
        .order_by("pk")
        .values_list("verb", "actor")
    ) == [
        ("review.assigned", national_admin.pk),
        ("review.submitted", zhejiang_expert.user.pk),
        ("review.reopened", national_admin.pk),
        ("review.submitted", zhejiang_expert.user.pk),
    ]


def test_nobody_else_scores_the_sheet(sheet, rubric, beijing_expert, national_admin):
    for actor in (beijing_expert.user, national_admin):
        with pytest.raises(DomainError) as refused:
            services.save_review(sheet, actor=actor, points=points(rubric, GOOD))
        assert refused.value.message == "只有被分配评审此项目的专家可以打分。"
    assert Score.objects.count() == 0


def test_a_project_cannot_be_scored_before_the_review_starts(
    hefei_rec, zhejiang_expert, rubric, panel, national_admin
):
    sheet = services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    with pytest.raises(DomainError):
        services.save_review(sheet, actor=zhejiang_expert.user, points=points(rubric, GOOD))
    assert Score.objects.count() == 0


# --- the page ----------------------------------------------------------------------------------


def form_data(rubric, values, comment="", button="save"):
    data = {f"c{criterion.pk}": value for criterion, value in zip(rubric, values, strict=True)}
    data["comment"] = comment
    data[button] = "1"
    return data


def test_the_page_shows_each_bad_score_with_its_message_and_keeps_the_input(
    client, sheet, rubric, zhejiang_expert
):
    client.force_login(zhejiang_expert.user)
    url = reverse("reviews:review", args=[sheet.pk])

    response = client.post(url, form_data(rubric, ["abc", "25", "22", "12", "-3"], "我的意见"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "请输入数字，例如 18 或 18.5。" in page
    assert "不能超过 20 分：这是该项的满分。" in page
    assert "分数不能为负数。" in page
    assert 'value="abc"' in page
    assert "我的意见" in page
    assert Score.objects.count() == 0


def test_the_page_saves_submits_and_then_shows_the_sheet_locked(client, sheet, rubric, zhejiang_expert):
    client.force_login(zhejiang_expert.user)
    url = reverse("reviews:review", args=[sheet.pk])

    saved = client.post(url, form_data(rubric, ["18", "", "", "", ""], "先存"))
    assert saved.status_code == 302
    submitted = client.post(url, form_data(rubric, GOOD, "基础扎实。", button="submit"), follow=True)

    page = submitted.content.decode()
    assert "您的评审已提交。谢谢！" in page
    assert "data-locked" in page
    assert 'name="submit"' not in page
    assert Assignment.objects.get(pk=sheet.pk).total == Decimal("85.5")
