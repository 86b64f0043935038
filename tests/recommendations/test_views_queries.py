"""Every list page runs as many SQL queries for 50 rows as for 1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dibiao.recommendations.choices import State
from dibiao.recommendations.models import Notification, Recommendation
from tests.factories import ImplementingUnitFactory, ProvinceFactory, QuotaFactory, RecommendationFactory

# Counted on a cold cache: every page rendered in full.
pytestmark = [pytest.mark.django_db, pytest.mark.integration, pytest.mark.usefixtures("cold_pages")]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_recommendations(count, *, round_, units, creator, state, **fields):
    """`count` recommendations spread over `units`, in one INSERT."""
    now = timezone.now()
    recs = RecommendationFactory.build_batch(
        count,
        round=round_,
        created_by=creator,
        state=state,
        updated_at=now,
        **fields,
    )
    for index, rec in enumerate(recs):
        rec.implementing_unit = units[index % len(units)]
        rec.province_id = rec.implementing_unit.province_id
    Recommendation.objects.bulk_create(recs)
    return recs


def add_received(count, *, round_, units, creator, start=1, paper=False):
    recs = add_recommendations(count, round_=round_, units=units, creator=creator, state=State.RECEIVED)
    now = timezone.now()
    province = units[0].province
    for index, rec in enumerate(recs):
        rec.number = f"2021-{province.province_code}-{start + index:02d}"
        rec.number_seq = start + index
        rec.received_at = now
        rec.paper_received_at = now if paper else None
    Recommendation.objects.bulk_update(recs, ["number", "number_seq", "received_at", "paper_received_at"])
    return recs


@pytest.fixture
def anhui_units(anhui, hefei, wuhu):
    return [hefei, wuhu, *ImplementingUnitFactory.create_batch(3, province=anhui)]


def test_the_units_list_does_not_grow_with_rows(client, hefei_officer, round_2021):
    client.force_login(hefei_officer)
    units = [hefei_officer.organisation]
    add_recommendations(1, round_=round_2021, units=units, creator=hefei_officer, state=State.DRAFT)
    one = queries_for(client, reverse("recommendations:mine"))

    add_recommendations(25, round_=round_2021, units=units, creator=hefei_officer, state=State.DRAFT)
    add_recommendations(24, round_=round_2021, units=units, creator=hefei_officer, state=State.SUBMITTED)
    fifty = queries_for(client, reverse("recommendations:mine"))

    assert Recommendation.objects.count() == 50
    assert fifty == one


def test_the_province_page_does_not_grow_with_rows(client, anhui_officer, anhui_units, round_2021):
    client.force_login(anhui_officer)
    add_recommendations(1, round_=round_2021, units=anhui_units, creator=anhui_officer, state=State.SUBMITTED)
    one = queries_for(client, reverse("recommendations:province"))

    add_recommendations(
        20, round_=round_2021, units=anhui_units, creator=anhui_officer, state=State.SUBMITTED
    )
    add_recommendations(
        5, round_=round_2021, units=anhui_units, creator=anhui_officer, state=State.RECOMMENDED
    )
    add_received(4, round_=round_2021, units=anhui_units, creator=anhui_officer)
    add_recommendations(
        20, round_=round_2021, units=anhui_units[2:], creator=anhui_officer, state=State.DRAFT
    )
    ImplementingUnitFactory.create_batch(10, province=anhui_units[0].province)
    fifty = queries_for(client, reverse("recommendations:province"))

    assert Recommendation.objects.count() == 50
    assert fifty == one


def test_the_national_page_does_not_grow_with_rows_or_provinces(
    client, national_admin, anhui_units, hangzhou, round_2021
):
    client.force_login(national_admin)
    add_recommendations(
        1, round_=round_2021, units=anhui_units, creator=national_admin, state=State.SUBMITTED
    )
    url = reverse("recommendations:national")
    one = queries_for(client, url)

    for code in ("11", "37", "63", "66"):
        province = ProvinceFactory(province_code=code)
        QuotaFactory(round=round_2021, province=province, cap=3)
        units = ImplementingUnitFactory.create_batch(2, province=province)
        add_recommendations(
            5, round_=round_2021, units=units, creator=national_admin, state=State.RECOMMENDED
        )
    add_recommendations(
        20, round_=round_2021, units=[hangzhou], creator=national_admin, state=State.SUBMITTED
    )
    add_received(9, round_=round_2021, units=anhui_units, creator=national_admin, paper=True)
    fifty = queries_for(client, url)
    filtered = queries_for(client, url + "?province=34&state=received&page=1")

    assert Recommendation.objects.count() == 50
    assert fifty == one
    assert filtered == one


def test_the_national_list_is_paginated_by_50(client, national_admin, anhui_units, round_2021):
    add_recommendations(
        51, round_=round_2021, units=anhui_units, creator=national_admin, state=State.SUBMITTED
    )
    client.force_login(national_admin)

    first = client.get(reverse("recommendations:national")).content.decode()
    second = client.get(reverse("recommendations:national"), {"page": 2}).content.decode()

    listing = first[first.index('id="list"') :]
    assert listing.count("<tr>") - 1 == 50  # rows, without the header
    assert "1 / 2" in first
    assert second[second.index('id="list"') :].count("<tr>") - 1 == 1


def test_the_paper_missing_page_does_not_grow_with_rows(
    client, national_admin, anhui_units, hangzhou, round_2021
):
    client.force_login(national_admin)
    add_received(1, round_=round_2021, units=anhui_units, creator=national_admin)
    one = queries_for(client, reverse("recommendations:paper_missing"))

    add_received(30, round_=round_2021, units=anhui_units, creator=national_admin, start=2)
    add_received(19, round_=round_2021, units=[hangzhou], creator=national_admin)
    fifty = queries_for(client, reverse("recommendations:paper_missing"))

    assert Recommendation.objects.filter(paper_received_at__isnull=True).count() == 50
    assert fifty == one


def test_the_notifications_page_does_not_grow_with_rows(client, hefei_officer, round_2021):
    client.force_login(hefei_officer)
    recs = add_recommendations(
        50, round_=round_2021, units=[hefei_officer.organisation], creator=hefei_officer, state=State.DRAFT
    )
    Notification.objects.create(user=hefei_officer, recommendation=recs[0], text="通知 0")
    one = queries_for(client, reverse("recommendations:notifications"))

    Notification.objects.bulk_create(
        Notification(user=hefei_officer, recommendation=rec, text=f"通知 {index}")
        for index, rec in enumerate(recs[1:], start=1)
    )
    fifty = queries_for(client, reverse("recommendations:notifications"))

    assert fifty == one
