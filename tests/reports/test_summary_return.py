"""CNIPA returns a submitted annual summary to its province with a reason: the province is told,
reads why, changes the summary and submits it again; lateness is judged on the new submission."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from dibiao.accounts.choices import Role
from dibiao.core.errors import DomainError
from dibiao.core.models import AuditEvent
from dibiao.recommendations.models import Notification
from dibiao.reports import notifications, reminders, services
from dibiao.reports.choices import SummaryState
from dibiao.reports.models import AnnualSummary
from tests.factories import UserFactory
from tests.reports.helpers import FULL_SUMMARY, shanghai, submitted_summary

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

REASON = "“取得成效”部分缺少具体数据，请补充地理标志产品产值和带动农户增收情况。"
NOTICE = (
    "国家知识产权局退回了安徽省知识产权局的2026年度工作总结，请修改后重新报送。退回理由："
    "“取得成效”部分缺少具体数据，请补充地理标志产品产值和带动农户增收情况。"
)
REASON_REQUIRED = "请填写退回理由。"
NOT_RETURNABLE = "只有国家知识产权局可以退回已报送的工作总结；该总结可能已被退回。"


@pytest.fixture
def on_time(anhui_officer, time_machine):
    """Anhui's summary of 2026, submitted on 1 December: on time."""
    time_machine.move_to(shanghai(2026, 12, 1, 9, 0), tick=False)
    return submitted_summary(anhui_officer, 2026)


@pytest.fixture
def anhui_colleagues(anhui):
    """Anhui's other officers: one who wants no e-mail, one whose account is disabled."""
    quiet = UserFactory(username="anhui_quiet", role=Role.PROVINCIAL, organisation=anhui, wants_email=False)
    gone = UserFactory(username="anhui_gone", role=Role.PROVINCIAL, organisation=anhui, is_active=False)
    return quiet, gone


def return_url(summary):
    return reverse("reports:summary_return", args=[summary.pk])


def detail_url(summary):
    return reverse("reports:summary_detail", args=[summary.pk])


# --- returning ----------------------------------------------------------------------------------


def test_cnipa_returns_a_submitted_summary_with_its_reason(client, national_admin, on_time, time_machine):
    time_machine.move_to(shanghai(2026, 12, 5, 14, 30), tick=False)
    client.force_login(national_admin)

    response = client.post(return_url(on_time), {"reason": f"  {REASON}  "}, follow=True)

    assert response.redirect_chain == [(detail_url(on_time), 302)]
    page = response.content.decode()
    assert "工作总结已退回安徽省知识产权局，并已通知其经办人。" in page
    assert "国家知识产权局已于2026年12月5日 14:30退回本工作总结，请按退回理由修改后重新报送。" in page
    stored = AnnualSummary.objects.get(pk=on_time.pk)
    assert (stored.state, stored.submitted_at, stored.submitted_by, stored.is_late) == (
        SummaryState.DRAFT,
        None,
        None,
        False,
    )
    assert (stored.return_reason, stored.returned_by, stored.returned_at) == (
        REASON,
        national_admin,
        shanghai(2026, 12, 5, 14, 30),
    )
    assert stored.progress == FULL_SUMMARY.progress  # the text stays as the province wrote it


def test_the_return_is_in_the_audit_log_with_who_when_why_and_what_it_undid(
    national_admin, anhui_officer, on_time, time_machine
):
    time_machine.move_to(shanghai(2026, 12, 5, 14, 30), tick=False)

    services.return_summary(on_time, actor=national_admin, reason=REASON)

    event = AuditEvent.objects.get(verb="summary.returned")
    assert (event.actor, event.object_type, event.object_id, event.at) == (
        national_admin,
        "reports.annualsummary",
        str(on_time.pk),
        shanghai(2026, 12, 5, 14, 30),
    )
    assert event.data == {
        "year": 2026,
        "reason": REASON,
        "submitted_at": "2026-12-01T01:00:00+00:00",
        "submitted_by": anhui_officer.pk,
        "late": False,
    }


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_return_without_a_reason_is_refused_in_chinese_and_changes_nothing(
    client, national_admin, on_time, reason
):
    client.force_login(national_admin)

    response = client.post(return_url(on_time), {"reason": reason})

    assert response.status_code == 200
    assert REASON_REQUIRED in response.content.decode()
    assert AnnualSummary.objects.get(pk=on_time.pk).state == SummaryState.SUBMITTED
    assert not AuditEvent.objects.filter(verb="summary.returned").exists()
    assert Notification.objects.count() == 0
    with pytest.raises(DomainError) as error:
        services.return_summary(on_time, actor=national_admin, reason=reason)
    assert (error.value.message, error.value.field) == (REASON_REQUIRED, "reason")


def test_a_reason_too_long_comes_back_with_the_text_typed_so_far(client, national_admin, on_time):
    client.force_login(national_admin)
    long_reason = "请补充数据。" * 200

    response = client.post(return_url(on_time), {"reason": long_reason})

    page = response.content.decode()
    assert response.status_code == 200
    assert "确保该变量包含不超过 1000 字符 (目前字符数 1200)。" in page
    assert long_reason in page
    assert AnnualSummary.objects.get(pk=on_time.pk).state == SummaryState.SUBMITTED


def test_the_summary_page_offers_cnipa_the_return_and_nobody_else(
    client, national_admin, anhui_officer, on_time
):
    client.force_login(national_admin)
    admin_page = client.get(detail_url(on_time)).content.decode()
    client.force_login(anhui_officer)
    province_page = client.get(detail_url(on_time)).content.decode()

    assert return_url(on_time) in admin_page
    assert "退回理由" in admin_page
    assert return_url(on_time) not in province_page


def test_the_overview_links_each_submitted_summary_to_its_return(client, national_admin, on_time):
    client.force_login(national_admin)

    page = client.get(reverse("reports:summary_status"), {"year": "2026"}).content.decode()

    assert f'href="{detail_url(on_time)}#return"' in page


# --- who may return -----------------------------------------------------------------------------


def test_a_provincial_officer_cannot_return_even_their_own_summary(client, anhui_officer, on_time):
    client.force_login(anhui_officer)

    response = client.post(return_url(on_time), {"reason": REASON})

    assert response.status_code == 403
    assert NOT_RETURNABLE in response.content.decode()
    assert AnnualSummary.objects.get(pk=on_time.pk).state == SummaryState.SUBMITTED
    with pytest.raises(DomainError):
        services.return_summary(on_time, actor=anhui_officer, reason=REASON)


@pytest.mark.parametrize("who", ["zhejiang_officer", "hefei_officer", "expert_from_anhui"])
def test_anyone_outside_the_province_and_cnipa_does_not_find_the_summary(client, on_time, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.post(return_url(on_time), {"reason": REASON})

    assert response.status_code == 404
    assert AnnualSummary.objects.get(pk=on_time.pk).state == SummaryState.SUBMITTED


def test_a_draft_cannot_be_returned(client, national_admin, anhui_officer, time_machine):
    time_machine.move_to(shanghai(2026, 12, 1, 9, 0), tick=False)
    draft = services.start_summary(actor=anhui_officer, year=2026)
    client.force_login(national_admin)

    response = client.post(return_url(draft), {"reason": REASON})

    assert response.status_code == 403
    assert NOT_RETURNABLE in response.content.decode()
    assert AnnualSummary.objects.get(pk=draft.pk).returned_at is None


def test_of_two_administrators_returning_at_once_the_second_is_told(national_admin, on_time):
    colleague = UserFactory(username="admin2", national_admin=True)
    seen_by_both = AnnualSummary.objects.get(pk=on_time.pk)

    services.return_summary(seen_by_both, actor=national_admin, reason=REASON)
    with pytest.raises(DomainError) as error:
        services.return_summary(seen_by_both, actor=colleague, reason="另一个理由")

    assert error.value.message == NOT_RETURNABLE
    assert AnnualSummary.objects.get(pk=on_time.pk).return_reason == REASON
    assert AuditEvent.objects.filter(verb="summary.returned").count() == 1


# --- the province is told -----------------------------------------------------------------------


def test_every_active_officer_of_the_province_gets_a_notice_and_who_wants_it_an_e_mail(
    client,
    national_admin,
    anhui_officer,
    anhui_colleagues,
    zhejiang_officer,
    on_time,
    django_capture_on_commit_callbacks,
):
    quiet, _gone = anhui_colleagues
    client.force_login(national_admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(return_url(on_time), {"reason": REASON})

    notices = Notification.objects.order_by("user_id")
    assert [(notice.user, notice.text, notice.read_at) for notice in notices] == [
        (anhui_officer, NOTICE, None),
        (quiet, NOTICE, None),
    ]
    assert [message.to for message in mail.outbox] == [[anhui_officer.email]]
    message = mail.outbox[0]
    assert message.subject == "您的2026年度工作总结已被国家知识产权局退回"
    assert NOTICE in message.body
    assert f"查看工作总结： http://127.0.0.1:8000{detail_url(on_time)}" in message.body
    assert Notification.objects.get(user=anhui_officer).emailed_at is not None


def test_the_notice_appears_in_the_officers_list_of_notices(client, national_admin, anhui_officer, on_time):
    services.return_summary(on_time, actor=national_admin, reason=REASON)
    client.force_login(anhui_officer)

    page = client.get(reverse("recommendations:notifications")).content.decode()

    assert NOTICE in page
    assert "1 条未读" in page
    # The notice leads to the returned summary.
    link = reverse("reports:summary_detail", args=[on_time.pk])
    assert f'<a href="{link}">' in page
    assert client.get(link).status_code == 200


def test_the_e_mails_are_sent_once_however_often_the_task_runs(
    national_admin, anhui_officer, on_time, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.return_summary(on_time, actor=national_admin, reason=REASON)
    notice_ids = list(Notification.objects.values_list("pk", flat=True))

    again = notifications.send_return_emails(on_time.pk, notice_ids)

    assert again == 0
    assert len(mail.outbox) == 1


def test_a_failed_e_mail_is_released_for_a_rerun_and_the_notice_stays(
    national_admin, anhui_officer, on_time, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(notifications.EmailMessage, "send", broken)
    with (
        caplog.at_level(logging.INFO, logger="dibiao.reports"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.return_summary(on_time, actor=national_admin, reason=REASON)
    monkeypatch.undo()
    notice = Notification.objects.get(user=anhui_officer)

    assert notice.emailed_at is None
    assert notifications.send_return_emails(on_time.pk, [notice.pk]) == 1
    assert [message.to for message in mail.outbox] == [[anhui_officer.email]]
    assert "e-mail failed (OSError)" in caplog.text
    for secret in (anhui_officer.email, anhui_officer.full_name, national_admin.full_name, REASON):
        assert secret not in caplog.text


# --- the round trip -----------------------------------------------------------------------------


def test_the_province_reads_why_changes_the_summary_and_submits_it_again(
    client, national_admin, anhui_officer, on_time, time_machine
):
    time_machine.move_to(shanghai(2026, 12, 5, 14, 30), tick=False)
    services.return_summary(on_time, actor=national_admin, reason=REASON)
    client.force_login(anhui_officer)

    detail = client.get(detail_url(on_time)).content.decode()
    edit_url = reverse("reports:summary_edit", args=[on_time.pk])
    edit = client.get(edit_url).content.decode()
    listing = client.get(reverse("reports:summary_list")).content.decode()
    time_machine.move_to(shanghai(2026, 12, 8, 10, 0), tick=False)
    client.force_login(anhui_officer)  # a new session: the last one has expired meanwhile
    saved = client.post(
        edit_url,
        {
            "progress": FULL_SUMMARY.progress,
            "problems": FULL_SUMMARY.problems,
            "results": "砀山酥梨产值增长百分之十五，带动农户增收二千元。",
            "next_steps": FULL_SUMMARY.next_steps,
        },
    )
    submitted = client.post(reverse("reports:summary_submit", args=[on_time.pk]), follow=True)

    for page in (detail, edit):
        assert f"国家知识产权局退回意见： {REASON}" in page
    assert edit_url in detail
    assert "已退回" in listing
    assert saved["Location"] == edit_url
    assert "工作总结已报送国家知识产权局。" in submitted.content.decode()
    stored = AnnualSummary.objects.get(pk=on_time.pk)
    assert (stored.state, stored.submitted_at, stored.submitted_by, stored.is_late) == (
        SummaryState.SUBMITTED,
        shanghai(2026, 12, 8, 10, 0),
        anhui_officer,
        False,
    )
    assert stored.results == "砀山酥梨产值增长百分之十五，带动农户增收二千元。"
    history = [(entry.label, entry.reason) for entry in submitted.context["history"]]
    assert history == [
        ("开始撰写", ""),
        ("报送国家知识产权局", ""),
        ("退回省局", REASON),
        ("报送国家知识产权局", ""),
    ]
    assert "国家知识产权局已于" not in submitted.content.decode()  # no banner once submitted again


@pytest.mark.parametrize(
    ("first", "returned", "again", "late"),
    [
        # Submitted on time, returned before the due date, submitted again in time: on time.
        ((2026, 12, 1, 9, 0), (2026, 12, 2, 9, 0), (2026, 12, 10, 23, 59, 59), False),
        # Submitted on time but returned so late that the new submission comes after it: late.
        ((2026, 12, 1, 9, 0), (2026, 12, 10, 22, 0), (2026, 12, 11, 0, 0, 0), True),
        # Submitted late, returned, submitted again: still late.
        ((2026, 12, 12, 9, 0), (2026, 12, 13, 9, 0), (2026, 12, 14, 9, 0), True),
    ],
)
def test_lateness_is_judged_on_the_new_submission_against_the_due_date(
    national_admin, anhui_officer, time_machine, first, returned, again, late
):
    time_machine.move_to(shanghai(*first), tick=False)
    summary = submitted_summary(anhui_officer, 2026)
    time_machine.move_to(shanghai(*returned), tick=False)
    services.return_summary(summary, actor=national_admin, reason=REASON)

    time_machine.move_to(shanghai(*again), tick=False)
    done = services.submit_summary(AnnualSummary.objects.get(pk=summary.pk), actor=anhui_officer)

    assert (done.is_late, done.submitted_at) == (late, shanghai(*again))


def test_the_overview_counts_a_returned_summary_as_not_submitted(
    client, national_admin, anhui_officer, zhejiang_officer, on_time, time_machine
):
    submitted_summary(zhejiang_officer, 2026)
    time_machine.move_to(shanghai(2026, 12, 5, 14, 30), tick=False)
    client.force_login(national_admin)
    before = client.get(reverse("reports:summary_status"), {"year": "2026"})

    services.return_summary(on_time, actor=national_admin, reason=REASON)
    after = client.get(reverse("reports:summary_status"), {"year": "2026"})

    assert before.context["counts"] == {"submitted": 2, "late": 0, "missing": 0}
    assert after.context["counts"] == {"submitted": 1, "late": 0, "missing": 1}
    rows = {row.province.province_code: row.status for row in after.context["rows"]}
    assert rows == {"34": "missing", "33": "submitted"}
    page = after.content.decode()
    assert "已于2026年12月5日 14:30退回" in page
    assert "未报送的单位中，有 1 个的工作总结已被退回，等待重新报送。" in page


def test_a_returned_summary_gets_the_reminder_it_had_not_had(
    national_admin, anhui_officer, on_time, time_machine
):
    time_machine.move_to(shanghai(2026, 12, 2, 9, 0), tick=False)
    services.return_summary(on_time, actor=national_admin, reason=REASON)
    mail.outbox.clear()

    time_machine.move_to(shanghai(2026, 12, 3, 9, 0), tick=False)
    run = reminders.send_summary_reminders()

    assert (run.provinces, [message.to for message in mail.outbox]) == (1, [[anhui_officer.email]])
