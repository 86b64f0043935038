"""The expert review's rows of the permission matrix (tests/permission_matrix.py explains them).

The objects: Hangzhou's (Zhejiang) project in review, assigned to `expert_from_anhui` (whose
pool entry is from Anhui, so the project is theirs to review); a Zhejiang expert of the pool
with a declared tie; the 2021 round. Zhejiang's and Hangzhou's officers may see the project
(their own), so the review's pages are a 403 for them; Anhui's and Hefei's officers get a 404.
The expert reads and scores the project (200) but the administrator's pages are a 403 for them;
their score sheet is nobody else's to open (the administrator: 403; everyone else: 404). The
expert pool and the round's review are the national administrator's alone.
"""

from django.urls import reverse

from tests.permission_matrix import Row, for_roles
from tests.reviews.matrix_ranking import ROWS as RANKING_ROWS


def _round(get):
    return get("round_2021")


def _in_review(get):
    """Hangzhou's project, received, assigned to expert_from_anhui, in review (idempotent)."""
    from dibiao.recommendations.models import Recommendation
    from dibiao.reviews import services
    from dibiao.reviews.models import Assignment, Expert
    from tests.factories import received_recommendation

    admin = get("national_admin")
    officer = get("hangzhou_officer")
    rec = Recommendation.objects.filter(implementing_unit=officer.organisation).first()
    if rec is not None:
        return rec
    round = _round(get)
    rec = received_recommendation(officer, get("zhejiang_officer"), admin, round)
    expert, _created = Expert.objects.get_or_create(
        user=get("expert_from_anhui"), defaults={"affiliation": "安徽农业大学", "province": get("anhui")}
    )
    services.default_rubric(round)
    services.update_panel(round, actor=admin, experts_per_project=1, leader=None)
    Assignment.objects.filter(recommendation=rec).exists() or services.assign(rec, expert, actor=admin)
    services.start_review(round, actor=admin)
    rec.refresh_from_db()
    return rec


def project(get):
    return {"pk": _in_review(get).pk}


def with_project(get):
    _in_review(get)
    return {}


def sheet(get):
    return {"assignment_pk": _in_review(get).assignments.get().pk}


def attachment(get):
    rec = _in_review(get)
    return {"pk": rec.pk, "attachment_id": rec.attachments.order_by("pk").first().pk}


def back_to_project(get):
    return reverse("reviews:project", args=[_in_review(get).pk])


def a_round(get):
    return {"round_pk": _round(get).pk}


def back_to_round(get):
    return reverse("reviews:round", args=[_round(get).pk])


def _expert(get):
    from dibiao.reviews.models import Expert
    from tests.reviews.conftest import make_expert

    found = Expert.objects.filter(user__full_name="浙江专家").first()
    return found or make_expert(get("national_admin"), "浙江专家", get("zhejiang"))


def an_expert(get):
    return {"pk": _expert(get).pk}


def a_tie(get):
    from dibiao.reviews.models import Tie

    expert = _expert(get)
    tie, _created = Tie.objects.get_or_create(expert=expert, organisation=get("hefei"))
    return {"pk": expert.pk, "tie_pk": tie.pk}


def expert_page(get):
    return reverse("reviews:expert_detail", args=[_expert(get).pk])


ADMIN_ONLY = {"anonymous": 302, "national_admin": 200, "others": 403}
# A page of the administrator's about Hangzhou's project: visible to Zhejiang, Hangzhou and the
# assigned expert (403), out of everybody else's scope (404).
ON_PROJECT = {
    "anonymous": 302,
    "zhejiang_officer": 403,
    "hangzhou_officer": 403,
    "expert_from_anhui": 403,
    "anhui_officer": 404,
    "hefei_officer": 404,
}
POOL = {"anonymous": 302, "others": 404}


def _posts(url_name, *, admin, location=None, kwargs=None, data=None, **statuses):
    """A POST's rows: the administrator's with its own status (and where a 302 leads)."""
    rows = [
        row
        for row in for_roles(
            url_name, kwargs=kwargs, method="POST", data=data, national_admin=admin, **statuses
        )
        if row.role != "national_admin"
    ]
    rows.append(Row("national_admin", url_name, kwargs, "POST", admin, data, location))
    return rows


ROWS = [
    # entry and the expert's own list
    *[
        row
        for row in for_roles("reviews:index", anonymous=302, national_admin=200, others=403)
        if row.role != "expert_from_anhui"
    ],
    Row("expert_from_anhui", "reviews:index", None, "GET", 302, location="reviews:my_assignments"),
    *for_roles(
        "reviews:my_assignments", kwargs=with_project, anonymous=302, expert_from_anhui=200, others=403
    ),
    # the expert pool
    *for_roles("reviews:experts", **ADMIN_ONLY),
    *for_roles("reviews:expert_create", **ADMIN_ONLY),
    *for_roles("reviews:expert_create", method="POST", anonymous=302, national_admin=400, others=403),
    *for_roles("reviews:expert_import", **ADMIN_ONLY),
    *for_roles("reviews:expert_import", method="POST", anonymous=302, national_admin=400, others=403),
    *for_roles("reviews:expert_detail", kwargs=an_expert, national_admin=200, **POOL),
    *for_roles("reviews:expert_edit", kwargs=an_expert, national_admin=200, **POOL),
    *for_roles("reviews:expert_edit", kwargs=an_expert, method="POST", national_admin=400, **POOL),
    *_posts(
        "reviews:expert_set_active",
        kwargs=an_expert,
        data={"active": "0"},
        admin=302,
        location=expert_page,
        **POOL,
    ),
    *for_roles("reviews:expert_set_active", kwargs=an_expert, label="GET refused", anonymous=302, others=405),
    *for_roles("reviews:tie_add", kwargs=an_expert, method="POST", national_admin=400, **POOL),
    *_posts("reviews:tie_remove", kwargs=a_tie, admin=302, location=expert_page, **POOL),
    # a round's review
    *for_roles("reviews:round", kwargs=a_round, **ADMIN_ONLY),
    *for_roles("reviews:panel", kwargs=a_round, method="POST", anonymous=302, national_admin=400, others=403),
    *for_roles("reviews:rubric", kwargs=a_round, **ADMIN_ONLY),
    *for_roles(
        "reviews:rubric", kwargs=a_round, method="POST", anonymous=302, national_admin=400, others=403
    ),
    *_posts(
        "reviews:rubric_default",
        kwargs=a_round,
        admin=302,
        location=lambda get: reverse("reviews:rubric", args=[_round(get).pk]),
        anonymous=302,
        others=403,
    ),
    *for_roles("reviews:auto_assign", kwargs=a_round, method="POST", **ADMIN_ONLY),
    *for_roles("reviews:auto_assign", kwargs=a_round, label="GET refused", anonymous=302, others=405),
    # Without a rubric the start is refused, with a message on the round's page.
    *_posts("reviews:start", kwargs=a_round, admin=302, location=back_to_round, anonymous=302, others=403),
    *for_roles("reviews:leader_projects", kwargs=a_round, anonymous=302, national_admin=200, others=404),
    # a project's review
    *for_roles("reviews:project", kwargs=project, national_admin=200, **ON_PROJECT),
    # Nobody chosen: back to the project's page with the message.
    *_posts("reviews:assign", kwargs=project, admin=302, location=back_to_project, **ON_PROJECT),
    *_posts("reviews:complete", kwargs=project, admin=302, location=back_to_project, **ON_PROJECT),
    *for_roles("reviews:group_opinion", kwargs=project, national_admin=200, **ON_PROJECT),
    *for_roles("reviews:group_opinion", kwargs=project, method="POST", national_admin=400, **ON_PROJECT),
    *for_roles("reviews:department_opinion", kwargs=project, method="POST", national_admin=400, **ON_PROJECT),
    *for_roles(
        "reviews:attachment",
        kwargs=attachment,
        national_admin=200,
        **{**ON_PROJECT, "expert_from_anhui": 200},
    ),
    # the score sheet: the assigned expert's alone
    *for_roles(
        "reviews:review", kwargs=sheet, anonymous=302, national_admin=403, expert_from_anhui=200, others=404
    ),
    *_posts(
        "reviews:review",
        kwargs=sheet,
        data={"save": "1"},
        admin=403,
        anonymous=302,
        expert_from_anhui=302,
        others=404,
    ),
    *_posts(
        "reviews:unassign",
        kwargs=sheet,
        admin=302,
        location=back_to_project,
        anonymous=302,
        expert_from_anhui=403,
        others=404,
    ),
    *_posts(
        "reviews:reopen",
        kwargs=sheet,
        admin=302,
        location=back_to_project,
        anonymous=302,
        expert_from_anhui=403,
        others=404,
    ),
    *RANKING_ROWS,
]
