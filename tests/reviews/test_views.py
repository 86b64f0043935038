"""The review pages: what they show, their query counts, and the reviewer's copy of the form."""

import pytest
from django.urls import reverse

from dibiao.recommendations.choices import State
from dibiao.reviews import queries, services
from dibiao.reviews.models import Assignment
from tests.factories import IMPLEMENTING_OPINION, complete_recommendation_data, received_recommendation

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


# --- the reviewer's copy ------------------------------------------------------------------------


@pytest.mark.unit
def test_the_reviewers_copy_drops_every_phone_e_mail_and_address_and_nothing_else():
    data = complete_recommendation_data(
        implementing_opinion=IMPLEMENTING_OPINION,
        approval={
            "expert_group": {"opinion": "同意", "leader": "甲", "date": "2021-10-01"},
            "department": None,
        },
    )

    copy = queries.reviewer_copy(data)

    assert copy["implementing_unit"] == {
        "name": "合肥市市场监督管理局（知识产权局）",
        "representative": {"name": "王建国", "title": "局长"},
        "responsible": {"name": "李明", "title": "副局长"},
        "contact": {"name": "张华"},
    }
    assert copy["recommending_unit"] == {
        "name": "安徽省知识产权局",
        "division_head": {"name": "陈处长"},
        "contact": {"name": "赵经办"},
    }
    assert "approval" not in copy
    for key in (
        "project_name",
        "geographical_indications",
        "introduction",
        "safeguards",
        "implementing_opinion",
    ):
        assert copy[key] == data[key]
    # The stored form is untouched.
    assert data["implementing_unit"]["contact"]["mobile"] == "13805571234"


@pytest.mark.unit
def test_the_reviewers_copy_survives_a_malformed_form():
    assert queries.reviewer_copy({"implementing_unit": "?", "recommending_unit": None}) == {
        "implementing_unit": "?",
        "recommending_unit": None,
    }
    assert queries.reviewer_copy(None) == {}


@pytest.mark.unit
def test_long_texts_become_paragraphs():
    assert queries.paragraphs("　　第一段。\n\n  第二段。\r\n") == ["第一段。", "第二段。"]


# --- an expert's list ---------------------------------------------------------------------------


@pytest.fixture
def many_projects(round_2021, rubric, hefei_officer, wuhu_officer, anhui_officer, national_admin):
    """Three Anhui projects, received."""
    return [
        received_recommendation(officer, anhui_officer, national_admin, round_2021)
        for officer in (hefei_officer, wuhu_officer, hefei_officer)
    ]


@pytest.mark.usefixtures("cold_pages")
def test_the_experts_list_needs_the_same_queries_for_one_or_three_projects(
    client, many_projects, zhejiang_expert, round_2021, national_admin, django_assert_num_queries
):
    first, *others = many_projects
    services.assign(first, zhejiang_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)
    client.force_login(zhejiang_expert.user)
    url = reverse("reviews:my_assignments")
    client.get(url)
    # Six: the session, the person, the panels led, the sheets, the unread count and the
    # navigation's group-leader lookup.
    with django_assert_num_queries(6) as one:
        page = client.get(url)
    assert len(page.context["sheets"]) == 1

    for rec in others:
        services.assign(rec, zhejiang_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert [sheet.recommendation for sheet in page.context["sheets"]] == many_projects
    assert [(sheet.scored_count, sheet.criteria_count) for sheet in page.context["sheets"]] == [(0, 5)] * 3


@pytest.mark.usefixtures("cold_pages")
def test_the_rounds_page_needs_the_same_queries_for_one_or_three_projects(
    client,
    round_2021,
    rubric,
    hefei_officer,
    wuhu_officer,
    anhui_officer,
    zhejiang_expert,
    national_admin,
    django_assert_num_queries,
):
    client.force_login(national_admin)
    url = reverse("reviews:round", args=[round_2021.pk])
    rec = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    services.assign(rec, zhejiang_expert, actor=national_admin)
    client.get(url)
    with django_assert_num_queries(12) as one:
        client.get(url)
    for officer in (wuhu_officer, hefei_officer):
        other = received_recommendation(officer, anhui_officer, national_admin, round_2021)
        services.assign(other, zhejiang_expert, actor=national_admin)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert len(page.context["rows"]) == 3


# --- the administrator's pages ------------------------------------------------------------------


def test_the_automatic_assignment_page_reports_what_it_did(
    client, hefei_rec, hangzhou_rec, zhejiang_expert, beijing_expert, anhui_expert, round_2021, national_admin
):
    client.force_login(national_admin)

    page = client.post(reverse("reviews:auto_assign", args=[round_2021.pk])).content.decode()

    assert "未能配齐评审专家的项目" in page
    assert "只有 2 位专家可评审：其余均为本省专家（1 位）或已声明回避（0 位）。" in page  # Hefei's
    assert "只有 1 位专家可评审：其余均为本省专家（1 位）或已声明回避（1 位）。" in page  # Hangzhou's
    assert Assignment.objects.count() == 3


def test_the_project_page_lists_experts_with_conflicts_marked_and_refuses_them(
    client, hefei_rec, zhejiang_expert, anhui_expert, national_admin
):
    client.force_login(national_admin)
    url = reverse("reviews:project", args=[hefei_rec.pk])
    page = client.get(url).content.decode()
    assert "安徽专家 · 安徽农业大学（本省专家）" in page
    assert "浙江专家 · 浙江大学</option>" in page

    refused = client.post(
        reverse("reviews:assign", args=[hefei_rec.pk]), {"expert": anhui_expert.pk}, follow=True
    )

    assert "未能分配：安徽专家来自安徽省知识产权局，即本项目所在省份。" in refused.content.decode()
    assert Assignment.objects.count() == 0
    client.post(reverse("reviews:assign", args=[hefei_rec.pk]), {"expert": zhejiang_expert.pk})
    assert list(Assignment.objects.values_list("expert", flat=True)) == [zhejiang_expert.pk]


def test_the_whole_journey_on_the_administrators_pages(
    client, round_2021, hefei_rec, zhejiang_expert, beijing_expert, national_admin
):
    client.force_login(national_admin)
    client.post(reverse("reviews:rubric_default", args=[round_2021.pk]))
    client.post(
        reverse("reviews:panel", args=[round_2021.pk]),
        {"experts_per_project": "2", "leader": beijing_expert.pk},
    )
    client.post(reverse("reviews:auto_assign", args=[round_2021.pk]))
    started = client.post(reverse("reviews:start", args=[round_2021.pk]), follow=True)
    assert "已将 1 个项目送交专家评审。" in started.content.decode()
    hefei_rec.refresh_from_db()
    assert hefei_rec.state == State.IN_REVIEW
    assert sorted(hefei_rec.assignments.values_list("expert__user__full_name", flat=True)) == [
        "北京专家",
        "浙江专家",
    ]

    for page in ("reviews:index", "reviews:experts"):
        assert client.get(reverse(page)).status_code == 200
    overview = client.get(reverse("reviews:round", args=[round_2021.pk])).content.decode()
    assert "北京专家、浙江专家" in overview or "浙江专家、北京专家" in overview
    assert client.get(reverse("reviews:leader_projects", args=[round_2021.pk])).status_code == 200
