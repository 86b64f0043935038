"""Who sees which project and score sheet during the review: an expert exactly the projects
assigned to them, from the start of the review on, and never one of their own province or of a
unit they declared a tie to, even if someone forged an assignment (a scope, not a template if)."""

import pytest
from django.urls import reverse

from dibiao.accounts.permissions import visible_assignments, visible_recommendations
from dibiao.reviews import services
from dibiao.reviews.models import Assignment, Tie
from tests.reviews.conftest import make_expert

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def in_review(hefei_rec, hangzhou_rec, zhejiang_expert, beijing_expert, rubric, round_2021, national_admin):
    """Hefei's project in review by Zhejiang's and Beijing's experts; Hangzhou's received, with
    no experts (so it stays received)."""
    services.update_panel(round_2021, actor=national_admin, experts_per_project=2, leader=None)
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    services.assign(hefei_rec, beijing_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)
    return hefei_rec


def ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_an_expert_sees_exactly_the_projects_assigned_to_them(in_review, hangzhou_rec, zhejiang_expert):
    assert ids(visible_recommendations(zhejiang_expert.user)) == [in_review.pk]
    assert ids(visible_assignments(zhejiang_expert.user)) == [
        Assignment.objects.get(expert=zhejiang_expert).pk
    ]


def test_before_the_review_starts_an_expert_sees_nothing(hefei_rec, zhejiang_expert, national_admin):
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    assert ids(visible_recommendations(zhejiang_expert.user)) == []
    assert ids(visible_assignments(zhejiang_expert.user)) == []


def test_a_forged_assignment_to_the_experts_own_province_shows_nothing(
    in_review, anhui_expert, national_admin, client
):
    # Written past the service, which would refuse it (test_assignment.py).
    forged = Assignment.objects.create(
        recommendation=in_review, expert=anhui_expert, assigned_by=national_admin
    )

    assert ids(visible_recommendations(anhui_expert.user)) == []
    assert ids(visible_assignments(anhui_expert.user)) == []
    client.force_login(anhui_expert.user)
    assert client.get(reverse("reviews:review", args=[forged.pk])).status_code == 404
    assert client.get(reverse("reviews:project", args=[in_review.pk])).status_code == 404
    attachment = in_review.attachments.first()
    assert client.get(reverse("reviews:attachment", args=[in_review.pk, attachment.pk])).status_code == 404


def test_a_tie_declared_after_the_assignment_hides_the_project(
    in_review, beijing_expert, hefei, national_admin, client
):
    sheet = Assignment.objects.get(expert=beijing_expert)
    # The service refuses a tie that conflicts with an assignment; the scope holds even so.
    Tie.objects.create(expert=beijing_expert, organisation=hefei)

    assert ids(visible_recommendations(beijing_expert.user)) == []
    client.force_login(beijing_expert.user)
    assert client.get(reverse("reviews:review", args=[sheet.pk])).status_code == 404


def test_an_expert_gets_404_for_every_other_project(in_review, hangzhou_rec, zhejiang_expert, client):
    client.force_login(zhejiang_expert.user)
    for url in (
        reverse("reviews:group_opinion", args=[hangzhou_rec.pk]),
        reverse("reviews:project", args=[hangzhou_rec.pk]),
        reverse("recommendations:detail", args=[hangzhou_rec.pk]),
        reverse("reviews:attachment", args=[hangzhou_rec.pk, hangzhou_rec.attachments.first().pk]),
    ):
        assert client.get(url).status_code == 404, url
    other = Assignment.objects.exclude(expert=zhejiang_expert).get()
    assert client.get(reverse("reviews:review", args=[other.pk])).status_code == 404


def test_the_assigned_expert_reads_the_project_but_not_the_administrators_pages(
    in_review, zhejiang_expert, client
):
    client.force_login(zhejiang_expert.user)
    sheet = Assignment.objects.get(expert=zhejiang_expert)
    assert client.get(reverse("reviews:review", args=[sheet.pk])).status_code == 200
    attachment = in_review.attachments.first()
    assert client.get(reverse("reviews:attachment", args=[in_review.pk, attachment.pk])).status_code == 200
    # Visible, but the administrator's page and the whole form (with its contacts) are not theirs.
    assert client.get(reverse("reviews:project", args=[in_review.pk])).status_code == 403
    assert client.get(reverse("recommendations:detail", args=[in_review.pk])).status_code == 403


def test_the_group_leader_sees_the_round_in_review_except_their_conflicts(
    in_review, hangzhou_rec, anhui_expert, round_2021, national_admin, zhejiang, client
):
    leader = make_expert(national_admin, "组长", zhejiang)
    services.update_panel(round_2021, actor=national_admin, experts_per_project=2, leader=leader)
    services.assign(hangzhou_rec, anhui_expert, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)

    # Hangzhou's project is of the leader's own province: another 404.
    assert ids(visible_recommendations(leader.user)) == [in_review.pk]
    client.force_login(leader.user)
    assert client.get(reverse("reviews:group_opinion", args=[in_review.pk])).status_code == 200
    assert client.get(reverse("reviews:group_opinion", args=[hangzhou_rec.pk])).status_code == 404
    # The leader reads the group's submitted sheets of their projects, never a draft.
    assert ids(visible_assignments(leader.user)) == []


def test_provinces_and_units_see_no_score_sheets(in_review, anhui_officer, hefei_officer, zhejiang_officer):
    for user in (anhui_officer, hefei_officer, zhejiang_officer):
        assert ids(visible_assignments(user)) == []


def test_the_expert_page_hides_phones_and_e_mails(in_review, zhejiang_expert, client):
    data = in_review.data
    contacts = [
        data["implementing_unit"]["phone"],
        data["implementing_unit"]["fax"],
        data["implementing_unit"]["email"],
        data["implementing_unit"]["address"],
        data["implementing_unit"]["responsible"]["mobile"],
        data["implementing_unit"]["responsible"]["landline"],
        data["implementing_unit"]["contact"]["mobile"],
        data["implementing_unit"]["contact"]["landline"],
        data["recommending_unit"]["division_head"]["mobile"],
        data["recommending_unit"]["contact"]["mobile"],
    ]
    assert all(contacts)
    client.force_login(zhejiang_expert.user)
    sheet = Assignment.objects.get(expert=zhejiang_expert)

    page = client.get(reverse("reviews:review", args=[sheet.pk])).content.decode()

    assert [value for value in contacts if value in page] == []
    # What the reviewer needs is there: names, the GI, the long texts.
    for value in ("李明", "张华", "砀山酥梨", "县政府设立专项资金……"):
        assert value in page
