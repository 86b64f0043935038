"""Choosing a password by e-mail (reset and invitation), changing it, and the profile."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from dibiao.accounts import services
from dibiao.core.models import AuditEvent
from tests.accounts.conftest import link_in

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

OLD = "correct-horse-battery"  # tests/factories.py
NEW = "Huangshan-Maofeng-2021"


def log_in(client, username, password):
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client.session.get("_auth_user_id")


def choose_password(client, link, password=NEW):
    """Follow an e-mailed link and choose a password; returns the last response."""
    response = client.get(link)
    assert response.status_code == 302  # the token moves to the session, out of the address bar
    assert client.get(response["Location"]).status_code == 200
    return client.post(response["Location"], {"new_password1": password, "new_password2": password})


def test_password_reset_by_email_end_to_end(
    client, hefei_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "HEFEI@example.cn"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["hefei@example.cn"]
    assert message.subject == "地标：设置新密码"
    assert message.body.startswith("合肥经办人，您好：")
    assert "有人申请重置您在“地标”系统的账号密码。" in message.body
    assert "您的用户名是 hefei。" in message.body
    assert "该链接 3 天内有效，且只能使用一次。" in message.body
    link = link_in(message)
    assert message.body.count(f"{settings.SITE_URL}{link}") == 1

    response = choose_password(client, link)
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert "新密码已设置" in client.get(response["Location"]).content.decode()

    assert log_in(client, "hefei", OLD) is None
    assert log_in(client, "hefei", NEW) == str(hefei_officer.pk)
    # The link worked once.
    client.post(reverse("accounts:logout"))
    assert "该链接已失效" in client.get(link, follow=True).content.decode()


def test_password_reset_mail_is_chinese_even_from_the_english_page(
    client, hefei_officer, mailoutbox, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "hefei@example.cn"})

    assert mailoutbox[0].subject == "地标：设置新密码"


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, hefei_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "nobody@example.cn"}, follow=True
        )

    assert "如该邮箱绑定了账号，设置新密码的链接已发出" in response.content.decode()
    assert mailoutbox == []


def test_password_reset_skips_a_disabled_account(
    client, hefei_officer, national_admin, mailoutbox, django_capture_on_commit_callbacks
):
    services.set_account_active(national_admin, hefei_officer, False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "hefei@example.cn"})

    assert mailoutbox == []


def test_a_new_password_lifts_a_lockout(
    client, hefei_officer, mailoutbox, django_capture_on_commit_callbacks
):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            log_in(client, "hefei", "wrong")
        hefei_officer.refresh_from_db()
        assert hefei_officer.is_locked
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": "hefei@example.cn"})
        choose_password(client, link_in(mailoutbox[0]))

        assert log_in(client, "hefei", NEW) == str(hefei_officer.pk)


def test_invitation_link_lets_the_new_holder_choose_a_password(
    client, national_admin, hefei, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account = services.create_account(
            national_admin,
            username="wangfang",
            full_name="王芳",
            email="wangfang@example.cn",
            role="implementing",
            organisation=hefei,
        )
    assert not account.has_usable_password()
    [message] = mailoutbox
    assert message.subject == "地标：您的账号已开通"
    assert message.body.startswith("王芳，您好：")
    assert "所属单位：合肥市市场监督管理局（知识产权局）" in message.body
    assert "您的用户名是 wangfang。" in message.body
    assert "请在 3 天内打开以下链接设置密码：" in message.body
    link = link_in(message)
    assert link.startswith("/accounts/welcome/")
    assert "欢迎使用地标系统" in client.get(link, follow=True).content.decode()

    choose_password(client, link)

    assert log_in(client, "wangfang", NEW) == str(account.pk)
    assert AuditEvent.objects.filter(verb="account.password_set", object_id=str(account.pk)).count() == 1


def test_change_password_from_the_profile(client, hefei_officer):
    client.force_login(hefei_officer)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response["Location"] == reverse("accounts:profile")
    assert "密码已修改。" in client.get(response["Location"]).content.decode()
    hefei_officer.refresh_from_db()
    assert hefei_officer.check_password(NEW)


def test_a_short_password_is_refused_in_chinese(client, hefei_officer):
    client.force_login(hefei_officer)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": OLD, "new_password1": "abc", "new_password2": "abc"},
    )

    assert response.status_code == 200
    assert "此密码太短，至少要包含 10 个字符。" in response.content.decode()
    hefei_officer.refresh_from_db()
    assert hefei_officer.check_password(OLD)


def test_profile_toggles_email_notifications(client, hefei_officer):
    client.force_login(hefei_officer)
    assert hefei_officer.wants_email is True
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "合肥经办人" in page
    assert 'name="wants_email"' in page

    response = client.post(reverse("accounts:profile"), {})
    assert response["Location"] == reverse("accounts:profile")
    hefei_officer.refresh_from_db()
    assert hefei_officer.wants_email is False
    assert "设置已保存。" in client.get(reverse("accounts:profile")).content.decode()

    client.post(reverse("accounts:profile"), {"wants_email": "on"})
    hefei_officer.refresh_from_db()
    assert hefei_officer.wants_email is True
