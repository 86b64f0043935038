"""Local action plans (notice 三(二)): structured responsibilities, attachments, the overview."""

import datetime as dt

import pytest
from django.urls import reverse

from dibiao.core.errors import DomainError
from dibiao.reports import services
from dibiao.reports.models import ActionPlan, PlanAttachment, PlanResponsibility
from tests.reports.helpers import all_provinces, upload

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PLAN = services.PlanContent(
    title="安徽省地理标志助力乡村振兴行动实施方案",
    issued_on=dt.date(2021, 10, 8),
    targets="到2025年，培育地理标志产业化示范项目20个。",
    schedule="2021年部署，2022—2024年推进，2025年总结。",
    paths="强化规划引领，推进品牌建设，延伸产业链条。",
)
ROWS = [
    services.Responsibility(
        "制定扶持政策", "省局运用促进处", dt.date(2022, 6, 30), "出台地理标志产业扶持办法"
    ),
    services.Responsibility("建设商标品牌指导站", "各市局", dt.date(2023, 12, 31), "每市至少建成一个指导站"),
]


def form_data(rows):
    data = {
        "title": PLAN.title,
        "issued_on": "2021-10-08",
        "targets": PLAN.targets,
        "schedule": PLAN.schedule,
        "paths": PLAN.paths,
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{index}-{key}"] = value
    return data


def test_province_records_its_plan_with_rows(client, anhui_officer):
    client.force_login(anhui_officer)

    response = client.post(
        reverse("reports:plan_edit"),
        form_data(
            [
                {
                    "task": "制定扶持政策",
                    "responsible_body": "省局运用促进处",
                    "deadline": "2022-06-30",
                    "measure": "出台办法",
                },
                {"task": "", "responsible_body": "", "deadline": "", "measure": ""},
            ]
        ),
    )

    plan = ActionPlan.objects.get()
    assert response["Location"] == reverse("reports:plan_detail", args=[plan.pk])
    assert (plan.province_id, plan.title, plan.issued_on) == (
        anhui_officer.organisation_id,
        PLAN.title,
        dt.date(2021, 10, 8),
    )
    assert list(
        plan.responsibilities.values_list("position", "task", "responsible_body", "deadline", "measure")
    ) == [(1, "制定扶持政策", "省局运用促进处", dt.date(2022, 6, 30), "出台办法")]


def test_a_plan_needs_a_row_of_responsibilities(client, anhui_officer):
    client.force_login(anhui_officer)

    response = client.post(reverse("reports:plan_edit"), form_data([]))

    assert response.status_code == 200
    assert "请至少填写一行责任分工。" in response.content.decode()
    assert ActionPlan.objects.count() == 0


def test_a_row_without_its_deadline_is_refused(client, anhui_officer):
    client.force_login(anhui_officer)
    response = client.post(
        reverse("reports:plan_edit"),
        form_data(
            [{"task": "制定扶持政策", "responsible_body": "省局", "deadline": "", "measure": "出台办法"}]
        ),
    )
    assert response.status_code == 200
    assert ActionPlan.objects.count() == 0


def test_saving_again_replaces_the_rows(anhui_officer, anhui):
    services.save_plan(anhui, actor=anhui_officer, content=PLAN, rows=ROWS)
    plan = services.save_plan(anhui, actor=anhui_officer, content=PLAN, rows=ROWS[1:])

    assert ActionPlan.objects.count() == 1
    assert list(PlanResponsibility.objects.values_list("plan", "position", "task")) == [
        (plan.pk, 1, "建设商标品牌指导站")
    ]


def test_another_province_cannot_record_or_see_the_plan(client, anhui_officer, zhejiang_officer, anhui):
    plan = services.save_plan(anhui, actor=anhui_officer, content=PLAN, rows=ROWS)

    with pytest.raises(DomainError):
        services.save_plan(anhui, actor=zhejiang_officer, content=PLAN, rows=ROWS)
    client.force_login(zhejiang_officer)
    assert client.get(reverse("reports:plan_detail", args=[plan.pk])).status_code == 404


def test_plan_attachments(client, anhui_officer, zhejiang_officer, anhui):
    plan = services.save_plan(anhui, actor=anhui_officer, content=PLAN, rows=ROWS)
    client.force_login(anhui_officer)

    client.post(reverse("reports:plan_attachment_add", args=[plan.pk]), {"file": upload("实施方案.pdf")})
    attachment = PlanAttachment.objects.get()
    url = reverse("reports:plan_attachment", args=[plan.pk, attachment.pk])
    own = client.get(url)
    client.force_login(zhejiang_officer)
    other = client.get(url)

    assert (own.status_code, other.status_code) == (200, 404)
    assert attachment.original_name == "实施方案.pdf"


def test_overview_shows_which_provinces_have_a_plan(client, national_admin):
    from dibiao.accounts.choices import Role
    from tests.factories import UserFactory

    provinces = all_provinces()
    officer = UserFactory(role=Role.PROVINCIAL, organisation=provinces["36"])
    services.save_plan(provinces["36"], actor=officer, content=PLAN, rows=ROWS)
    client.force_login(national_admin)

    response = client.get(reverse("reports:plan_status"))

    have = {province.province_code for province, plan in response.context["rows"] if plan}
    assert (len(response.context["rows"]), have, response.context["with_plan"]) == (32, {"36"}, 1)
    assert "32 个省级单位中已有 1 个填报了本地区行动方案" in response.content.decode()
