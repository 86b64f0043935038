"""The review pages in the top navigation: each role finds every review page it uses day to
day there, and only those; every link opens for that role; and the navigation asks the
database a fixed number of times, whatever the number of rounds."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from dibiao.reviews import decisions, services
from dibiao.rounds.choices import RoundState
from tests.factories import RoundFactory
from tests.reviews.conftest import make_expert

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

NAV = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)">([^<]*)</a>')


def review_nav_links(client, user):
    """The review links of the top navigation as `user` sees it on the home page:
    [(url, label)], in order."""
    client.force_login(user)
    page = client.get(reverse("dashboards:home"))
    assert page.status_code == 200
    (nav,) = NAV.findall(page.content.decode())
    return [(url, label) for url, label in LINK.findall(nav) if url.startswith("/reviews/")]


def assert_each_opens(client, user, links):
    client.force_login(user)
    for url, _label in links:
        assert client.get(url).status_code == 200, url


@pytest.fixture
def in_review(round_2021, rubric, hefei_rec, zhejiang_expert, beijing_expert, national_admin):
    """Hefei's project in review, scored by the Zhejiang and the Beijing expert; the Beijing
    expert leads the group (组长)."""
    services.update_panel(round_2021, actor=national_admin, experts_per_project=2, leader=beijing_expert)
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    services.assign(hefei_rec, beijing_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)
    hefei_rec.refresh_from_db()
    return hefei_rec


@pytest.fixture
def published(in_review, round_2021, rubric, zhejiang_expert, beijing_expert, national_admin):
    """The review of `in_review` completed, the project selected and the results published."""
    for expert in (zhejiang_expert, beijing_expert):
        sheet = in_review.assignments.get(expert=expert)
        services.submit_review(sheet, actor=expert.user, points={c.pk: "15" for c in rubric}, comment="好")
    services.write_group_opinion(in_review, actor=beijing_expert.user, opinion="同意推荐。")
    services.complete_review(in_review, actor=national_admin)
    decisions.decide(round_2021, actor=national_admin, shown=[in_review.pk], selected=[in_review.pk])
    decisions.publish(round_2021, actor=national_admin)
    round_2021.refresh_from_db()
    assert round_2021.state == RoundState.PUBLISHED
    return in_review


def administrator_links():
    return [
        (reverse("reviews:index"), "专家评审"),
        (reverse("reviews:experts"), "专家库"),
        (reverse("reviews:ranking"), "专家评审排名"),
    ]


def test_the_national_administrator_finds_the_review_the_pool_and_the_ranking(
    client, in_review, national_admin
):
    links = review_nav_links(client, national_admin)

    assert links == administrator_links()
    assert_each_opens(client, national_admin, links)
    # The rounds' review page is a click away from the first link.
    client.force_login(national_admin)
    assert reverse("reviews:round", args=[in_review.round_id]) in client.get(links[0][0]).content.decode()


def test_the_administrator_has_the_same_links_after_publication(client, published, national_admin):
    links = review_nav_links(client, national_admin)

    assert links == administrator_links()
    assert_each_opens(client, national_admin, links)


def test_an_expert_finds_their_reviews(client, in_review, zhejiang_expert):
    links = review_nav_links(client, zhejiang_expert.user)

    assert links == [(reverse("reviews:my_assignments"), "我的评审")]
    assert_each_opens(client, zhejiang_expert.user, links)


def test_the_group_leader_also_finds_the_groups_opinions(client, in_review, round_2021, beijing_expert):
    links = review_nav_links(client, beijing_expert.user)

    assert links == [
        (reverse("reviews:my_assignments"), "我的评审"),
        (reverse("reviews:leader_projects", args=[round_2021.pk]), "专家组意见"),
    ]
    assert_each_opens(client, beijing_expert.user, links)
    client.force_login(beijing_expert.user)
    assert in_review.project_name in client.get(links[1][0]).content.decode()


def test_the_group_leader_finds_no_opinions_before_the_review_starts(
    client, round_2021, rubric, hefei_rec, beijing_expert, national_admin
):
    services.update_panel(round_2021, actor=national_admin, experts_per_project=2, leader=beijing_expert)

    assert review_nav_links(client, beijing_expert.user) == [(reverse("reviews:my_assignments"), "我的评审")]


def test_the_group_leader_finds_the_latest_round_they_lead(client, published, round_2021, national_admin):
    leader = round_2021.panel.leader
    later = RoundFactory(year=2022, state=RoundState.OPEN)
    services.default_rubric(later)
    services.update_panel(later, actor=national_admin, experts_per_project=1, leader=leader)
    services.start_review(later, actor=national_admin)

    links = review_nav_links(client, leader.user)

    assert links[1] == (reverse("reviews:leader_projects", args=[later.pk]), "专家组意见")
    assert_each_opens(client, leader.user, links)


@pytest.mark.parametrize("officer", ["anhui_officer", "hefei_officer"])
def test_provinces_and_units_find_no_review_page_before_publication(client, request, in_review, officer):
    assert review_nav_links(client, request.getfixturevalue(officer)) == []


@pytest.mark.parametrize(
    "officer", ["anhui_officer", "hefei_officer", "zhejiang_officer", "hangzhou_officer"]
)
def test_provinces_and_units_find_the_outcome_once_published(client, request, published, officer):
    user = request.getfixturevalue(officer)

    links = review_nav_links(client, user)

    assert links == [(reverse("reviews:outcome"), "评选结果")]
    assert_each_opens(client, user, links)


def test_the_outcome_link_names_the_selected_project_for_its_unit(client, published, hefei_officer):
    (url, _label), *_ = review_nav_links(client, hefei_officer)

    page = client.get(url).content.decode()

    assert published.project_name in page
    assert "入选重点优势项目" in page


def test_experts_keep_their_links_after_publication(client, published, zhejiang_expert, beijing_expert):
    assert review_nav_links(client, zhejiang_expert.user) == [(reverse("reviews:my_assignments"), "我的评审")]
    links = review_nav_links(client, beijing_expert.user)
    assert [label for _url, label in links] == ["我的评审", "专家组意见"]
    assert_each_opens(client, beijing_expert.user, links)


def test_the_links_are_in_english_for_english_readers(client, published, national_admin, hefei_officer):
    client.cookies["django_language"] = "en"

    assert [label for _url, label in review_nav_links(client, national_admin)] == [
        "Expert review",
        "Expert pool",
        "Ranking of the expert review",
    ]
    assert [label for _url, label in review_nav_links(client, hefei_officer)] == ["Outcome of the selection"]


# --- queries -----------------------------------------------------------------------------------


def render_nav(user):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load review_tags %}{% review_nav %}").render(Context({"request": request}))


ROLES = {
    # role: (the user's fixture, how many queries the navigation asks)
    "national administrator": ("national_admin", 0),
    "expert": ("zhejiang_expert", 1),
    "group leader": ("beijing_expert", 1),
    "provincial officer": ("anhui_officer", 1),
    "implementing officer": ("hefei_officer", 1),
}


def _user(request, fixture):
    value = request.getfixturevalue(fixture)
    return getattr(value, "user", value)


@pytest.mark.usefixtures("cold_pages")
@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_asks_the_same_queries_for_one_round_or_three(
    request, published, round_2021, national_admin, role, django_assert_num_queries
):
    fixture, expected = ROLES[role]
    user = _user(request, fixture)
    with django_assert_num_queries(expected):
        one = render_nav(user)
    assert one.count("<a ") >= 1

    # Two more rounds, both published, both led by the same group leader.
    leader = round_2021.panel.leader
    for year in (2022, 2023):
        later = RoundFactory(year=year, state=RoundState.OPEN)
        services.default_rubric(later)
        services.update_panel(later, actor=national_admin, experts_per_project=1, leader=leader)
        services.start_review(later, actor=national_admin)
        RoundFactory._meta.model.objects.filter(pk=later.pk).update(state=RoundState.PUBLISHED)
    with django_assert_num_queries(expected):
        three = render_nav(user)
    assert three.count("<a ") == one.count("<a ")


@pytest.mark.parametrize("role", ROLES)
def test_with_kept_pages_the_navigation_asks_nothing_until_the_data_changes(
    request, in_review, round_2021, national_admin, role, django_assert_num_queries
):
    fixture, expected = ROLES[role]
    user = _user(request, fixture)
    render_nav(user)
    with django_assert_num_queries(0):
        render_nav(user)

    RoundFactory._meta.model.objects.filter(pk=round_2021.pk).update(state=RoundState.PUBLISHED)

    with django_assert_num_queries(expected):
        after = render_nav(user)
    if fixture in ("anhui_officer", "hefei_officer"):
        assert reverse("reviews:outcome") in after


def test_nobody_logged_out_gets_a_review_link(db):
    from django.contrib.auth.models import AnonymousUser

    assert "<a " not in render_nav(AnonymousUser())


def test_a_disabled_account_gets_no_review_link(national_admin, zhejiang_expert):
    for user in (national_admin, zhejiang_expert.user):
        user.is_active = False
        assert "<a " not in render_nav(user)


def test_an_expert_with_nothing_assigned_yet_finds_the_list_of_their_reviews(
    client, national_admin, zhejiang
):
    expert = make_expert(national_admin, "新专家", zhejiang)

    links = review_nav_links(client, expert.user)

    assert links == [(reverse("reviews:my_assignments"), "我的评审")]
    assert_each_opens(client, expert.user, links)
