"""The ranking page, its export, the decision form and the publication page."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dibiao.recommendations.choices import State
from dibiao.reviews.models import Decision
from dibiao.rounds.choices import RoundState
from tests.factories import ImplementingUnitFactory
from tests.reviews.ranking_data import (
    EXPERT_NAMES,
    make_expert,
    make_project,
    mark_poverty_alleviated,
    review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def scored(round_2021, hefei, hangzhou, national_admin):
    """Anhui: 砀山酥梨 (90, 80, 85 → 85, poverty-alleviated area) and 黄山毛峰 (in review, one
    draft); Zhejiang: 西湖龙井 (85, 85, 85 → 85) and 安吉白茶 (92.5, 91, 90 → 91.17)."""
    mark_poverty_alleviated(hefei)
    experts = [make_expert(name) for name in EXPERT_NAMES]
    recs = {
        "砀山酥梨": make_project(round_2021, hefei, name="砀山酥梨项目"),
        "黄山毛峰": make_project(round_2021, hefei, name="黄山毛峰项目", state=State.IN_REVIEW),
        "西湖龙井": make_project(round_2021, hangzhou, name="西湖龙井项目"),
        "安吉白茶": make_project(round_2021, hangzhou, name="安吉白茶项目"),
    }
    for name, totals in {
        "砀山酥梨": (90, 80, 85),
        "西湖龙井": (85, 85, 85),
        "安吉白茶": (92.5, 91, 90),
    }.items():
        for expert, total in zip(experts, totals, strict=True):
            review(recs[name], expert, total, by=national_admin)
    review(recs["黄山毛峰"], experts[0], 70, by=national_admin, submitted=False)
    return recs


def _get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reviews:ranking"), params)


def _names(response):
    return [row.project_name for row in response.context["rows"]]


def test_ranking_shows_each_project_with_its_experts_mean_spread_and_rank(client, national_admin, scored):
    response = _get(client, national_admin)

    assert response.status_code == 200
    # 西湖龙井 and 砀山酥梨 tie: the rank is shared, the provinces' order comes first.
    assert _names(response) == ["安吉白茶项目", "西湖龙井项目", "砀山酥梨项目", "黄山毛峰项目"]
    assert [row.rank for row in response.context["rows"]] == [1, 2, 2, None]
    html = response.content.decode()
    assert "王评审: <strong>90.0</strong>" in html
    assert '王评审: <span class="muted">未提交</span>' in html
    assert '<td class="num">91.17</td>' in html
    assert '<td class="num">10.0</td>' in html  # spread of 砀山酥梨
    assert '<td class="num">4.08</td>' in html  # its standard deviation
    assert '<td class="num">0 / 1</td>' in html
    assert html.count('<span class="badge warn">脱贫地区</span>') == 2  # both of Hefei


def test_ranking_sorted_and_filtered_by_query_parameters(client, national_admin, scored):
    assert _names(_get(client, national_admin, sort="province")) == [
        "安吉白茶项目",
        "西湖龙井项目",
        "砀山酥梨项目",
        "黄山毛峰项目",
    ]
    assert _names(_get(client, national_admin, sort="spread")) == [
        "砀山酥梨项目",
        "安吉白茶项目",
        "西湖龙井项目",
        "黄山毛峰项目",
    ]
    assert _names(_get(client, national_admin, province="33")) == ["安吉白茶项目", "西湖龙井项目"]
    assert _names(_get(client, national_admin, priority="1")) == ["砀山酥梨项目", "黄山毛峰项目"]
    assert _names(_get(client, national_admin, state="in_review")) == ["黄山毛峰项目"]


@pytest.mark.usefixtures("cold_pages")
def test_htmx_gets_the_table_alone(client, national_admin, scored):
    client.force_login(national_admin)

    response = client.get(reverse("reviews:ranking"), {"sort": "-mean"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ranking-table">')
    assert "<html" not in html
    assert "西湖龙井项目" in html


def _query_count(client, user):
    client.force_login(user)
    client.get(reverse("reviews:ranking"))  # the process reads the county lists once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:ranking"))
    assert response.status_code == 200
    return len(queries)


def _fill(round, units, admin, projects, pool):
    experts = [make_expert(f"专家{pool}{index}", username=f"pool{pool}-{index}") for index in range(9)]
    for index in range(projects):
        rec = make_project(round, units[index % len(units)])
        for offset in range(3):
            review(rec, experts[(index + offset) % 9], 70 + index % 20, by=admin)


def test_ranking_query_count_does_not_grow_with_projects_or_experts(
    client, national_admin, round_2021, hefei, hangzhou
):
    _fill(round_2021, [hefei, hangzhou], national_admin, 3, "甲")
    small = _query_count(client, national_admin)
    _fill(
        round_2021,
        [hefei, hangzhou, ImplementingUnitFactory(province=hefei.province)],
        national_admin,
        27,
        "乙",
    )
    large = _query_count(client, national_admin)

    assert len(_get(client, national_admin).context["rows"]) == 30
    assert large == small


@pytest.mark.parametrize("user", ["anhui_officer", "hefei_officer", "expert_from_anhui"])
def test_only_the_national_administrator_sees_the_ranking(client, request, scored, user):
    response = _get(client, request.getfixturevalue(user))

    assert response.status_code == 403
    assert "王评审" not in response.content.decode()


# --- export --------------------------------------------------------------------------------------


def _sheet(response):
    from openpyxl import load_workbook

    workbook = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    return workbook.active


def test_export_writes_the_table_with_chinese_headers(client, national_admin, scored, round_2021):
    client.force_login(national_admin)

    response = client.get(reverse("reviews:ranking_export", args=[round_2021.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        "filename*=utf-8''2021-%E8%AF%84%E5%AE%A1%E6%8E%92%E5%90%8D.xlsx" in response["Content-Disposition"]
    )
    sheet = _sheet(response)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "排名", "编号", "项目名称", "推荐单位", "实施单位", "脱贫地区", "状态",
        "专家1", "专家1评分", "专家2", "专家2评分", "专家3", "专家3评分",
        "平均分", "极差", "标准差", "已提交评审", "已分配评审", "决定",
    ]  # fmt: skip
    assert rows[1][:7] == [
        1,
        scored["安吉白茶"].number,
        "安吉白茶项目",
        "浙江省知识产权局",
        "杭州市市场监督管理局（知识产权局）",
        None,
        "已评审",
    ]
    assert rows[1][7:] == ["王评审", 92.5, "李评审", 91, "赵评审", 90, 91.17, 2.5, 1.03, 3, 3, None]
    assert [row[5] for row in rows[1:]] == [None, None, "是", "是"]
    assert rows[4][7:13] == ["王评审", "未提交", None, None, None, None]
    assert sheet.freeze_panes == "A2"
    # A Chinese name of 16 characters needs about 32 units.
    assert sheet.column_dimensions["E"].width >= 34


def test_export_follows_the_filters_and_order(client, national_admin, scored, round_2021):
    client.force_login(national_admin)

    response = client.get(
        reverse("reviews:ranking_export", args=[round_2021.pk]), {"province": "34", "sort": "-rank"}
    )

    names = [row[2].value for row in _sheet(response).iter_rows(min_row=2)]
    assert names == ["砀山酥梨项目", "黄山毛峰项目"]


def test_export_writes_formula_like_names_as_text(client, national_admin, round_2021, hefei):
    make_project(round_2021, hefei, name='=HYPERLINK("http://evil.example","点击")')
    make_project(round_2021, hefei, name="+86 项目")
    client.force_login(national_admin)

    sheet = _sheet(client.get(reverse("reviews:ranking_export", args=[round_2021.pk])))

    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == ['=HYPERLINK("http://evil.example","点击")', "+86 项目"]
    assert [cell.data_type for cell in cells] == ["s", "s"]
    assert all(cell.quotePrefix for cell in cells)


@pytest.mark.parametrize("user", ["anhui_officer", "hefei_officer", "expert_from_anhui"])
def test_only_the_national_administrator_exports(client, request, scored, round_2021, user):
    client.force_login(request.getfixturevalue(user))

    assert client.get(reverse("reviews:ranking_export", args=[round_2021.pk])).status_code == 403


# --- deciding and publishing through the pages ----------------------------------------------------


def test_decision_form_records_the_ticked_projects_and_keeps_the_filters(
    client, national_admin, scored, round_2021
):
    client.force_login(national_admin)
    shown = [scored["西湖龙井"].pk, scored["安吉白茶"].pk]

    response = client.post(
        reverse("reviews:decide", args=[round_2021.pk]),
        {
            "shown": shown,
            "selected": [scored["安吉白茶"].pk],
            "note": "专家评审会议",
            "table_query": "province=33&sort=mean&x=1",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"{reverse('reviews:ranking')}?province=33&sort=mean&round=2021"
    assert dict(Decision.objects.values_list("recommendation_id", "is_selected")) == {
        scored["西湖龙井"].pk: False,
        scored["安吉白茶"].pk: True,
    }
    assert "已记录决定：新增 2 项，变更 0 项。" in response.content.decode()


def test_ranking_offers_the_decision_for_reviewed_projects_only(client, national_admin, scored):
    html = _get(client, national_admin).content.decode()

    assert html.count('name="selected"') == 3
    assert f'name="shown" value="{scored["黄山毛峰"].pk}"' not in html


def test_publication_page_names_what_stands_in_the_way(client, national_admin, scored, round_2021):
    client.force_login(national_admin)

    response = client.get(reverse("reviews:publish", args=[round_2021.pk]))

    html = response.content.decode()
    assert response.context["problems"] == [
        "本批次仍有 1 个项目在评审中。",
        "有 3 个已评审项目尚未作出决定。",
    ]
    assert 'type="submit"' not in html.split("<main", 1)[1].split("</main>")[0].split("<h2")[0]


def test_publishing_through_the_page(client, national_admin, round_2021, scored):
    type(scored["黄山毛峰"]).objects.filter(pk=scored["黄山毛峰"].pk).update(state=State.REVIEWED)
    client.force_login(national_admin)
    client.post(
        reverse("reviews:decide", args=[round_2021.pk]),
        {"shown": [rec.pk for rec in scored.values()], "selected": [scored["安吉白茶"].pk]},
    )

    page = client.get(reverse("reviews:publish", args=[round_2021.pk]))
    response = client.post(reverse("reviews:publish", args=[round_2021.pk]), follow=True)

    assert [row.project_name for row in page.context["selected"]] == ["安吉白茶项目"]
    assert page.context["problems"] == []
    round_2021.refresh_from_db()
    assert round_2021.state == RoundState.PUBLISHED
    assert "结果已公布" in response.content.decode()
    assert response.context["is_published"] is True
    assert 'name="selected"' not in response.content.decode()
    assert Decimal(response.context["rows"][0].mean) == Decimal("91.17")
