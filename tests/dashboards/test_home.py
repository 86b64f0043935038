import pytest
from django.urls import reverse

from tests.factories import complete_recommendation_data, draft_recommendation, submitted_recommendation

pytestmark = pytest.mark.django_db


def numbers(client, user):
    client.force_login(user)
    page = client.get(reverse("dashboards:home")).content.decode()
    return page


def test_an_implementing_officer_sees_its_own_recommendations_counted(
    client, round_2021, hefei_officer, hangzhou_officer
):
    draft_recommendation(hefei_officer, round_2021)
    submitted_recommendation(hefei_officer, round_2021)
    submitted_recommendation(
        hefei_officer, round_2021, complete_recommendation_data(project_name="第二个项目")
    )
    draft_recommendation(hangzhou_officer, round_2021)

    page = numbers(client, hefei_officer)

    assert '<span class="num">1</span><span class="label">本批次草稿</span>' in page
    assert '<span class="num">2</span><span class="label">已提交，待省局推荐</span>' in page


def test_an_expert_sees_how_many_projects_await_their_scores(client, expert_from_anhui):
    page = numbers(client, expert_from_anhui)

    assert '<span class="num">0</span><span class="label">分配给我的项目</span>' in page
