"""The public list pages run the same number of queries for 1 row as for 3."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ImplementingUnitFactory
from tests.reports import helpers

# Counted on a cold cache: every page rendered in full.
pytestmark = [pytest.mark.django_db, pytest.mark.integration, pytest.mark.usefixtures("cold_pages")]


def queries_for(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"q": "脐橙"}])
def test_case_library(client, anhui_officer, national_admin, params):
    url = reverse("public:cases")
    helpers.published_case(anhui_officer, national_admin)
    one = queries_for(client, url, **params)
    helpers.published_case(anhui_officer, national_admin, title="脐橙二")
    helpers.published_case(anhui_officer, national_admin, title="脐橙三")
    three = queries_for(client, url, **params)

    assert one == three


@pytest.mark.parametrize("url_name", ["public:projects", "public:statistics", "public:home"])
def test_key_projects_and_statistics(client, anhui, zhejiang, national_admin, url_name):
    round = helpers.published_round(2021)

    def project(province, seq):
        unit = ImplementingUnitFactory(province=province)
        return helpers.key_project(unit, round, creator=national_admin, seq=seq)

    url = reverse(url_name)
    project(anhui, 1)
    one = queries_for(client, url)
    project(anhui, 2)
    project(zhejiang, 1)
    three = queries_for(client, url)

    assert one == three
