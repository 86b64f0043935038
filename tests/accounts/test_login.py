"""Log-in, lockout, session expiry, log-out: what a person at the log-in page notices."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dibiao import settings as product_settings
from dibiao.accounts import services
from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PASSWORD = "correct-horse-battery"  # tests/factories.py
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
WRONG = "已锁定"


def log_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_passwords_are_hashed_with_argon2(client, hefei_officer, settings):
    settings.PASSWORD_HASHERS = product_settings.PASSWORD_HASHERS
    services.set_own_password(hefei_officer, "a-new-long-password")

    hefei_officer.refresh_from_db()
    assert hefei_officer.password.startswith("argon2")
    assert log_in(client, "hefei", "a-new-long-password").status_code == 302
    assert logged_in_user_id(client) == str(hefei_officer.pk)


def test_right_password_logs_in_and_goes_home(client, hefei_officer):
    response = log_in(client, "hefei", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:home")
    assert logged_in_user_id(client) == str(hefei_officer.pk)


def test_user_name_ignores_case_but_password_does_not(client, hefei_officer):
    assert log_in(client, "HeFei", PASSWORD.upper()).status_code == 200
    assert logged_in_user_id(client) is None

    assert log_in(client, "HeFei", PASSWORD).status_code == 302
    assert logged_in_user_id(client) == str(hefei_officer.pk)


def test_wrong_password_says_so_in_chinese_and_counts(client, hefei_officer):
    response = log_in(client, "hefei", "wrong")

    assert response.status_code == 200
    assert "用户名或密码错误（密码区分大小写）。" in response.content.decode()
    hefei_officer.refresh_from_db()
    assert hefei_officer.failed_login_count == 1
    assert hefei_officer.locked_until is None


def test_unknown_user_gets_the_same_message(client, db):
    response = log_in(client, "nobody", "wrong")

    assert "用户名或密码错误（密码区分大小写）。" in response.content.decode()


def test_too_many_wrong_passwords_lock_the_account_until_a_stated_time(client, hefei_officer):
    limit = settings.LOGIN_FAILURE_LIMIT
    with time_machine.travel(START, tick=False):
        for _ in range(limit - 1):
            response = log_in(client, "hefei", "wrong")
            assert WRONG not in response.content.decode()
        response = log_in(client, "hefei", "wrong")

    until = START + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    assert (
        f"密码错误次数过多，账号已锁定至 {until:%Y-%m-%d %H:%M}。请届时再试，或通过电子邮件重置密码。"
        in response.content.decode()
    )
    hefei_officer.refresh_from_db()
    assert hefei_officer.locked_until == until
    assert list(AuditEvent.objects.filter(verb="account.locked").values_list("object_id", flat=True)) == [
        str(hefei_officer.pk)
    ]


def test_the_right_password_is_refused_during_the_lock(client, hefei_officer):
    with time_machine.travel(START, tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            log_in(client, "hefei", "wrong")
    with time_machine.travel(START + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES - 1), tick=False):
        response = log_in(client, "hefei", PASSWORD)

    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert logged_in_user_id(client) is None


def test_the_lock_expires(client, hefei_officer):
    with time_machine.travel(START, tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            log_in(client, "hefei", "wrong")
    with time_machine.travel(
        START + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1), tick=False
    ):
        response = log_in(client, "hefei", PASSWORD)
        assert response.status_code == 302
        assert logged_in_user_id(client) == str(hefei_officer.pk)

    hefei_officer.refresh_from_db()
    assert (hefei_officer.failed_login_count, hefei_officer.locked_until) == (0, None)


def test_a_success_resets_the_failure_count(client, hefei_officer):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        log_in(client, "hefei", "wrong")
    log_in(client, "hefei", PASSWORD)
    client.post(reverse("accounts:logout"))
    # A full series of failures is needed again to lock.
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        response = log_in(client, "hefei", "wrong")

    assert WRONG not in response.content.decode()
    hefei_officer.refresh_from_db()
    assert hefei_officer.failed_login_count == settings.LOGIN_FAILURE_LIMIT - 1
    assert hefei_officer.locked_until is None


def test_a_disabled_account_is_told_only_with_the_right_password(client, hefei_officer, national_admin):
    services.set_account_active(national_admin, hefei_officer, False)

    wrong = log_in(client, "hefei", "wrong").content.decode()
    right = log_in(client, "hefei", PASSWORD).content.decode()

    assert "用户名或密码错误（密码区分大小写）。" in wrong
    assert "该账号已停用，请联系管理员。" not in wrong
    assert "该账号已停用，请联系管理员。" in right
    assert logged_in_user_id(client) is None


def test_a_disabled_account_loses_its_session(client, hefei_officer, national_admin):
    log_in(client, "hefei", PASSWORD)
    services.set_account_active(national_admin, hefei_officer, False)

    response = client.get(reverse("dashboards:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_locked_account_at_the_admin_log_in_is_told_not_crashed(client, national_admin):
    with time_machine.travel(START, tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            log_in(client, "admin", "wrong")
        response = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})

    assert response.status_code == 200
    assert WRONG in response.content.decode()


def test_only_national_administrators_use_the_data_administration(client, national_admin, anhui_officer):
    client.force_login(anhui_officer)
    assert client.get(reverse("admin:index")).status_code == 302

    client.force_login(national_admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_session_expires_after_inactivity(client, hefei_officer):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(START, tick=False):
        response = log_in(client, "hefei", PASSWORD)
        # The cookie lives until the browser closes; the server ends the session when idle.
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
        session = Session.objects.get(session_key=client.session.session_key)
        assert session.expire_date == timezone.now() + idle

    # Each request pushes the end back: active for longer than the idle limit, still in.
    with time_machine.travel(START + idle * 0.9, tick=False):
        assert client.get(reverse("dashboards:home")).status_code == 200
    with time_machine.travel(START + idle * 1.8, tick=False):
        assert client.get(reverse("dashboards:home")).status_code == 200
        last_request = timezone.now()

    with time_machine.travel(last_request + idle + dt.timedelta(seconds=1), tick=False):
        response = client.get(reverse("dashboards:home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


def test_reading_pages_renews_the_session_at_most_once_a_minute(client, hefei_officer):
    with time_machine.travel(START, tick=False):
        log_in(client, "hefei", PASSWORD)
        key = client.session.session_key
        first_end = Session.objects.get(session_key=key).expire_date
    with time_machine.travel(START + dt.timedelta(seconds=30), tick=False):
        assert client.get(reverse("dashboards:home")).status_code == 200
        assert Session.objects.get(session_key=key).expire_date == first_end
    with time_machine.travel(START + dt.timedelta(seconds=90), tick=False):
        assert client.get(reverse("dashboards:home")).status_code == 200
        assert Session.objects.get(session_key=key).expire_date == first_end + dt.timedelta(seconds=90)


def test_log_out_is_a_post(client, hefei_officer):
    client.force_login(hefei_officer)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_user_id(client) == str(hefei_officer.pk)

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_user_id(client) is None


def test_login_page_offers_the_password_reset(client, db):
    content = client.get(reverse("accounts:login")).content.decode()

    assert reverse("accounts:password_reset") in content
    assert "忘记密码？" in content


def test_user_names_differing_only_by_case_are_refused_by_the_database(db):
    UserFactory(username="zhang", role=Role.EXPERT)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="Zhang", role=Role.EXPERT)
    assert User.objects.filter(username__iexact="zhang").count() == 1
