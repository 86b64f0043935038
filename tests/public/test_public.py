"""The public site: readable without logging in, and showing only what is published.

Every "must not see" test first creates the thing that could leak."""

import json
import re

import pytest
from django.urls import reverse

from dibiao.public.tiles import COLS, ROWS, TILES
from dibiao.recommendations.choices import State
from dibiao.reports import services
from dibiao.reports.choices import Theme
from dibiao.rounds.choices import RoundState
from tests.factories import RoundFactory
from tests.reports.helpers import (
    CONTACT_EMAIL,
    CONTACT_MOBILE,
    CONTACT_NAME,
    DANGSHAN_PEAR,
    accepted_case,
    draft_case,
    key_project,
    photo,
    proposed_case,
    published_case,
    published_round,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def projects(hefei_officer, hangzhou_officer):
    """2021 (published): Hefei selected, Hangzhou not selected. 2022 (decided, not published):
    Hefei selected. 2023 (open): a Hangzhou draft and a recommended project."""
    hefei, hangzhou = hefei_officer.organisation, hangzhou_officer.organisation
    published = published_round(2021)
    decided = RoundFactory(year=2022, state=RoundState.DECIDED)
    open_round = RoundFactory(year=2023, state=RoundState.OPEN)
    return {
        "selected": key_project(hefei, published, creator=hefei_officer),
        "not_selected": key_project(
            hangzhou,
            published,
            creator=hangzhou_officer,
            state=State.NOT_SELECTED,
            name="杭州未入选项目",
            gi="某茶",
        ),
        "undisclosed": key_project(
            hefei, decided, creator=hefei_officer, name="尚未公布的入选项目", gi="巢湖银鱼"
        ),
        "draft": key_project(
            hangzhou,
            open_round,
            creator=hangzhou_officer,
            state=State.DRAFT,
            name="杭州草稿项目",
            gi="临安山核桃",
        ),
        "recommended": key_project(
            hangzhou,
            open_round,
            creator=hangzhou_officer,
            state=State.RECOMMENDED,
            seq=3,
            name="杭州在审项目",
            gi="西湖龙井",
        ),
    }


@pytest.mark.parametrize(
    "url_name", ["public:home", "public:notice", "public:projects", "public:cases", "public:statistics"]
)
def test_public_pages_need_no_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_pages_carry_no_inline_script(client, projects):
    for url_name in ("public:home", "public:notice", "public:projects", "public:cases", "public:statistics"):
        page = client.get(reverse(url_name)).content.decode()
        for tag in re.findall(r"<script[^>]*>", page):
            assert 'src="' in tag or 'type="application/json"' in tag, (url_name, tag)
        assert " style=" not in page


# --- the notice ---------------------------------------------------------------------------------


def test_the_notice_is_readable(client):
    page = client.get(reverse("public:notice")).content.decode()

    assert "<h1>国家知识产权局关于组织开展地理标志助力乡村振兴行动的通知</h1>" in page
    assert "<strong>（一）提质强基行动。</strong>一是不断加强地理标志规划政策引领。" in page
    # the page break inside 习近平总书|记 is gone
    assert "习近平总书记在中央政治局第二十五次集体学习时" in page
    assert "<td>新疆生产建设兵团知识产权局</td><td>3</td>" in page


# --- key projects ---------------------------------------------------------------------------------


def test_published_key_projects_show_their_public_fields(client, projects):
    response = client.get(reverse("public:projects"))

    assert response.context["rows"] == [
        {
            "number": "2021-34-01",
            "project_name": "砀山酥梨地理标志运用促进工程",
            "gi_names": ["砀山酥梨"],
            "implementing_unit": "合肥市市场监督管理局（知识产权局）",
            "province": "安徽省知识产权局",
            "year": 2021,
        }
    ]


def test_public_never_sees_contacts_drafts_or_unpublished_decisions(client, projects):
    pages = "".join(
        client.get(reverse(name)).content.decode()
        for name in ("public:home", "public:projects", "public:statistics", "public:cases")
    )

    for secret in (
        CONTACT_MOBILE,
        CONTACT_NAME,
        CONTACT_EMAIL,
        "0557-8021234",
        "王代表",
        "项目介绍内部文本",
        "杭州未入选项目",
        "尚未公布的入选项目",
        "巢湖银鱼",
        "杭州草稿项目",
        "杭州在审项目",
    ):
        assert secret not in pages


def test_statistics_count_published_rounds_only(client, projects):
    response = client.get(reverse("public:statistics"))

    numbers = {row.code: (row.recommended, row.selected) for row in response.context["numbers"]}
    assert numbers["34"] == (1, 1)  # 2022's selection is not published yet
    assert numbers["33"] == (1, 0)  # 2023's draft and recommendation are not counted
    assert (response.context["total_recommended"], response.context["total_selected"]) == (2, 1)


def test_statistics_pass_the_tile_data_to_the_chart(client, projects):
    page = client.get(reverse("public:statistics")).content.decode()

    data = json.loads(
        re.search(r'<script id="tilemap-data" type="application/json">(.*?)</script>', page).group(1)
    )
    assert (data["rows"], data["cols"], len(data["tiles"])) == (ROWS, COLS, 32)
    anhui = next(tile for tile in data["tiles"] if tile["code"] == "34")
    assert (anhui["name"], anhui["short"], anhui["recommended"], anhui["selected"]) == (
        "安徽省知识产权局",
        "安徽",
        1,
        1,
    )
    assert "vendor/echarts/echarts.min.js" in page
    assert "js/public-tilemap.js" in page
    assert '<td>安徽省知识产权局</td><td class="num">1</td><td class="num">1</td>' in page


def test_statistics_of_one_round(client, projects):
    response = client.get(reverse("public:statistics"), {"year": "2022"})  # not published: ignored
    assert response.context["year"] is None
    response = client.get(reverse("public:statistics"), {"year": "2021"})
    assert response.context["year"] == 2021


@pytest.mark.unit
def test_the_tile_grid_places_each_province_once_roughly_where_it_lies():
    positions = [(tile.row, tile.col) for tile in TILES.values()]
    assert len(TILES) == 32
    assert len(set(positions)) == 32
    assert all(0 <= row < ROWS and 0 <= col < COLS for row, col in positions)
    assert (TILES["23"].row, TILES["23"].col) == (0, COLS - 1)  # 黑龙江: top right
    assert TILES["65"].col == min(col for _row, col in positions)  # 新疆: far left
    assert TILES["46"].row == ROWS - 1  # 海南: the bottom
    assert (
        abs(TILES["66"].col - TILES["65"].col) + abs(TILES["66"].row - TILES["65"].row) == 1
    )  # 兵团 beside 新疆


# --- the case library -----------------------------------------------------------------------------


@pytest.fixture
def library(anhui_officer, zhejiang_officer, national_admin):
    """Published: a navel-orange case (Anhui) and a pear case (Zhejiang, 2021). Not published:
    a draft, a proposed and an accepted case, each of which mentions 脐橙 too."""
    return {
        "orange": published_case(anhui_officer, national_admin),
        "pear": published_case(zhejiang_officer, national_admin, **DANGSHAN_PEAR),
        "draft": draft_case(anhui_officer, title="脐橙草稿案例"),
        "proposed": proposed_case(anhui_officer, title="脐橙待审案例"),
        "accepted": accepted_case(anhui_officer, national_admin, title="脐橙待发布案例"),
    }


def found(client, **params):
    response = client.get(reverse("public:cases"), params)
    return [case.title for case in response.context["page_obj"].object_list]


@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("脐橙", ["赣南脐橙：一个地理标志带富一方百姓"]),
        ("地理标志", ["砀山酥梨品牌建设", "赣南脐橙：一个地理标志带富一方百姓"]),
        ("电子商务", ["砀山酥梨品牌建设"]),  # in the full text only
        ("砀山酥梨", ["砀山酥梨品牌建设"]),  # the GI
        ("脐橙 农户", ["赣南脐橙：一个地理标志带富一方百姓"]),  # every word must appear
        ("龙井", []),
    ],
)
def test_search_in_chinese_finds_published_cases(client, library, q, titles):
    assert sorted(found(client, q=q)) == titles


def test_filters_by_province_gi_action_and_year(client, library, zhejiang):
    assert found(client, province=zhejiang.pk) == ["砀山酥梨品牌建设"]
    assert found(client, gi="赣南") == ["赣南脐橙：一个地理标志带富一方百姓"]
    assert found(client, theme=Theme.INDUSTRY) == ["赣南脐橙：一个地理标志带富一方百姓"]
    assert sorted(found(client, theme=Theme.BRAND)) == [
        "砀山酥梨品牌建设",
        "赣南脐橙：一个地理标志带富一方百姓",
    ]
    assert found(client, year="2021") == ["砀山酥梨品牌建设"]


def test_unpublished_cases_are_neither_listed_nor_shown(client, library):
    assert len(found(client)) == 2
    for key in ("draft", "proposed", "accepted"):
        assert client.get(reverse("public:case_detail", args=[library[key].pk])).status_code == 404
    page = client.get(reverse("public:cases"), {"q": "脐橙"}).content.decode()
    assert [title for title in ("草稿案例", "待审案例", "待发布案例") if title in page] == []


def test_case_detail_shows_the_case_and_its_photos(client, library, national_admin):
    case = library["orange"]
    added = services.add_case_photo(case, actor=national_admin, uploaded_file=photo(), caption="脐橙果园")

    page = client.get(reverse("public:case_detail", args=[case.pk])).content.decode()
    image = client.get(reverse("public:case_photo", args=[case.pk, added.pk]))

    assert "赣南脐橙种植面积达一百八十万亩。" in page
    assert reverse("public:case_photo", args=[case.pk, added.pk]) in page
    assert (image.status_code, image["Content-Type"]) == (200, "image/jpeg")


def test_photos_of_an_unpublished_case_are_not_served(client, library, anhui_officer):
    case = library["draft"]
    added = services.add_case_photo(case, actor=anhui_officer, uploaded_file=photo())

    assert client.get(reverse("public:case_photo", args=[case.pk, added.pk])).status_code == 404


def test_htmx_search_returns_the_results_only(client, library):
    response = client.get(reverse("public:cases"), {"q": "脐橙"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results">')
    assert "赣南脐橙" in page


def test_library_is_paginated(client, anhui_officer, national_admin):
    for index in range(14):
        published_case(anhui_officer, national_admin, title=f"脐橙案例{index:02d}")

    first = client.get(reverse("public:cases"), {"q": "脐橙"})
    second = client.get(reverse("public:cases"), {"q": "脐橙", "page": 2})

    assert (len(first.context["page_obj"]), len(second.context["page_obj"])) == (12, 2)
    assert first.context["page_obj"].paginator.count == 14


def test_public_never_sees_scores_or_decision_notes(client, projects, national_admin, expert_from_anhui):
    from decimal import Decimal

    from dibiao.reviews.models import Assignment, Criterion, Decision, Expert, Score

    selected = projects["selected"]
    expert = Expert.objects.create(user=expert_from_anhui, affiliation="某农业大学")
    criterion = Criterion.objects.create(
        round=selected.round, position=1, title="示范价值", max_points=Decimal(20)
    )
    assignment = Assignment.objects.create(
        recommendation=selected,
        expert=expert,
        assigned_by=national_admin,
        comment="专家评语：品牌带动作用明显",
        total=Decimal("87.5"),
    )
    Score.objects.create(assignment=assignment, criterion=criterion, points=Decimal("17.5"))
    Decision.objects.create(
        recommendation=selected, is_selected=True, note="部门意见：同意入选", decided_by=national_admin
    )

    pages = "".join(
        client.get(reverse(name)).content.decode()
        for name in ("public:home", "public:projects", "public:statistics")
    )

    assert "砀山酥梨地理标志运用促进工程" in pages
    for secret in ("专家评语", "87.5", "17.5", "示范价值", "部门意见", "某农业大学", "安徽专家"):
        assert secret not in pages
