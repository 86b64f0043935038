"""The data revision and the pages kept under it: a kept page is never served after the data or
the calendar changed, never to another person, and a cache that cannot be reached costs
nothing but speed."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dibiao.core import revision
from dibiao.organisations.models import Organisation
from dibiao.recommendations.models import Notification, Recommendation
from dibiao.rounds.models import Extension
from tests.factories import UserFactory, recommended_recommendation, submitted_recommendation

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def moves(action) -> bool:
    before = revision.current()
    action()
    return revision.current() != before


# --- the revision ------------------------------------------------------------------------------


def test_every_kind_of_write_moves_the_revision_and_a_read_does_not(anhui, hefei):
    assert moves(lambda: Organisation.objects.filter(pk=hefei.pk).update(name="合肥市局"))
    assert moves(lambda: hefei.save())
    assert moves(lambda: Organisation.objects.filter(pk=hefei.pk).delete())
    with connection.cursor() as cursor:
        assert moves(
            lambda: cursor.execute(
                "UPDATE organisations_organisation SET name = name WHERE id = %s", [anhui.pk]
            )
        )
        assert not moves(lambda: cursor.execute("SELECT name FROM organisations_organisation"))
    assert not moves(lambda: list(Organisation.objects.all()))


@pytest.mark.parametrize(
    "model",
    [
        "django_tasks_database.DBTaskResult",  # the task worker claims and finishes tasks all the time
        "sessions.Session",
        "core.AuditEvent",
    ],
)
def test_writes_to_the_bookkeeping_tables_do_not_count(model):
    from django.apps import apps

    table = apps.get_model(model)._meta.db_table
    # Statements shaped as Django writes them; the table name comes from the model.
    assert not revision.is_write(f'UPDATE "{table}" SET "status" = %s WHERE "id" = %s')  # noqa: S608
    assert not revision.is_write(f'INSERT INTO "{table}" ("id") VALUES (%s)')  # noqa: S608
    assert revision.is_write('UPDATE "recommendations_recommendation" SET "state" = %s')


def test_session_writes_leave_it_alone(client, anhui_officer):
    client.force_login(anhui_officer)
    session = Session.objects.get()
    assert not moves(lambda: session.save())


@pytest.mark.django_db(transaction=True)
def test_each_write_moves_it_and_the_commit_once_more(monkeypatch):
    moved = []
    monkeypatch.setattr(revision, "bump", lambda: moved.append("move"))
    with transaction.atomic():
        unit = Organisation.objects.create(name="某某省知识产权局", kind="province", province_code="99")
        unit.save()
        assert len(moved) == 2
    assert len(moved) == 3


def test_a_lost_counter_starts_again_above_every_number_it_gave(anhui):
    from django.core.cache import cache

    given = revision.current()
    cache.delete(revision.KEY)
    assert revision.current() > given


def test_the_phase_counts_openings_deadlines_and_extensions_past(round_2021, anhui, national_admin):
    rev = revision.current()
    before = revision.phase(rev, dt.datetime(2021, 9, 15, 23, 59, 59, 900000, tzinfo=SHANGHAI))
    after = revision.phase(rev, dt.datetime(2021, 9, 16, 0, 0, 0, tzinfo=SHANGHAI))
    assert after == before + 1

    Extension.objects.create(
        round=round_2021,
        province=anhui,
        until=dt.datetime(2021, 9, 20, 23, 59, 59, tzinfo=SHANGHAI),
        reason="洪水",
        granted_by=national_admin,
    )
    rev = revision.current()
    inside = revision.phase(rev, dt.datetime(2021, 9, 18, tzinfo=SHANGHAI))
    beyond = revision.phase(rev, dt.datetime(2021, 9, 21, tzinfo=SHANGHAI))
    assert beyond == inside + 2


# --- kept pages --------------------------------------------------------------------------------


def without_tokens(html):
    """A page without its CSRF tokens, which differ on every response."""
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)


def province_page(client):
    return client.get(reverse("recommendations:province"))


def test_a_kept_page_costs_no_query_and_a_change_shows_at_once(
    client, anhui_officer, hefei_officer, round_2021
):
    submitted_recommendation(hefei_officer, round_2021)
    client.force_login(anhui_officer)
    first = province_page(client).content.decode()
    assert '<span class="num" data-quota>0 / 7</span>' in first

    with CaptureQueriesContext(connection) as queries:
        again = province_page(client).content.decode()
    assert without_tokens(again) == without_tokens(first)
    assert [q["sql"] for q in queries.captured_queries if "django_session" not in q["sql"]] == []

    rec = Recommendation.objects.get()
    recommended_recommendation(hefei_officer, anhui_officer, round_2021)  # a second one, recommended
    assert rec.pk != Recommendation.objects.latest("pk").pk
    assert '<span class="num" data-quota>1 / 7</span>' in province_page(client).content.decode()


def test_a_kept_page_is_never_served_to_another_person(
    client, anhui_officer, zhejiang_officer, hefei_officer, round_2021
):
    submitted_recommendation(hefei_officer, round_2021)
    client.force_login(anhui_officer)
    anhui_page = province_page(client).content.decode()
    assert "合肥市市场监督管理局（知识产权局）" in anhui_page

    other = Client()
    other.force_login(zhejiang_officer)
    zhejiang_page = province_page(other).content.decode()
    assert "合肥市市场监督管理局（知识产权局）" not in zhejiang_page
    assert "浙江" in zhejiang_page or zhejiang_officer.organisation.name in zhejiang_page


def test_a_kept_form_carries_each_browsers_own_csrf_token(national_admin, round_2021):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(national_admin)
    second.force_login(national_admin)
    url = reverse("reviews:ranking")

    tokens = []
    for browser in (first, second):
        html = browser.get(url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        assert "csrf-" not in token
        tokens.append(token)
        cookie = browser.cookies["csrftoken"].value
        # Django accepts the form's token only with its own browser's cookie.
        from django.middleware.csrf import _does_token_match

        assert _does_token_match(token, cookie)
    assert tokens[0] != tokens[1]


def test_a_deactivated_person_is_out_at_once_though_their_account_was_kept(client, anhui_officer):
    client.force_login(anhui_officer)
    assert client.get(reverse("dashboards:home")).status_code == 200
    anhui_officer.is_active = False
    anhui_officer.save()
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def unread_badge(client):
    html = client.get(reverse("dashboards:home")).content.decode()
    found = re.search(r'<span class="nav-count"[^>]*>(\d+)</span>', html)
    return int(found.group(1)) if found else 0


def test_the_unread_count_follows_new_notices(client, anhui_officer, hefei_officer, round_2021):
    client.force_login(anhui_officer)
    assert unread_badge(client) == 0
    submitted_recommendation(hefei_officer, round_2021)  # tells the province
    unread = Notification.objects.filter(user=anhui_officer, read_at__isnull=True).count()
    assert unread >= 1
    assert unread_badge(client) == unread


def test_a_cache_that_cannot_be_reached_costs_only_speed(
    client, settings, anhui_officer, hefei_officer, round_2021
):
    submitted_recommendation(hefei_officer, round_2021)
    client.force_login(anhui_officer)
    # Nothing listens there: every cache call fails.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    for _ in range(2):
        response = province_page(client)
        assert response.status_code == 200
        assert "合肥市市场监督管理局（知识产权局）" in response.content.decode()


def test_other_people_see_the_same_facts_on_their_own_pages(client, anhui_officer, hefei_officer, round_2021):
    """A colleague in the same office gets a page made for them, with the same data."""
    colleague = UserFactory(role=anhui_officer.role, organisation=anhui_officer.organisation)
    submitted_recommendation(hefei_officer, round_2021)
    client.force_login(anhui_officer)
    mine = province_page(client).content.decode()
    other = Client()
    other.force_login(colleague)
    theirs = province_page(other).content.decode()
    assert mine.count("合肥市市场监督管理局（知识产权局）") == theirs.count(
        "合肥市市场监督管理局（知识产权局）"
    )


def test_a_new_release_never_serves_what_an_older_one_kept(
    client, monkeypatch, anhui_officer, hefei_officer, round_2021
):
    from dibiao.core import pages

    submitted_recommendation(hefei_officer, round_2021)
    client.force_login(anhui_officer)
    province_page(client)
    with CaptureQueriesContext(connection) as kept:
        province_page(client)
    monkeypatch.setattr(pages, "release", lambda: "a-newer-release")
    with CaptureQueriesContext(connection) as fresh:
        province_page(client)
    assert len(fresh) > len(kept)
