"""Reminders of the annual summary: 7 days and 1 day before 10 December, to the provinces that
have not submitted, to officers who want e-mail, never twice."""

import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from dibiao.accounts.choices import Role
from dibiao.reports import reminders, tasks
from dibiao.reports.choices import ReminderKind
from dibiao.reports.models import SummaryReminder
from tests.factories import UserFactory
from tests.reports.helpers import shanghai, submitted_summary

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def officers(anhui_officer, zhejiang_officer, anhui):
    """Anhui: one officer who wants e-mail, one who does not; Zhejiang: one officer."""
    quiet = UserFactory(username="anhui_quiet", role=Role.PROVINCIAL, organisation=anhui, wants_email=False)
    return anhui_officer, quiet, zhejiang_officer


def test_seven_days_before_the_due_date_each_province_that_has_not_submitted_is_reminded(
    officers, time_machine
):
    anhui_officer, _quiet, zhejiang_officer = officers

    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    run = reminders.send_summary_reminders()

    assert (run.year, run.kind, run.provinces, run.emails) == (2026, ReminderKind.SEVEN_DAYS, 2, 2)
    assert sorted(message.to[0] for message in mail.outbox) == [anhui_officer.email, zhejiang_officer.email]
    message = mail.outbox[0]
    assert message.subject == "提醒：2026年度工作总结还有7天截止报送"
    assert "2026年12月10日 23:59" in message.body
    assert "国知发运字〔2021〕20号" in message.body
    assert "/reports/summaries/" in message.body


def test_reminder_is_not_sent_twice(officers, time_machine):
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    reminders.send_summary_reminders()
    time_machine.move_to(shanghai(2026, 12, 3, 15, 0), tick=False)

    again = reminders.send_summary_reminders()
    time_machine.move_to(shanghai(2026, 12, 8, 9, 0), tick=False)
    later = reminders.send_summary_reminders()

    assert (again.emails, later.emails) == (0, 0)
    assert len(mail.outbox) == 2
    assert SummaryReminder.objects.filter(kind=ReminderKind.SEVEN_DAYS).count() == 2


def test_one_day_before_the_due_date_the_second_reminder_goes_out(officers, time_machine):
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    reminders.send_summary_reminders()
    time_machine.move_to(shanghai(2026, 12, 9, 0, 0), tick=False)

    run = reminders.send_summary_reminders()
    reminders.send_summary_reminders()

    assert (run.kind, run.provinces, run.emails) == (ReminderKind.ONE_DAY, 2, 2)
    assert mail.outbox[-1].subject == "提醒：2026年度工作总结还有1天截止报送"
    assert len(mail.outbox) == 4
    assert sorted(SummaryReminder.objects.values_list("kind", flat=True)) == ["1d", "1d", "7d", "7d"]


def test_no_reminder_to_a_province_that_has_submitted(officers, time_machine):
    anhui_officer, _quiet, zhejiang_officer = officers
    time_machine.move_to(shanghai(2026, 12, 1, 9, 0), tick=False)
    submitted_summary(zhejiang_officer, 2026)

    time_machine.move_to(shanghai(2026, 12, 9, 9, 0), tick=False)
    run = reminders.send_summary_reminders()

    assert [message.to for message in mail.outbox] == [[anhui_officer.email]]
    assert run.provinces == 1
    assert not SummaryReminder.objects.filter(province=zhejiang_officer.organisation).exists()


def test_no_reminder_to_officers_who_do_not_want_email(officers, time_machine):
    _anhui_officer, quiet, _zhejiang_officer = officers
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)

    reminders.send_summary_reminders()

    assert quiet.email not in [address for message in mail.outbox for address in message.to]


def test_a_draft_does_not_stop_the_reminder(officers, time_machine):
    from dibiao.reports import services

    anhui_officer, _quiet, _zhejiang = officers
    time_machine.move_to(shanghai(2026, 12, 1, 9, 0), tick=False)
    services.start_summary(actor=anhui_officer, year=2026)

    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    reminders.send_summary_reminders()

    assert anhui_officer.email in [message.to[0] for message in mail.outbox]


@pytest.mark.parametrize(
    "moment",
    [
        shanghai(2026, 12, 2, 23, 59, 59),  # the day before the 7-day reminder
        shanghai(2026, 12, 11, 0, 0, 0),  # after the due date
        shanghai(2026, 6, 1, 9, 0),
    ],
)
def test_no_reminder_outside_the_reminder_days(officers, time_machine, moment):
    time_machine.move_to(moment, tick=False)

    run = reminders.send_summary_reminders()

    assert (run.kind, run.emails, len(mail.outbox)) == (None, 0, 0)
    assert SummaryReminder.objects.count() == 0


def test_reminder_due_edges():
    assert reminders.reminder_due(shanghai(2026, 12, 3, 0, 0)) == (2026, ReminderKind.SEVEN_DAYS)
    assert reminders.reminder_due(shanghai(2026, 12, 8, 23, 59, 59)) == (2026, ReminderKind.SEVEN_DAYS)
    assert reminders.reminder_due(shanghai(2026, 12, 9, 0, 0)) == (2026, ReminderKind.ONE_DAY)
    assert reminders.reminder_due(shanghai(2026, 12, 10, 23, 59, 59)) == (2026, ReminderKind.ONE_DAY)
    assert reminders.reminder_due(shanghai(2026, 12, 11, 0, 0)) == (2026, None)


def test_missed_seven_day_run_sends_only_the_one_day_reminder(officers, time_machine):
    time_machine.move_to(shanghai(2026, 12, 9, 9, 0), tick=False)

    reminders.send_summary_reminders()

    assert set(SummaryReminder.objects.values_list("kind", flat=True)) == {"1d"}
    assert len(mail.outbox) == 2


def test_the_database_refuses_a_second_reminder_row(anhui):
    SummaryReminder.objects.create(province=anhui, year=2026, kind=ReminderKind.ONE_DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        SummaryReminder.objects.create(province=anhui, year=2026, kind=ReminderKind.ONE_DAY)


def test_a_failed_send_is_retried_by_the_next_run(officers, time_machine, monkeypatch):
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    original = reminders.EmailMessage.send

    def broken(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(reminders.EmailMessage, "send", broken)
    failed = reminders.send_summary_reminders()
    monkeypatch.setattr(reminders.EmailMessage, "send", original)
    retried = reminders.send_summary_reminders()

    assert (failed.provinces, retried.provinces, len(mail.outbox)) == (0, 2, 2)


def test_log_lines_name_no_person(officers, time_machine, caplog):
    anhui_officer, _quiet, zhejiang_officer = officers
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)

    with caplog.at_level(logging.INFO, logger="dibiao.reports"):
        reminders.send_summary_reminders()

    logged = caplog.text
    assert "summary reminder 7d for province" in logged
    for secret in (anhui_officer.email, zhejiang_officer.email, anhui_officer.full_name, "安徽"):
        assert secret not in logged


def test_command_sends_what_is_due(officers, time_machine, capsys):
    time_machine.move_to(shanghai(2026, 12, 9, 9, 0), tick=False)

    call_command("send_reminders")
    call_command("send_reminders")

    out = capsys.readouterr().out
    assert "已提醒 2 个省级单位，发送邮件 2 封" in out
    assert "已提醒 0 个省级单位，发送邮件 0 封" in out
    assert len(mail.outbox) == 2


def test_task_sends_and_schedules_itself_for_9_tomorrow(officers, time_machine, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    time_machine.move_to(shanghai(2026, 12, 3, 9, 30), tick=False)

    sent = tasks.task_send_summary_reminders.call()

    from django.tasks import default_task_backend

    queued = default_task_backend.results
    assert sent == 2
    assert [result.task.run_after for result in queued] == [shanghai(2026, 12, 4, 9, 0)]


def test_task_on_the_immediate_backend_does_not_recurse(officers, time_machine):
    time_machine.move_to(shanghai(2026, 12, 3, 9, 30), tick=False)

    result = tasks.task_send_summary_reminders.enqueue()

    assert result.return_value == 2
    assert len(mail.outbox) == 2


def test_next_run_after():
    assert tasks.next_run_after(shanghai(2026, 12, 3, 8, 59)) == shanghai(2026, 12, 3, 9, 0)
    assert tasks.next_run_after(shanghai(2026, 12, 3, 9, 0)) == shanghai(2026, 12, 4, 9, 0)


def test_schedule_starts_one_chain_only_on_the_database_queue(settings, time_machine, capsys):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    time_machine.move_to(shanghai(2026, 6, 1, 12, 0), tick=False)

    call_command("send_reminders", "--schedule")
    call_command("send_reminders", "--schedule")

    waiting = DBTaskResult.objects.filter(task_path=tasks.TASK_PATH)
    assert [result.run_after for result in waiting] == [shanghai(2026, 6, 2, 9, 0)]
    out = capsys.readouterr().out
    assert "已在后台任务中安排每日运行。" in out
    assert "未安排每日运行：已有一个在等待" in out
