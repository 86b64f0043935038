"""Sessions in the shared cache (DIBIAO_CACHE_URL): read from the cache, kept in the database,
and a cache that cannot be reached costs a log line, never a page or a log-in."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PASSWORD = "correct-horse-battery"  # tests/factories.py
UNREACHABLE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
}


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "dibiao.accounts.sessions"


def log_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_session_is_kept_in_the_database_and_read_from_the_cache(client, cached_sessions, hefei_officer):
    log_in(client, hefei_officer)
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    assert cache.get(f"django.contrib.sessions.cached_db{key}")["_auth_user_id"] == str(hefei_officer.pk)

    cache.clear()  # a restarted Redis: the database still knows the session
    assert client.get(reverse("dashboards:home")).status_code == 200


def test_logging_out_ends_the_session_in_both(client, cached_sessions, hefei_officer):
    log_in(client, hefei_officer)
    key = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is None


def test_without_the_cache_people_log_in_read_pages_and_log_out(
    client, cached_sessions, settings, hefei_officer
):
    settings.CACHES = UNREACHABLE
    log_in(client, hefei_officer)
    assert client.get(reverse("dashboards:home")).status_code == 200
    assert client.get(reverse("recommendations:mine")).status_code == 200
    key = client.cookies["sessionid"].value
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302
