"""The action's tasks, read from the notice's text; the departments' yearly progress."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from dibiao.reports import notice, services
from dibiao.reports.choices import TaskStatus, Theme
from dibiao.reports.models import Action, ActionTask, TaskProgress
from dibiao.reports.queries import combined_status
from tests.factories import DepartmentFactory
from tests.reports.helpers import shanghai

NOTICE = Path(settings.DATA_DIR) / "cnipa-2021-20-notice.txt"
DEPARTMENTS = [
    "知识产权运用促进司",
    "办公室",
    "条法司",
    "战略规划司",
    "保护司",
    "公共服务司",
    "人事司",
    "国际合作司",
    "商标局",
]

EXPECTED = {
    Theme.FOUNDATION: (3, ["条法司", "战略规划司", "保护司", "运用促进司"]),
    Theme.BRAND: (4, ["保护司", "运用促进司", "国际合作司", "商标局"]),
    Theme.INDUSTRY: (3, ["运用促进司"]),
    Theme.CAPACITY: (3, ["办公室", "保护司", "运用促进司", "公共服务司", "人事司", "商标局"]),
}


@pytest.mark.unit
def test_the_parser_finds_each_action_its_tasks_and_departments():
    actions = notice.parse_actions(NOTICE.read_text(encoding="utf-8"))

    assert [(a.name, len(a.tasks), a.department_names) for a in actions] == [
        ("提质强基行动", *EXPECTED[Theme.FOUNDATION]),
        ("品牌建设行动", *EXPECTED[Theme.BRAND]),
        ("产业强链行动", *EXPECTED[Theme.INDUSTRY]),
        ("能力提升行动", *EXPECTED[Theme.CAPACITY]),
    ]
    assert all(action.includes_local_offices for action in actions)
    assert [task.title for task in actions[1].tasks] == [
        "加强地理标志品牌培育指导",
        "加快地理标志产品标准引领",
        "加强地理标志品牌宣传推广",
        "加速地理标志品牌价值提升",
    ]
    # A page end cut 支持发|展 in two; the task's text is whole again.
    assert "支持发展各类地理标志产业化联合体" in actions[0].tasks[2].text


@pytest.mark.unit
def test_the_parser_refuses_a_text_of_another_shape():
    with pytest.raises(notice.NoticeFormatError):
        notice.parse_actions(
            "一、意义\n\n二、行动\n\n（一）提质强基行动。一是甲。（条法司负责）\n\n三、组织\n"
        )


@pytest.mark.django_db
def test_load_action_tasks_counts_and_links_the_departments(capsys):
    for index, name in enumerate(DEPARTMENTS, start=1):
        DepartmentFactory(name=name, sort_key=f"00{index:02d}")

    call_command("load_action_tasks")
    call_command("load_action_tasks")  # a rerun changes nothing

    counts = {action.theme: action.tasks.count() for action in Action.objects.all()}
    assert counts == {theme: count for theme, (count, _departments) in EXPECTED.items()}
    assert ActionTask.objects.count() == 13
    linked = {
        action.theme: sorted(department.name for department in action.departments.all())
        for action in Action.objects.prefetch_related("departments")
    }
    assert linked[Theme.INDUSTRY] == ["知识产权运用促进司"]
    assert linked[Theme.FOUNDATION] == sorted(["条法司", "战略规划司", "保护司", "知识产权运用促进司"])
    assert linked[Theme.CAPACITY] == sorted(
        ["办公室", "保护司", "知识产权运用促进司", "公共服务司", "人事司", "商标局"]
    )
    assert linked[Theme.BRAND] == sorted(["保护司", "知识产权运用促进司", "国际合作司", "商标局"])
    out = capsys.readouterr().out
    assert out.count("共 4 项行动、13 项任务，关联责任部门 15 次。") == 2


@pytest.mark.django_db
def test_loading_without_departments_keeps_their_names(capsys):
    call_command("load_action_tasks")

    assert Action.objects.get(theme=Theme.INDUSTRY).department_names == ["运用促进司"]
    assert "运用促进司" in capsys.readouterr().err


@pytest.fixture
def tasks_loaded(db, promotion_dept, treaty_admin):
    services.load_action_tasks(NOTICE.read_text(encoding="utf-8"))


def task(theme, number):
    return ActionTask.objects.get(action__theme=theme, number=number)


@pytest.mark.django_db
def test_a_department_records_progress_on_its_own_tasks(client, tasks_loaded, promotion_admin, time_machine):
    time_machine.move_to(shanghai(2022, 11, 1, 10, 0), tick=False)
    target = task(Theme.INDUSTRY, 2)
    client.force_login(promotion_admin)

    response = client.post(
        reverse("reports:task_progress", args=[target.pk, 2022]),
        {
            "department": promotion_admin.organisation_id,
            "status": TaskStatus.DONE,
            "text": "完成专利导航三项。",
        },
    )

    assert response.status_code == 302
    assert list(TaskProgress.objects.values_list("task", "department", "year", "status")) == [
        (target.pk, promotion_admin.organisation_id, 2022, TaskStatus.DONE)
    ]
    matrix = client.get(reverse("reports:task_matrix")).context["matrix"]
    cells = {
        (row.task.pk, cell.year): cell.status
        for _action, rows in matrix
        for row in rows
        for cell in row.cells
    }
    assert cells[(target.pk, 2022)] == TaskStatus.DONE
    assert cells[(target.pk, 2021)] == TaskStatus.NOT_STARTED


@pytest.mark.django_db
def test_a_department_cannot_record_progress_on_another_departments_task(
    client, tasks_loaded, treaty_admin, time_machine
):
    time_machine.move_to(shanghai(2022, 11, 1, 10, 0), tick=False)
    client.force_login(treaty_admin)
    industry = task(Theme.INDUSTRY, 1)  # 运用促进司 alone

    refused = client.post(
        reverse("reports:task_progress", args=[industry.pk, 2022]),
        {"department": treaty_admin.organisation_id, "status": TaskStatus.DONE, "text": ""},
    )
    own = client.post(
        reverse("reports:task_progress", args=[task(Theme.FOUNDATION, 1).pk, 2022]),
        {
            "department": treaty_admin.organisation_id,
            "status": TaskStatus.IN_PROGRESS,
            "text": "起草地方立法指导意见。",
        },
    )

    assert (refused.status_code, own.status_code) == (403, 302)
    assert TaskProgress.objects.count() == 1


@pytest.mark.django_db
def test_matrix_is_for_cnipa(client, tasks_loaded, anhui_officer):
    client.force_login(anhui_officer)
    assert client.get(reverse("reports:task_matrix")).status_code == 403


@pytest.mark.unit
def test_a_task_is_done_when_every_department_says_so():
    done = TaskProgress(status=TaskStatus.DONE)
    going = TaskProgress(status=TaskStatus.IN_PROGRESS)
    assert combined_status([done, done], departments=2) == TaskStatus.DONE
    assert combined_status([done], departments=2) == TaskStatus.IN_PROGRESS
    assert combined_status([going], departments=1) == TaskStatus.IN_PROGRESS
    assert combined_status([], departments=1) == TaskStatus.NOT_STARTED
