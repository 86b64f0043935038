"""Reminders of the annual summary: 7 days and 1 day before 10 December, to the provinces that
have not submitted, to officers who want e-mail, never twice."""

import logging
import smtplib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ClassVar
from unittest.mock import patch

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from dibiao.accounts.choices import Role
from dibiao.reports import reminders, tasks
from dibiao.reports.choices import ReminderKind
from dibiao.reports.models import ReminderDelivery, SummaryReminder
from tests.factories import UserFactory
from tests.reports.helpers import shanghai, submitted_summary

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Runs at the same moment need PostgreSQL; on SQLite the interleaved runs cover it.",
)


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


# --- failures and concurrent runs: every officer gets each reminder once -------------------------


class FlakyMailer(locmem.EmailBackend):
    """The test mail server: delivers into mail.outbox like locmem, except that the messages
    numbered in `plan` (counted over all connections, from 1) do what the plan says instead."""

    plan: ClassVar[dict[int, Callable[[], None]]] = {}
    handed: ClassVar[int] = 0

    def send_messages(self, email_messages):
        for _message in email_messages:
            type(self).handed += 1
            action = self.plan.get(type(self).handed)
            if action is not None:
                action()
        return super().send_messages(email_messages)


@pytest.fixture
def mail_server(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyMailer"}}
    FlakyMailer.plan = {}
    FlakyMailer.handed = 0
    yield FlakyMailer
    FlakyMailer.plan = {}


def smtp_drops_the_connection():
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed: zhejiang_second@example.cn")


def worker_is_killed():
    raise SystemExit(-9)  # the process ends here: nothing after it runs, no handler marks anything


@pytest.fixture
def three_officers(zhejiang_officer, anhui_officer, zhejiang):
    """Handed to the mail server in this order: Zhejiang's two officers, then Anhui's one. The
    2nd message goes to Zhejiang's second officer, after the first has had theirs."""
    second = UserFactory(username="zhejiang_second", role=Role.PROVINCIAL, organisation=zhejiang)
    return zhejiang_officer, second, anhui_officer


def received():
    return sorted(address for message in mail.outbox for address in message.to)


def delivery_states():
    return {
        delivery.user.username: (delivery.state, delivery.attempts)
        for delivery in ReminderDelivery.objects.select_related("user")
    }


def test_an_smtp_error_on_the_second_message_resends_only_that_one(three_officers, mail_server, time_machine):
    zhejiang, second, anhui = three_officers
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    mail_server.plan = {2: smtp_drops_the_connection}

    first = reminders.send_summary_reminders()
    after_first = received()
    retried = reminders.send_summary_reminders()
    third = reminders.send_summary_reminders()

    assert after_first == sorted([zhejiang.email, anhui.email])
    assert received() == sorted([zhejiang.email, second.email, anhui.email])
    assert (first.emails, first.failed, first.provinces) == (2, 1, 2)
    assert (retried.emails, retried.failed, retried.provinces) == (1, 0, 1)
    assert (third.emails, third.failed) == (0, 0)
    assert delivery_states() == {
        "zhejiang": ("sent", 1),
        "zhejiang_second": ("sent", 2),
        "anhui": ("sent", 1),
    }


def test_a_failure_stays_failed_until_the_mail_server_is_back(three_officers, mail_server, time_machine):
    zhejiang, second, anhui = three_officers
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    mail_server.plan = dict.fromkeys(range(1, 7), smtp_drops_the_connection)

    down = [reminders.send_summary_reminders() for _ in range(2)]
    mail_server.plan = {}
    back = reminders.send_summary_reminders()

    assert [(run.emails, run.failed) for run in down] == [(0, 3), (0, 3)]
    assert (back.emails, back.failed, back.provinces) == (3, 0, 2)
    assert received() == sorted([zhejiang.email, second.email, anhui.email])
    assert ReminderDelivery.objects.get(user=second).error == ""


def test_a_worker_killed_while_sending_resends_nothing_and_loses_nothing_it_had_not_started(
    three_officers, mail_server, time_machine, capsys
):
    zhejiang, _second, anhui = three_officers
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    mail_server.plan = {2: worker_is_killed}

    with pytest.raises(SystemExit):
        tasks.task_send_summary_reminders.call()
    after_kill = received()
    time_machine.move_to(shanghai(2026, 12, 3, 10, 0), tick=False)
    call_command("send_reminders")

    # The message being handed over when the worker died may or may not have reached the
    # mail server: it is not sent a second time, and the command says so.
    assert after_kill == [zhejiang.email]
    assert received() == sorted([zhejiang.email, anhui.email])
    assert delivery_states() == {
        "zhejiang": ("sent", 1),
        "zhejiang_second": ("sending", 1),
        "anhui": ("sent", 1),
    }
    streams = capsys.readouterr()
    assert "已提醒 1 个省级单位，发送邮件 1 封" in streams.out
    assert "发送过程中中断的邮件：1 封，不再重发。" in streams.err


def test_the_cron_command_while_the_task_is_sending_sends_nothing_twice(
    three_officers, mail_server, time_machine
):
    """The command starts while the task is handing its first message to the mail server: the
    command sends the rest; the task, carrying on, finds them taken."""
    zhejiang, second, anhui = three_officers
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    runs = []
    mail_server.plan = {1: lambda: runs.append(reminders.send_summary_reminders())}

    task_run = reminders.send_summary_reminders()

    assert received() == sorted([zhejiang.email, second.email, anhui.email])
    assert [(run.emails, run.provinces) for run in (*runs, task_run)] == [(2, 2), (1, 1)]
    assert SummaryReminder.objects.count() == 2
    assert {state for state, _attempts in delivery_states().values()} == {"sent"}


def test_a_run_that_lost_the_claim_to_another_sends_only_what_is_still_open(
    three_officers, mail_server, time_machine
):
    """Both runs listed the provinces before either claimed one: the later run's insert fails
    on the unique constraint, and it sends only what the first has not taken."""
    zhejiang, second, anhui = three_officers
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    claim = reminders._claim
    other_runs = []

    def claim_after_another_run(province, year, kind):
        if not other_runs:
            other_runs.append("running")
            other_runs[0] = reminders.send_summary_reminders()
        return claim(province, year, kind)

    with patch.object(reminders, "_claim", claim_after_another_run):
        late_run = reminders.send_summary_reminders()

    assert received() == sorted([zhejiang.email, second.email, anhui.email])
    assert (other_runs[0].emails, late_run.emails) == (3, 0)
    assert SummaryReminder.objects.count() == 2


def test_a_province_that_submits_before_the_retry_gets_no_retry(three_officers, mail_server, time_machine):
    zhejiang, second, _anhui = three_officers
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    mail_server.plan = {2: smtp_drops_the_connection}
    reminders.send_summary_reminders()
    submitted_summary(zhejiang, 2026)

    retried = reminders.send_summary_reminders()

    assert (retried.emails, retried.failed) == (0, 0)
    assert second.email not in received()
    assert ReminderDelivery.objects.get(user=second).state == "failed"


def test_an_officer_who_switched_e_mail_off_before_the_retry_is_not_written_to(
    three_officers, mail_server, time_machine
):
    _zhejiang, second, _anhui = three_officers
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    mail_server.plan = {2: smtp_drops_the_connection}
    reminders.send_summary_reminders()
    second.wants_email = False
    second.save(update_fields=["wants_email"])

    retried = reminders.send_summary_reminders()

    assert retried.emails == 0
    assert second.email not in received()
    assert ReminderDelivery.objects.get(user=second).state == "skipped"


def test_failed_seven_day_e_mails_are_replaced_by_the_one_day_reminder(
    three_officers, mail_server, time_machine
):
    _zhejiang, second, _anhui = three_officers
    time_machine.move_to(shanghai(2026, 12, 8, 9, 0), tick=False)
    mail_server.plan = {2: smtp_drops_the_connection}
    reminders.send_summary_reminders()
    time_machine.move_to(shanghai(2026, 12, 9, 9, 0), tick=False)

    one_day = reminders.send_summary_reminders()

    assert (one_day.kind, one_day.emails) == (ReminderKind.ONE_DAY, 3)
    assert [message.subject for message in mail.outbox if message.to == [second.email]] == [
        "提醒：2026年度工作总结还有1天截止报送"
    ]
    assert len(mail.outbox) == 2 + 3


def test_the_command_says_how_many_failed(three_officers, mail_server, time_machine, capsys):
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    mail_server.plan = {2: smtp_drops_the_connection}

    call_command("send_reminders")

    streams = capsys.readouterr()
    assert "已提醒 2 个省级单位，发送邮件 2 封" in streams.out
    assert "未能发送的邮件：1 封，下次运行时将重试。" in streams.err


def test_failure_log_lines_name_no_address(three_officers, mail_server, time_machine, caplog):
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    mail_server.plan = {2: smtp_drops_the_connection}

    with caplog.at_level(logging.INFO, logger="dibiao.reports"):
        reminders.send_summary_reminders()

    assert "sending failed (SMTPServerDisconnected)" in caplog.text
    assert "@" not in caplog.text
    assert list(ReminderDelivery.objects.filter(state="failed").values_list("error", flat=True)) == [
        "SMTPServerDisconnected"
    ]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_runs_started_at_the_same_moment_send_each_e_mail_once(three_officers, time_machine):
    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    barrier = threading.Barrier(4)

    def run(_index):
        try:
            barrier.wait(timeout=30)
            return reminders.send_summary_reminders().emails
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = list(pool.map(run, range(4)))

    assert sum(sent) == 3
    assert received() == sorted(officer.email for officer in three_officers)
    assert SummaryReminder.objects.count() == 2
