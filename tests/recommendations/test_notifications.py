"""Whoever must act next is told: in the product, and by e-mail exactly once."""

import logging

import pytest
from django.core.mail import EmailMessage

from dibiao.accounts.choices import Role
from dibiao.recommendations import notifications, services, workflow
from dibiao.recommendations.choices import Action, Section
from dibiao.recommendations.models import Notification, Transition
from dibiao.recommendations.tasks import task_send_notification_emails
from tests.factories import (
    IMPLEMENTING_OPINION,
    UserFactory,
    complete_recommendation_data,
    received_recommendation,
    recommended_recommendation,
    submitted_recommendation,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PROJECT = "砀山酥梨地理标志运用促进工程"


@pytest.fixture
def colleagues(anhui, hefei, zhejiang):
    """A second officer in Anhui and in Hefei, one who wants no e-mail, one inactive, and a
    second national administrator."""
    return {
        "anhui_2": UserFactory(username="anhui2", role=Role.PROVINCIAL, organisation=anhui),
        "anhui_quiet": UserFactory(
            username="anhui3", role=Role.PROVINCIAL, organisation=anhui, wants_email=False
        ),
        "anhui_gone": UserFactory(
            username="anhui4", role=Role.PROVINCIAL, organisation=anhui, is_active=False
        ),
        "hefei_2": UserFactory(username="hefei2", role=Role.IMPLEMENTING, organisation=hefei),
        "admin_2": UserFactory(username="admin2", national_admin=True),
    }


def recipients_of(transition):
    return sorted(Notification.objects.filter(transition=transition).values_list("user__username", flat=True))


def last_transition(rec):
    return Transition.objects.filter(recommendation=rec).last()


def test_submission_tells_the_provinces_officers(
    round_2021, hefei_officer, anhui_officer, zhejiang_officer, colleagues
):
    rec = submitted_recommendation(hefei_officer, round_2021)
    transition = last_transition(rec)
    assert recipients_of(transition) == ["anhui", "anhui2", "anhui3"]
    notice = Notification.objects.filter(transition=transition).first()
    assert notice.text == (
        f"合肥市市场监督管理局（知识产权局）报送了推荐书《{PROJECT}》，请审核后推荐至国家知识产权局或退回。"
    )
    assert notice.recommendation == rec
    assert notice.read_at is None


def test_a_return_tells_the_units_officers_with_the_reason(
    round_2021, hefei_officer, anhui_officer, colleagues
):
    rec = submitted_recommendation(hefei_officer, round_2021)
    transition = workflow.perform(rec, Action.RETURN, actor=anhui_officer, reason="请补充产地范围")
    assert recipients_of(transition) == ["hefei", "hefei2"]
    assert Notification.objects.filter(transition=transition).first().text == (
        f"安徽省知识产权局退回了推荐书《{PROJECT}》，请修改后重新报送。理由：请补充产地范围"
    )


def test_a_recommendation_tells_the_national_office(
    round_2021, hefei_officer, anhui_officer, national_admin, colleagues
):
    rec = recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    transition = last_transition(rec)
    assert recipients_of(transition) == ["admin", "admin2"]
    assert Notification.objects.filter(transition=transition).first().text == (
        f"安徽省知识产权局推荐了《{PROJECT}》，请接收。"
    )


def test_a_withdrawal_tells_the_unit_and_the_national_office(
    round_2021, hefei_officer, anhui_officer, national_admin, colleagues
):
    rec = recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    transition = workflow.perform(rec, Action.WITHDRAW, actor=anhui_officer, reason="调整")
    assert recipients_of(transition) == ["admin", "admin2", "hefei", "hefei2"]


def test_a_receipt_tells_province_and_unit_the_number(
    round_2021, hefei_officer, anhui_officer, national_admin, colleagues
):
    rec = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    transition = last_transition(rec)
    assert recipients_of(transition) == ["anhui", "anhui2", "anhui3", "hefei", "hefei2"]
    assert Notification.objects.filter(transition=transition).first().text == (
        f"国家知识产权局已接收《{PROJECT}》，编号为2021-34-01。"
    )


def test_a_return_to_the_province_tells_province_and_unit(
    round_2021, hefei_officer, anhui_officer, national_admin, colleagues
):
    rec = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    transition = workflow.perform(rec, Action.RETURN_TO_PROVINCE, actor=national_admin, reason="纸件未盖章")
    assert recipients_of(transition) == ["anhui", "anhui2", "anhui3", "hefei", "hefei2"]
    assert Notification.objects.filter(transition=transition).first().text == (
        f"国家知识产权局因形式缺陷将《{PROJECT}》退回安徽省知识产权局。理由：纸件未盖章"
    )


def test_a_long_reason_is_cut_to_fit_the_notice(round_2021, hefei_officer, anhui_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    transition = workflow.perform(rec, Action.RETURN, actor=anhui_officer, reason="很长的理由" * 100)
    text = Notification.objects.get(transition=transition).text
    assert len(text) == 300
    assert text.startswith(f"安徽省知识产权局退回了推荐书《{PROJECT}》，请修改后重新报送。理由：很长的理由")


def test_emails_go_out_after_commit_once_to_those_who_want_them(
    django_capture_on_commit_callbacks, mailoutbox, round_2021, hefei_officer, anhui_officer, colleagues
):
    rec = services.create_draft(actor=hefei_officer, round=round_2021, data=complete_recommendation_data())
    services.add_attachment(
        rec, actor=hefei_officer, section=Section.IMPLEMENTING_SEAL, uploaded_file=upload()
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition = workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert sorted(message.to[0] for message in mailoutbox) == ["anhui2@example.cn", "anhui@example.cn"]
    message = mailoutbox[0]
    assert message.subject == f"推荐书《{PROJECT}》有新通知"
    assert "请审核后推荐至国家知识产权局或退回" in message.body
    assert "您好" in message.body
    transition.refresh_from_db()
    assert transition.notified_at is not None
    emailed = dict(
        Notification.objects.filter(transition=transition).values_list("user__username", "emailed_at")
    )
    assert emailed["anhui"] is not None
    assert emailed["anhui2"] is not None
    assert emailed["anhui3"] is None  # e-mail switched off: the notice stays in the product

    assert notifications.send_emails(transition.pk) == 0
    task_send_notification_emails.enqueue(transition.pk)
    assert len(mailoutbox) == 2


def test_a_rerun_after_a_failure_sends_only_what_was_not_sent(
    monkeypatch, caplog, mailoutbox, round_2021, hefei_officer, anhui_officer, colleagues
):
    rec = submitted_recommendation(hefei_officer, round_2021)
    transition = last_transition(rec)
    original_send = EmailMessage.send

    def send_fails_for_one(message, *args, **kwargs):
        if message.to == ["anhui2@example.cn"]:
            raise ConnectionError("SMTP server refused anhui2@example.cn")
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send_fails_for_one)
    assert notifications.send_emails(transition.pk) == 1
    transition.refresh_from_db()
    assert transition.notified_at is None
    # The failure is logged by its kind, never with the mail server's words (they quote addresses).
    assert "e-mail failed (ConnectionError)" in caplog.text
    assert "anhui2@example.cn" not in caplog.text

    monkeypatch.setattr(EmailMessage, "send", original_send)
    assert notifications.send_emails(transition.pk) == 1
    assert sorted(message.to[0] for message in mailoutbox) == ["anhui2@example.cn", "anhui@example.cn"]
    assert notifications.send_emails(transition.pk) == 0
    assert len(mailoutbox) == 2


def test_logs_name_ids_never_people(caplog, mailoutbox, round_2021, hefei_officer, anhui_officer, colleagues):
    caplog.set_level(logging.DEBUG, logger="dibiao")
    rec = submitted_recommendation(hefei_officer, round_2021)
    notifications.send_emails(last_transition(rec).pk)
    assert len(mailoutbox) == 2
    assert "e-mails sent" in caplog.text
    for user in (anhui_officer, hefei_officer, *colleagues.values()):
        assert user.email not in caplog.text
        assert user.full_name not in caplog.text
    assert "13805571234" not in caplog.text


def test_no_notice_for_creating_a_draft(round_2021, hefei_officer, anhui_officer):
    rec = services.create_draft(actor=hefei_officer, round=round_2021)
    assert Notification.objects.filter(recommendation=rec).count() == 0


def test_the_province_is_told_when_the_unit_resubmits(round_2021, hefei_officer, anhui_officer):
    rec = submitted_recommendation(hefei_officer, round_2021)
    workflow.perform(rec, Action.RETURN, actor=anhui_officer, reason="补充")
    transition = workflow.perform(rec, Action.SUBMIT, actor=hefei_officer, opinion=IMPLEMENTING_OPINION)
    assert recipients_of(transition) == ["anhui"]
