"""The annual work summary: draft, submit, late from 11 December 00:00 (Beijing time), and who
may see which summary."""

import pytest
from django.urls import reverse

from dibiao.core.errors import DomainError
from dibiao.reports import services
from dibiao.reports.choices import SummaryState
from dibiao.reports.models import AnnualSummary, SummaryAttachment
from tests.reports.helpers import (
    FULL_SUMMARY,
    all_provinces,
    docx_bytes,
    image_bytes,
    shanghai,
    submitted_summary,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def in_2026(time_machine):
    time_machine.move_to(shanghai(2026, 11, 20, 10, 0), tick=False)


def test_summary_submitted_at_the_last_second_of_10_december_is_on_time(anhui_officer, time_machine):
    time_machine.move_to(shanghai(2026, 12, 1, 9, 0), tick=False)
    summary = services.start_summary(actor=anhui_officer, year=2026)
    services.save_summary(summary, actor=anhui_officer, text=FULL_SUMMARY)

    time_machine.move_to(shanghai(2026, 12, 10, 23, 59, 59), tick=False)
    done = services.submit_summary(summary, actor=anhui_officer)

    stored = AnnualSummary.objects.get(pk=summary.pk)
    assert (stored.state, stored.is_late, stored.submitted_at) == (
        SummaryState.SUBMITTED,
        False,
        shanghai(2026, 12, 10, 23, 59, 59),
    )
    assert done.submitted_by == anhui_officer


def test_summary_submitted_at_midnight_of_11_december_is_late(anhui_officer, time_machine):
    time_machine.move_to(shanghai(2026, 12, 1, 9, 0), tick=False)
    summary = services.start_summary(actor=anhui_officer, year=2026)
    services.save_summary(summary, actor=anhui_officer, text=FULL_SUMMARY)

    time_machine.move_to(shanghai(2026, 12, 11, 0, 0, 0), tick=False)
    services.submit_summary(summary, actor=anhui_officer)

    stored = AnnualSummary.objects.get(pk=summary.pk)
    assert (stored.state, stored.is_late) == (SummaryState.SUBMITTED, True)


def test_late_summary_page_says_late(client, anhui_officer, time_machine):
    time_machine.move_to(shanghai(2026, 12, 11, 0, 0, 0), tick=False)
    summary = submitted_summary(anhui_officer, 2026)
    client.force_login(anhui_officer)

    page = client.get(reverse("reports:summary_detail", args=[summary.pk])).content.decode()

    assert "逾期报送" in page


def test_summary_cannot_be_submitted_with_an_empty_part(anhui_officer, in_2026):
    summary = services.start_summary(actor=anhui_officer, year=2026)
    services.save_summary(
        summary,
        actor=anhui_officer,
        text=services.SummaryText(progress="进展", problems="问题", results="成效"),
    )

    with pytest.raises(DomainError) as error:
        services.submit_summary(summary, actor=anhui_officer)

    assert "下一步打算" in error.value.message
    assert AnnualSummary.objects.get(pk=summary.pk).state == SummaryState.DRAFT


def test_submitted_summary_can_no_longer_be_changed(anhui_officer, in_2026, client):
    summary = submitted_summary(anhui_officer, 2026)

    with pytest.raises(DomainError):
        services.save_summary(summary, actor=anhui_officer, text=services.SummaryText(progress="改"))
    client.force_login(anhui_officer)
    response = client.post(reverse("reports:summary_edit", args=[summary.pk]), {"progress": "改"})

    assert response.status_code == 403
    assert AnnualSummary.objects.get(pk=summary.pk).progress == FULL_SUMMARY.progress


def test_a_summary_of_next_year_cannot_be_started(anhui_officer, in_2026):
    with pytest.raises(DomainError):
        services.start_summary(actor=anhui_officer, year=2027)
    assert AnnualSummary.objects.count() == 0


def test_starting_twice_opens_the_same_summary(anhui_officer, in_2026):
    first = services.start_summary(actor=anhui_officer, year=2026)
    second = services.start_summary(actor=anhui_officer, year=2026)
    assert first.pk == second.pk


def test_implementing_officer_cannot_start_a_summary(hefei_officer, in_2026):
    with pytest.raises(DomainError):
        services.start_summary(actor=hefei_officer, year=2026)


def test_officer_writes_saves_and_submits_through_the_pages(client, anhui_officer, in_2026):
    client.force_login(anhui_officer)

    started = client.post(reverse("reports:summary_start"), {"year": "2026"})
    summary = AnnualSummary.objects.get(province=anhui_officer.organisation, year=2026)
    assert started["Location"] == reverse("reports:summary_edit", args=[summary.pk])
    saved = client.post(
        reverse("reports:summary_edit", args=[summary.pk]),
        {
            "progress": FULL_SUMMARY.progress,
            "problems": FULL_SUMMARY.problems,
            "results": FULL_SUMMARY.results,
            "next_steps": FULL_SUMMARY.next_steps,
        },
    )
    assert saved.status_code == 302
    submitted = client.post(reverse("reports:summary_submit", args=[summary.pk]), follow=True)

    summary.refresh_from_db()
    assert (summary.state, summary.is_late, summary.results) == (
        SummaryState.SUBMITTED,
        False,
        FULL_SUMMARY.results,
    )
    assert "工作总结已报送国家知识产权局。" in submitted.content.decode()


def test_summary_list_shows_the_due_date_in_beijing_time(client, anhui_officer, in_2026):
    client.force_login(anhui_officer)
    page = client.get(reverse("reports:summary_list")).content.decode()
    assert "2026年12月10日 23:59" in page


# --- another province, outsiders -------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["reports:summary_detail", "reports:summary_edit"])
def test_another_provinces_summary_is_not_found(client, anhui_officer, zhejiang_officer, in_2026, url_name):
    summary = services.start_summary(actor=anhui_officer, year=2026)
    client.force_login(zhejiang_officer)

    assert client.get(reverse(url_name, args=[summary.pk])).status_code == 404


def test_another_province_cannot_submit_or_attach(client, anhui_officer, zhejiang_officer, in_2026):
    summary = services.start_summary(actor=anhui_officer, year=2026)
    services.save_summary(summary, actor=anhui_officer, text=FULL_SUMMARY)
    client.force_login(zhejiang_officer)

    submit = client.post(reverse("reports:summary_submit", args=[summary.pk]))
    attach = client.post(reverse("reports:summary_attachment_add", args=[summary.pk]), {"file": upload()})

    assert (submit.status_code, attach.status_code) == (404, 404)
    assert AnnualSummary.objects.get(pk=summary.pk).state == SummaryState.DRAFT
    assert SummaryAttachment.objects.count() == 0


def test_national_admin_reads_but_does_not_edit(client, anhui_officer, national_admin, in_2026):
    summary = submitted_summary(anhui_officer, 2026)
    client.force_login(national_admin)

    assert client.get(reverse("reports:summary_detail", args=[summary.pk])).status_code == 200
    assert client.get(reverse("reports:summary_edit", args=[summary.pk])).status_code == 403


# --- attachments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("总结.pdf", b"%PDF-1.7\n...", "application/pdf"),
        (
            "总结.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("现场.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("现场.png", image_bytes("PNG"), "image/png"),
    ],
)
def test_accepted_kinds_of_attachment(anhui_officer, in_2026, name, content, content_type):
    summary = services.start_summary(actor=anhui_officer, year=2026)

    attachment = services.add_summary_attachment(
        summary, actor=anhui_officer, uploaded_file=upload(name, content, content_type)
    )

    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        name,
        content_type,
        len(content),
    )
    assert attachment.file.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("病毒.pdf", b"MZ\x90\x00 this is a program"),
        ("宏.docx", docx_bytes(macro=True)),
        ("假图.png", image_bytes("JPEG")),
        ("假图.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
        ("脚本.html", b"<script>alert(1)</script>"),
        ("空.pdf", b""),
    ],
)
def test_attachments_are_checked_by_content(anhui_officer, in_2026, name, content):
    summary = services.start_summary(actor=anhui_officer, year=2026)

    with pytest.raises(DomainError):
        services.add_summary_attachment(summary, actor=anhui_officer, uploaded_file=upload(name, content))

    assert SummaryAttachment.objects.count() == 0


def test_attachment_is_served_to_its_province_and_cnipa_only(
    client, anhui_officer, zhejiang_officer, national_admin, hefei_officer, in_2026
):
    summary = services.start_summary(actor=anhui_officer, year=2026)
    attachment = services.add_summary_attachment(summary, actor=anhui_officer, uploaded_file=upload())
    url = reverse("reports:summary_attachment", args=[summary.pk, attachment.pk])

    anonymous = client.get(url)
    statuses = {}
    for user in (anhui_officer, national_admin, zhejiang_officer, hefei_officer):
        client.force_login(user)
        statuses[user.username] = client.get(url).status_code

    assert anonymous.status_code == 302
    assert statuses == {"anhui": 200, "admin": 200, "zhejiang": 404, "hefei": 404}
    client.force_login(anhui_officer)
    response = client.get(url)
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert response["Content-Disposition"].startswith("attachment")


def test_attachment_removed_from_draft(client, anhui_officer, in_2026):
    summary = services.start_summary(actor=anhui_officer, year=2026)
    attachment = services.add_summary_attachment(summary, actor=anhui_officer, uploaded_file=upload())
    client.force_login(anhui_officer)

    response = client.post(reverse("reports:summary_attachment_remove", args=[summary.pk, attachment.pk]))

    assert response.status_code == 302
    assert SummaryAttachment.objects.count() == 0


# --- the national overview ------------------------------------------------------------------------


def test_overview_shows_each_of_the_32_provinces_submitted_late_or_missing(
    client, national_admin, time_machine
):
    from dibiao.accounts.choices import Role
    from tests.factories import UserFactory

    provinces = all_provinces()
    anhui = UserFactory(role=Role.PROVINCIAL, organisation=provinces["34"])
    zhejiang = UserFactory(role=Role.PROVINCIAL, organisation=provinces["33"])
    shandong = UserFactory(role=Role.PROVINCIAL, organisation=provinces["37"])
    time_machine.move_to(shanghai(2026, 12, 10, 23, 59, 59), tick=False)
    submitted_summary(anhui, 2026)
    services.start_summary(actor=shandong, year=2026)  # a draft: still missing
    time_machine.move_to(shanghai(2026, 12, 11, 0, 0), tick=False)
    submitted_summary(zhejiang, 2026)
    client.force_login(national_admin)

    response = client.get(reverse("reports:summary_status"), {"year": "2026"})

    rows = {row.province.province_code: row.status for row in response.context["rows"]}
    assert len(rows) == 32
    assert (rows["34"], rows["33"], rows["37"], rows["11"]) == ("submitted", "late", "missing", "missing")
    assert response.context["counts"] == {"submitted": 1, "late": 1, "missing": 30}


def test_overview_is_for_cnipa_only(client, anhui_officer, in_2026):
    client.force_login(anhui_officer)
    assert client.get(reverse("reports:summary_status")).status_code == 403
