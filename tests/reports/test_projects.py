"""Key-project follow-up: CNIPA's log of contacts, guidance and support; the unit's yearly
progress; visible to CNIPA, the project's province and its implementing unit only."""

import datetime as dt

import pytest
from django.urls import reverse

from dibiao.core.errors import DomainError
from dibiao.recommendations.choices import State
from dibiao.reports import services
from dibiao.reports.choices import FollowUpKind
from dibiao.reports.models import FollowUpEntry, ProgressNote
from tests.reports.helpers import key_project, published_round, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def project(hefei_officer, time_machine):
    time_machine.move_to(shanghai(2022, 3, 1, 10, 0), tick=False)
    return key_project(hefei_officer.organisation, published_round(2021), creator=hefei_officer)


def test_cnipa_records_follow_up_and_the_unit_its_progress(client, project, national_admin, hefei_officer):
    client.force_login(national_admin)
    logged = client.post(
        reverse("reports:follow_up_add", args=[project.pk]),
        {
            "happened_on": "2022-02-20",
            "kind": FollowUpKind.GUIDANCE,
            "by": "运用促进司 刘佳",
            "text": "赴砀山县现场指导品牌建设。",
        },
    )
    client.force_login(hefei_officer)
    noted = client.post(
        reverse("reports:progress_note_save", args=[project.pk]),
        {"year": "2021", "text": "建成标准化果园两千亩。"},
    )
    rewritten = client.post(
        reverse("reports:progress_note_save", args=[project.pk]),
        {"year": "2021", "text": "建成标准化果园三千亩。"},
    )

    assert (logged.status_code, noted.status_code, rewritten.status_code) == (302, 302, 302)
    entry = FollowUpEntry.objects.get()
    assert (entry.happened_on, entry.kind, entry.by, entry.recorded_by) == (
        dt.date(2022, 2, 20),
        FollowUpKind.GUIDANCE,
        "运用促进司 刘佳",
        national_admin,
    )
    assert list(ProgressNote.objects.values_list("year", "text")) == [(2021, "建成标准化果园三千亩。")]
    page = client.get(reverse("reports:project_detail", args=[project.pk])).content.decode()
    assert "赴砀山县现场指导品牌建设。" in page
    assert "业务指导" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("national_admin", 200),
        ("anhui_officer", 200),
        ("hefei_officer", 200),
        ("zhejiang_officer", 404),
        ("hangzhou_officer", 404),
        ("chuzhou_officer", 404),
        ("expert_from_anhui", 404),
    ],
)
def test_project_is_visible_to_cnipa_its_province_and_its_unit_only(client, project, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reports:project_detail", args=[project.pk])).status_code == status


def test_only_cnipa_records_follow_up(client, project, anhui_officer, hefei_officer):
    for user in (anhui_officer, hefei_officer):
        client.force_login(user)
        response = client.post(
            reverse("reports:follow_up_add", args=[project.pk]),
            {"happened_on": "2022-02-20", "kind": FollowUpKind.CONTACT, "by": "x", "text": "x"},
        )
        assert response.status_code == 403
    assert FollowUpEntry.objects.count() == 0


def test_only_the_unit_writes_progress(client, project, anhui_officer, national_admin):
    for user in (anhui_officer, national_admin):
        client.force_login(user)
        response = client.post(
            reverse("reports:progress_note_save", args=[project.pk]), {"year": "2021", "text": "x"}
        )
        assert response.status_code == 403
    assert ProgressNote.objects.count() == 0


def test_follow_up_in_the_future_is_refused(project, national_admin):
    with pytest.raises(DomainError):
        services.add_follow_up(
            project,
            actor=national_admin,
            happened_on=dt.date(2022, 3, 2),
            kind=FollowUpKind.SUPPORT,
            by="x",
            text="x",
        )


def test_progress_before_the_projects_round_is_refused(client, project, hefei_officer):
    client.force_login(hefei_officer)
    response = client.post(
        reverse("reports:progress_note_save", args=[project.pk]), {"year": "2020", "text": "x"}
    )

    assert response.status_code == 200  # the form comes back with its error
    assert ProgressNote.objects.count() == 0


def test_a_project_not_selected_has_no_follow_up_page(client, hefei_officer, national_admin, time_machine):
    round = published_round(2021)
    other = key_project(
        hefei_officer.organisation, round, creator=hefei_officer, state=State.NOT_SELECTED, seq=2
    )
    client.force_login(national_admin)

    assert client.get(reverse("reports:project_detail", args=[other.pk])).status_code == 404


def test_project_list_shows_own_projects_only(client, project, hangzhou_officer, zhejiang_officer):
    zhejiang_project = key_project(
        hangzhou_officer.organisation, project.round, creator=hangzhou_officer, name="龙井茶", gi="西湖龙井"
    )
    client.force_login(zhejiang_officer)

    listed = list(client.get(reverse("reports:project_list")).context["page_obj"].object_list)

    assert listed == [zhejiang_project]
