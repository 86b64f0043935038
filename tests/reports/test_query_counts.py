"""List pages run the same number of queries for 1 row as for 3 (STYLE §11)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dibiao.accounts.choices import Role
from dibiao.reports import services
from tests.factories import ImplementingUnitFactory, UserFactory
from tests.reports import helpers

# Counted on a cold cache: every page rendered in full.
pytestmark = [pytest.mark.django_db, pytest.mark.integration, pytest.mark.usefixtures("cold_pages")]


def queries_for(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def provinces(count):
    """`count` provincial units, each with an officer."""
    units = list(helpers.all_provinces().values())[:count]
    return [UserFactory(role=Role.PROVINCIAL, organisation=unit) for unit in units]


def test_summary_overview(client, national_admin, time_machine):
    time_machine.move_to(helpers.shanghai(2026, 12, 1, 9, 0), tick=False)
    officers = provinces(3)
    client.force_login(national_admin)
    url = reverse("reports:summary_status")

    helpers.submitted_summary(officers[0], 2026)
    one = queries_for(client, url, year=2026)
    for officer in officers[1:]:
        helpers.submitted_summary(officer, 2026)
    three = queries_for(client, url, year=2026)

    assert one == three


def test_case_list(client, anhui_officer, national_admin):
    client.force_login(national_admin)
    url = reverse("reports:case_list")

    helpers.proposed_case(anhui_officer)
    one = queries_for(client, url)
    helpers.proposed_case(anhui_officer, title="二")
    helpers.accepted_case(anhui_officer, national_admin, title="三")
    three = queries_for(client, url)

    assert one == three


def test_project_list(client, anhui, national_admin, time_machine):
    round = helpers.published_round(2021)

    def project(seq):
        unit = ImplementingUnitFactory(province=anhui)
        return helpers.key_project(unit, round, creator=national_admin, seq=seq)

    client.force_login(national_admin)
    url = reverse("reports:project_list")
    project(1)
    one = queries_for(client, url)
    project(2)
    project(3)
    three = queries_for(client, url)

    assert one == three


def test_plan_overview(client, national_admin):
    officers = provinces(3)
    content = services.PlanContent(
        title="方案", issued_on=None, targets="目标", schedule="计划", paths="路径"
    )
    rows = [services.Responsibility("任务", "省局", __import__("datetime").date(2026, 12, 31), "措施")]
    client.force_login(national_admin)
    url = reverse("reports:plan_status")

    services.save_plan(officers[0].organisation, actor=officers[0], content=content, rows=rows)
    one = queries_for(client, url)
    for officer in officers[1:]:
        services.save_plan(officer.organisation, actor=officer, content=content, rows=rows)
    three = queries_for(client, url)

    assert one == three
