"""The reports rows of the permission matrix (tests/permission_matrix.py).

Summaries, cases and plans belong to a provincial unit: its officers write them; CNIPA reads
them (and curates the cases); another province, the implementing units and experts get a 404
for the objects and a 403 for the pages. Key projects are seen by CNIPA, their province and
their implementing unit. The tasks' matrix is CNIPA's. Objects belong to Anhui (and Hefei).
"""

from pathlib import Path

from django.conf import settings

from dibiao.recommendations.choices import State
from dibiao.reports import services
from tests.factories import DepartmentFactory
from tests.permission_matrix import Row, for_roles
from tests.reports import helpers

ANON = {"anonymous": 302}


def _year() -> int:
    return services.current_year()


# --- objects ---------------------------------------------------------------------------------


def anhui_summary(get):
    summary = services.start_summary(actor=get("anhui_officer"), year=_year())
    return {"pk": summary.pk}


def anhui_submitted_summary(get):
    return {"pk": helpers.submitted_summary(get("anhui_officer"), _year()).pk}


def anhui_summary_file(get):
    summary = services.start_summary(actor=get("anhui_officer"), year=_year())
    attachment = services.add_summary_attachment(
        summary, actor=get("anhui_officer"), uploaded_file=helpers.upload()
    )
    return {"pk": summary.pk, "attachment_pk": attachment.pk}


def start_year(get):
    get("anhui")
    return {"year": str(_year())}


def case_in(state):
    def build(get):
        builders = {
            "draft": lambda: helpers.draft_case(get("anhui_officer"), year=_year()),
            "proposed": lambda: helpers.proposed_case(get("anhui_officer"), year=_year()),
            "accepted": lambda: helpers.accepted_case(
                get("anhui_officer"), get("national_admin"), year=_year()
            ),
            "published": lambda: helpers.published_case(
                get("anhui_officer"), get("national_admin"), year=_year()
            ),
        }
        return {"pk": builders[state]().pk}

    return build


def case_photo_in(state):
    def build(get):
        case_pk = case_in("draft")(get)["pk"]
        from dibiao.reports.models import TypicalCase

        case = TypicalCase.objects.get(pk=case_pk)
        added = services.add_case_photo(case, actor=get("anhui_officer"), uploaded_file=helpers.photo())
        if state == "proposed":
            services.move_case(case, "propose", actor=get("anhui_officer"))
        return {"pk": case.pk, "photo_pk": added.pk}

    return build


def hefei_project(get):
    officer = get("hefei_officer")
    project = helpers.key_project(officer.organisation, helpers.published_round(2021), creator=officer)
    return {"pk": project.pk}


PLAN = services.PlanContent(
    title="安徽省行动方案", issued_on=None, targets="目标", schedule="计划", paths="路径"
)
ROWS_OF_PLAN = [services.Responsibility("任务", "省局", __import__("datetime").date(2026, 12, 31), "措施")]


def anhui_plan(get):
    plan = services.save_plan(get("anhui"), actor=get("anhui_officer"), content=PLAN, rows=ROWS_OF_PLAN)
    return {"pk": plan.pk}


def anhui_plan_file(get):
    plan = services.save_plan(get("anhui"), actor=get("anhui_officer"), content=PLAN, rows=ROWS_OF_PLAN)
    attachment = services.add_plan_attachment(
        plan, actor=get("anhui_officer"), uploaded_file=helpers.upload()
    )
    return {"pk": plan.pk, "attachment_pk": attachment.pk}


def a_task(get):
    get("db")
    for name in ("知识产权运用促进司", "条法司", "战略规划司", "保护司"):
        DepartmentFactory(name=name)
    services.load_action_tasks(
        (Path(settings.DATA_DIR) / "cnipa-2021-20-notice.txt").read_text(encoding="utf-8")
    )
    from dibiao.reports.models import ActionTask

    return {"pk": ActionTask.objects.get(action__position=1, number=1).pk, "year": _year()}


def not_selected_project(get):
    officer = get("hefei_officer")
    project = helpers.key_project(
        officer.organisation, helpers.published_round(2021), creator=officer, state=State.NOT_SELECTED
    )
    return {"pk": project.pk}


# Who may see an object of Anhui's.
ANHUI_OBJECT = {"national_admin": 200, "anhui_officer": 200, "others": 404, **ANON}
# Anhui's officer may act; CNIPA sees but may not; everybody else does not see.
ANHUI_ACTS = {"anhui_officer": 302, "national_admin": 403, "others": 404, **ANON}
CNIPA_ACTS = {"national_admin": 302, "anhui_officer": 403, "others": 404, **ANON}
PROVINCES_ONLY = {"anhui_officer": 200, "zhejiang_officer": 200, "others": 403, **ANON}
ADMIN_ONLY = {"national_admin": 200, "others": 403, **ANON}
POST_ONLY = {"others": 405}

ROWS = [
    *for_roles("reports:index", anonymous=302, others=200),
    # annual work summaries
    *[
        row
        for row in for_roles("reports:summary_list", national_admin=302, **PROVINCES_ONLY)
        if row.role != "national_admin"
    ],
    # CNIPA is sent to the overview of all provinces.
    Row("national_admin", "reports:summary_list", None, "GET", 302, location="reports:summary_status"),
    *for_roles("reports:summary_status", **ADMIN_ONLY),
    *for_roles(
        "reports:summary_start",
        method="POST",
        data=start_year,
        anhui_officer=302,
        zhejiang_officer=302,
        others=403,
        **ANON,
    ),
    *for_roles("reports:summary_start", label="GET refused", **POST_ONLY),
    *for_roles("reports:summary_detail", kwargs=anhui_summary, **ANHUI_OBJECT),
    *for_roles(
        "reports:summary_edit",
        kwargs=anhui_summary,
        anhui_officer=200,
        national_admin=403,
        others=404,
        **ANON,
    ),
    *for_roles("reports:summary_edit", kwargs=anhui_summary, method="POST", data={}, **ANHUI_ACTS),
    # An empty draft is refused with a message: back to the form.
    *for_roles("reports:summary_submit", kwargs=anhui_summary, method="POST", **ANHUI_ACTS),
    *for_roles("reports:summary_submit", kwargs=anhui_summary, label="GET refused", **POST_ONLY),
    # CNIPA returns a submitted summary to its province, with a reason; a draft is not returnable.
    *for_roles(
        "reports:summary_return",
        kwargs=anhui_submitted_summary,
        method="POST",
        data={"reason": "请补充取得成效的具体数据。"},
        **CNIPA_ACTS,
    ),
    # Without a reason the page comes back with the form's error.
    Row(
        "national_admin",
        "reports:summary_return",
        anhui_submitted_summary,
        "POST",
        200,
        data={"reason": ""},
        label="no reason",
    ),
    *for_roles(
        "reports:summary_return",
        kwargs=anhui_summary,
        method="POST",
        data={"reason": "请补充取得成效的具体数据。"},
        label="draft",
        national_admin=403,
        anhui_officer=403,
        others=404,
        **ANON,
    ),
    *for_roles("reports:summary_return", kwargs=anhui_submitted_summary, label="GET refused", **POST_ONLY),
    *for_roles("reports:summary_attachment_add", kwargs=anhui_summary, method="POST", **ANHUI_ACTS),
    *for_roles("reports:summary_attachment_add", kwargs=anhui_summary, label="GET refused", **POST_ONLY),
    *for_roles("reports:summary_attachment", kwargs=anhui_summary_file, **ANHUI_OBJECT),
    *for_roles("reports:summary_attachment_remove", kwargs=anhui_summary_file, method="POST", **ANHUI_ACTS),
    *for_roles(
        "reports:summary_attachment_remove", kwargs=anhui_summary_file, label="GET refused", **POST_ONLY
    ),
    # typical cases
    *for_roles("reports:case_list", national_admin=200, **PROVINCES_ONLY),
    *for_roles("reports:case_create", **PROVINCES_ONLY),
    # An empty form comes back with its errors.
    *for_roles("reports:case_create", method="POST", data={}, **PROVINCES_ONLY),
    *for_roles("reports:case_detail", kwargs=case_in("proposed"), **ANHUI_OBJECT),
    *for_roles(
        "reports:case_detail",
        kwargs=case_in("draft"),
        label="draft",
        anhui_officer=200,
        national_admin=404,
        others=404,
        **ANON,
    ),
    *for_roles(
        "reports:case_edit",
        kwargs=case_in("proposed"),
        national_admin=200,
        anhui_officer=403,
        others=404,
        **ANON,
    ),
    *for_roles(
        "reports:case_edit",
        kwargs=case_in("proposed"),
        method="POST",
        data={},
        national_admin=200,
        anhui_officer=403,
        others=404,
        **ANON,
    ),
    *for_roles(
        "reports:case_propose",
        kwargs=case_in("draft"),
        method="POST",
        anhui_officer=302,
        national_admin=404,
        others=404,
        **ANON,
    ),
    *for_roles("reports:case_propose", kwargs=case_in("draft"), label="GET refused", **POST_ONLY),
    *for_roles("reports:case_accept", kwargs=case_in("proposed"), method="POST", **CNIPA_ACTS),
    *for_roles("reports:case_accept", kwargs=case_in("proposed"), label="GET refused", **POST_ONLY),
    *for_roles(
        "reports:case_return",
        kwargs=case_in("proposed"),
        method="POST",
        data={"reason": "请补充数据。"},
        **CNIPA_ACTS,
    ),
    *for_roles("reports:case_return", kwargs=case_in("proposed"), label="GET refused", **POST_ONLY),
    *for_roles("reports:case_publish", kwargs=case_in("accepted"), method="POST", **CNIPA_ACTS),
    *for_roles("reports:case_publish", kwargs=case_in("accepted"), label="GET refused", **POST_ONLY),
    *for_roles("reports:case_unpublish", kwargs=case_in("published"), method="POST", **CNIPA_ACTS),
    *for_roles("reports:case_unpublish", kwargs=case_in("published"), label="GET refused", **POST_ONLY),
    *for_roles(
        "reports:case_photo_add",
        kwargs=case_in("draft"),
        method="POST",
        anhui_officer=302,
        national_admin=404,
        others=404,
        **ANON,
    ),
    *for_roles("reports:case_photo_add", kwargs=case_in("draft"), label="GET refused", **POST_ONLY),
    *for_roles("reports:case_photo", kwargs=case_photo_in("proposed"), **ANHUI_OBJECT),
    *for_roles(
        "reports:case_photo_remove",
        kwargs=case_photo_in("draft"),
        method="POST",
        anhui_officer=302,
        national_admin=404,
        others=404,
        **ANON,
    ),
    *for_roles("reports:case_photo_remove", kwargs=case_photo_in("draft"), label="GET refused", **POST_ONLY),
    # key projects
    *for_roles("reports:project_list", expert_from_anhui=403, others=200, **ANON),
    *for_roles(
        "reports:project_detail",
        kwargs=hefei_project,
        national_admin=200,
        anhui_officer=200,
        hefei_officer=200,
        others=404,
        **ANON,
    ),
    *for_roles(
        "reports:project_detail",
        kwargs=not_selected_project,
        label="not selected",
        others=404,
        **ANON,
    ),
    # An empty form comes back with its errors (200) for the one who may write.
    *for_roles(
        "reports:follow_up_add",
        kwargs=hefei_project,
        method="POST",
        data={},
        national_admin=200,
        anhui_officer=403,
        hefei_officer=403,
        others=404,
        **ANON,
    ),
    *for_roles("reports:follow_up_add", kwargs=hefei_project, label="GET refused", **POST_ONLY),
    *for_roles(
        "reports:progress_note_save",
        kwargs=hefei_project,
        method="POST",
        data={},
        hefei_officer=200,
        national_admin=403,
        anhui_officer=403,
        others=404,
        **ANON,
    ),
    *for_roles("reports:progress_note_save", kwargs=hefei_project, label="GET refused", **POST_ONLY),
    # local action plans
    *for_roles("reports:plan_status", **ADMIN_ONLY),
    *for_roles("reports:plan_edit", **PROVINCES_ONLY),
    *for_roles("reports:plan_edit", method="POST", data={}, **PROVINCES_ONLY),
    *for_roles("reports:plan_detail", kwargs=anhui_plan, **ANHUI_OBJECT),
    *for_roles("reports:plan_attachment_add", kwargs=anhui_plan, method="POST", **ANHUI_ACTS),
    *for_roles("reports:plan_attachment_add", kwargs=anhui_plan, label="GET refused", **POST_ONLY),
    *for_roles("reports:plan_attachment", kwargs=anhui_plan_file, **ANHUI_OBJECT),
    *for_roles("reports:plan_attachment_remove", kwargs=anhui_plan_file, method="POST", **ANHUI_ACTS),
    *for_roles("reports:plan_attachment_remove", kwargs=anhui_plan_file, label="GET refused", **POST_ONLY),
    # the action's tasks
    *for_roles("reports:task_matrix", **ADMIN_ONLY),
    *for_roles("reports:task_progress", kwargs=a_task, **ADMIN_ONLY),
    *for_roles("reports:task_progress", kwargs=a_task, method="POST", data={}, **ADMIN_ONLY),
    Row(
        "national_admin",
        "reports:task_progress",
        lambda get: {**a_task(get), "year": 2020},
        "GET",
        404,
        label="no such year",
    ),
]
