"""Before publication, provinces and implementing units see no score, no reviewer, no ranking
and no decision; after it, they see the outcome (selected or not) and still no score or name.

The data that could leak is created first: experts with their score sheets and comments, the
group leader, and the administrator's decisions. Then every page the officers can reach is
fetched: the starting pages below and every link they lead to (a crawl of the product as the
officer sees it), and each response is searched.
"""

import io
import re
import zipfile
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import NoReverseMatch, reverse

from dibiao.recommendations.choices import State
from dibiao.reviews import decisions, services
from tests.factories import ProvinceFactory, complete_recommendation_data, received_recommendation

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

EXPERTS = ("欧阳明远", "司马清和", "诸葛文景")
TOTALS = {
    "砀山酥梨项目": (93.7, 88.4, 76.9),
    "黄山毛峰项目": (81.3, 79.6, 84.2),
    "芜湖铁画项目": (70, 71, 72.5),
}
# The totals, the means (86.33, 81.70, 71.17) and the spreads (16.8, 4.6) as a page would print them.
NUMBERS = (
    "93.7",
    "88.4",
    "76.9",
    "81.3",
    "79.6",
    "84.2",
    "72.5",
    "86.33",
    "81.70",
    "81.7",
    "71.17",
    "16.8",
    "4.6",
)
COMMENT = "评语：品牌建设扎实但带农增收数据不足"
GROUP_OPINION = "专家组一致认为该项目示范带动作用突出"
NOTE = "第七次评审会议纪要"
LEADER = EXPERTS[0]
# What the review produced besides the expert group's opinion (六), which the group leader
# signs: see test_before_publication_officers_see_no_group_opinion.
SECRETS = (*EXPERTS[1:], *NUMBERS, COMMENT, NOTE, "排名")
GROUP_SECRETS = (LEADER, GROUP_OPINION)

SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/i18n/", "/accounts/logout")
MAX_PAGES = 300


def _points(criteria, total):
    """Scores for `criteria` that add up to `total`, each within its maximum."""
    points, left = {}, Decimal(str(total))
    for criterion in criteria:
        points[criterion.pk] = str(min(criterion.max_points, left))
        left -= min(criterion.max_points, left)
    return points


@pytest.fixture
def reviewed_and_decided(round_2021, hefei_officer, wuhu_officer, anhui_officer, national_admin):
    """Two Anhui projects of Hefei and one of Wuhu, walked through the review as the pages
    would: three Beijing experts assigned, scores and comments submitted, the group leader's
    opinion written, the review completed; then the first selected and the others not:
    decided, not published."""
    beijing = ProvinceFactory(province_code="11")
    experts = [
        services.create_expert(
            national_admin,
            full_name=name,
            email=f"reviewer{index}@example.cn",
            phone=f"1390000000{index}",
            affiliation="中国农业大学",
            field="农业经济",
            province=beijing,
        )
        for index, name in enumerate(EXPERTS)
    ]
    criteria = services.default_rubric(round_2021)
    services.update_panel(round_2021, actor=national_admin, experts_per_project=3, leader=experts[0])
    recs = [
        received_recommendation(
            officer,
            anhui_officer,
            national_admin,
            round_2021,
            complete_recommendation_data(project_name=name),
        )
        for officer, name in [
            (hefei_officer, "砀山酥梨项目"),
            (hefei_officer, "黄山毛峰项目"),
            (wuhu_officer, "芜湖铁画项目"),
        ]
    ]
    sheets = {
        (rec.pk, expert.pk): services.assign(rec, expert, actor=national_admin)
        for rec in recs
        for expert in experts
    }
    services.start_review(round_2021, actor=national_admin)
    for rec in recs:
        for expert, total in zip(experts, TOTALS[rec.project_name], strict=True):
            services.submit_review(
                sheets[rec.pk, expert.pk], actor=expert.user, points=_points(criteria, total), comment=COMMENT
            )
        services.write_group_opinion(rec, actor=experts[0].user, opinion=GROUP_OPINION)
        services.complete_review(rec, actor=national_admin)
    decisions.decide(
        round_2021, actor=national_admin, shown=[rec.pk for rec in recs], selected=[recs[0].pk], note=NOTE
    )
    return recs


def _start_pages(recs):
    names = [
        ("dashboards:home", {}),
        ("recommendations:index", {}),
        ("recommendations:mine", {}),
        ("recommendations:province", {}),
        ("recommendations:notifications", {}),
        ("reviews:outcome", {}),
        ("rounds:list", {}),
        ("reports:index", {}),
        ("reports:project_list", {}),
    ]
    for rec in recs:
        names += [
            ("recommendations:detail", {"pk": rec.pk}),
            ("documents:print", {"pk": rec.pk}),
            ("documents:word", {"pk": rec.pk}),
        ]
    urls = []
    for name, kwargs in names:
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except NoReverseMatch:
            continue  # a page not built yet
    return urls


def _text(response):
    """The searchable text of a response: HTML and JSON as they are, the XML inside Office
    files; None for what cannot be searched (PDF)."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith(("text/", "application/json")):
        return body.decode("utf-8", errors="replace")
    if "officedocument" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(
                archive.read(name).decode("utf-8", errors="replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return None


LINK = re.compile(r'(?:href|hx-get)="([^"#]+)')


def _crawl(client, user, start):
    """Every page `user` reaches from `start` by following links: {url: text}."""
    client.force_login(user)
    seen, queue, pages = set(), list(start), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen or not url.startswith("/") or url.startswith(SKIPPED_PREFIXES):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _text(response)
        if text is None:
            continue
        pages[url] = text
        if "html" in response.get("Content-Type", ""):
            for link in LINK.findall(text):
                path = urlsplit(link)
                if not path.netloc:
                    queue.append(link if link.startswith("/") else url.split("?")[0] + link)
    return pages


def _leaks(pages, secrets=SECRETS):
    return sorted((url, secret) for url, text in pages.items() for secret in secrets if secret in text)


@pytest.mark.parametrize("officer", ["anhui_officer", "hefei_officer"])
def test_before_publication_officers_see_no_score_reviewer_ranking_or_decision(
    client, request, reviewed_and_decided, officer
):
    pages = _crawl(client, request.getfixturevalue(officer), _start_pages(reviewed_and_decided))

    assert _leaks(pages) == []
    detail = reverse("recommendations:detail", args=[reviewed_and_decided[0].pk])
    assert detail in pages
    outcome = pages[reverse("reviews:outcome")]
    assert "本批次的评选结果尚未公布。" in outcome
    assert "砀山酥梨项目" not in outcome
    # The decision is not on the projects either: they are still "reviewed".
    assert [rec.state for rec in type(reviewed_and_decided[0]).objects.order_by("pk")] == [State.REVIEWED] * 3


@pytest.mark.parametrize("officer", ["anhui_officer", "hefei_officer"])
def test_before_publication_officers_see_no_group_opinion(client, request, reviewed_and_decided, officer):
    pages = _crawl(client, request.getfixturevalue(officer), _start_pages(reviewed_and_decided))

    assert _leaks(pages, GROUP_SECRETS) == []


def test_the_crawl_reaches_the_officers_pages(client, anhui_officer, reviewed_and_decided):
    pages = _crawl(client, anhui_officer, _start_pages(reviewed_and_decided))

    for rec in reviewed_and_decided:
        assert reverse("recommendations:detail", args=[rec.pk]) in pages
    assert len(pages) >= 5


@pytest.fixture
def published(reviewed_and_decided, round_2021, national_admin):
    decisions.publish(round_2021, actor=national_admin)
    return reviewed_and_decided


def _outcome_rows(text):
    body = text.split('<table class="data" id="outcome">', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>", "", row).split() for row in body.split("<tr>")[2:]]


def test_after_publication_the_province_sees_its_outcome_and_still_no_score_or_name(
    client, anhui_officer, published
):
    pages = _crawl(client, anhui_officer, _start_pages(published))

    assert _leaks(pages) == []
    outcome = pages[reverse("reviews:outcome")]
    assert "尚未公布" not in outcome
    assert _outcome_rows(outcome) == [
        [
            published[0].number,
            "砀山酥梨项目",
            "安徽省知识产权局",
            "合肥市市场监督管理局（知识产权局）",
            "入选重点优势项目",
        ],
        [
            published[1].number,
            "黄山毛峰项目",
            "安徽省知识产权局",
            "合肥市市场监督管理局（知识产权局）",
            "未入选",
        ],
        [
            published[2].number,
            "芜湖铁画项目",
            "安徽省知识产权局",
            "芜湖市市场监督管理局（知识产权局）",
            "未入选",
        ],
    ]


def test_after_publication_the_unit_sees_its_own_projects_outcome_only(client, hefei_officer, published):
    pages = _crawl(client, hefei_officer, _start_pages(published))

    assert _leaks(pages) == []
    rows = _outcome_rows(pages[reverse("reviews:outcome")])
    assert [row[1:2] + row[-1:] for row in rows] == [
        ["砀山酥梨项目", "入选重点优势项目"],
        ["黄山毛峰项目", "未入选"],
    ]


def test_after_publication_another_province_sees_nothing_of_anhui(client, zhejiang_officer, published):
    client.force_login(zhejiang_officer)

    response = client.get(reverse("reviews:outcome"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "砀山酥梨项目" not in html
    assert "本批次没有您的参评项目。" in html


def test_experts_have_no_outcome_page(client, expert_from_anhui, published):
    client.force_login(expert_from_anhui)

    assert client.get(reverse("reviews:outcome")).status_code == 403
