"""Permission-matrix rows of the recommendation pages (tests/permission_matrix.py explains them).

The objects: Hefei's (Anhui) recommendations in the 2021 round, one draft and one submitted to
Anhui with its sealed page. Zhejiang's and Hangzhou's officers must see nothing of them (404);
the draft is Hefei's alone until submitted. Steps posted with a form that the step refuses
(empty, or in the wrong state) answer 400 to whoever may take the step: the rule let them in.
"""

from django.urls import reverse

from tests.permission_matrix import ANONYMOUS, for_roles


def _round(get):
    return get("round_2021")


def _draft(get):
    from dibiao.recommendations.choices import State
    from dibiao.recommendations.models import Recommendation
    from tests.factories import draft_recommendation

    officer = get("hefei_officer")
    found = Recommendation.objects.filter(implementing_unit=officer.organisation, state=State.DRAFT).first()
    return found or draft_recommendation(officer, _round(get))


def _submitted(get):
    from dibiao.recommendations.choices import State
    from dibiao.recommendations.models import Recommendation
    from tests.factories import submitted_recommendation

    officer = get("hefei_officer")
    found = Recommendation.objects.filter(
        implementing_unit=officer.organisation, state=State.SUBMITTED
    ).first()
    return found or submitted_recommendation(officer, _round(get))


def draft(get):
    return {"pk": _draft(get).pk}


def submitted(get):
    return {"pk": _submitted(get).pk}


def sealed_page(get):
    rec = _submitted(get)
    return {"pk": rec.pk, "attachment_id": rec.attachments.get().pk}


def detail_of_hefeis(get):
    """The page of Hefei's one recommendation of the row (whatever state the step left it in)."""
    from dibiao.recommendations.models import Recommendation

    rec = Recommendation.objects.filter(implementing_unit=get("hefei_officer").organisation).get()
    return reverse("recommendations:detail", args=[rec.pk])


def with_round(data):
    def build(get):
        _round(get)
        return data

    return build


def logged_in_to(rows):
    """Rows whose `location` holds for the logged-in roles; anonymous goes to log in."""
    return [row._replace(location=None) if row.role == ANONYMOUS else row for row in rows]


HIDDEN = {"zhejiang_officer": 404, "hangzhou_officer": 404, "expert_from_anhui": 404}

ROWS = [
    # Lists: each role its own.
    *for_roles("recommendations:index", anonymous=302, expert_from_anhui=403, others=302),
    *for_roles(
        "recommendations:mine",
        data=with_round({}),
        anonymous=302,
        hefei_officer=200,
        hangzhou_officer=200,
        others=403,
    ),
    *for_roles(
        "recommendations:create",
        method="POST",
        data=with_round({}),
        anonymous=302,
        hefei_officer=302,
        hangzhou_officer=302,
        others=403,
    ),
    *for_roles(
        "recommendations:province",
        data=with_round({}),
        anonymous=302,
        anhui_officer=200,
        zhejiang_officer=200,
        others=403,
    ),
    *for_roles(
        "recommendations:national", data=with_round({}), anonymous=302, national_admin=200, others=403
    ),
    *for_roles(
        "recommendations:paper_missing", data=with_round({}), anonymous=302, national_admin=200, others=403
    ),
    *for_roles("recommendations:notifications", anonymous=302, others=200),
    *logged_in_to(
        for_roles(
            "recommendations:notifications",
            method="POST",
            data={"read": "all"},
            location="recommendations:notifications",
            anonymous=302,
            others=302,
        )
    ),
    # One recommendation: a draft is its unit's alone; Anhui sees what was submitted to it.
    *for_roles(
        "recommendations:detail",
        kwargs=draft,
        label="draft",
        anonymous=302,
        national_admin=200,
        hefei_officer=200,
        anhui_officer=404,
        **HIDDEN,
    ),
    *for_roles(
        "recommendations:detail",
        kwargs=submitted,
        label="submitted",
        anonymous=302,
        national_admin=200,
        hefei_officer=200,
        anhui_officer=200,
        **HIDDEN,
    ),
    *for_roles(
        "recommendations:edit",
        kwargs=draft,
        anonymous=302,
        national_admin=403,
        hefei_officer=200,
        anhui_officer=404,
        **HIDDEN,
    ),
    *logged_in_to(
        for_roles(
            "recommendations:edit",
            kwargs=submitted,
            label="submitted",
            location=detail_of_hefeis,
            anonymous=302,
            national_admin=403,
            hefei_officer=302,
            anhui_officer=403,
            **HIDDEN,
        )
    ),
    *for_roles(
        "recommendations:autosave",
        kwargs=draft,
        method="POST",
        data=lambda get: {"revision": _draft(get).revision, "project_name": "砀山酥梨"},
        anonymous=401,
        national_admin=403,
        hefei_officer=200,
        anhui_officer=404,
        **HIDDEN,
    ),
    *for_roles(
        "recommendations:submit",
        kwargs=draft,
        method="POST",
        anonymous=302,
        national_admin=403,
        hefei_officer=400,
        anhui_officer=404,
        **HIDDEN,
    ),
    *logged_in_to(
        for_roles(
            "recommendations:return",
            kwargs=submitted,
            method="POST",
            data={"return-reason": "请补充产地范围"},
            location=detail_of_hefeis,
            anonymous=302,
            national_admin=403,
            hefei_officer=403,
            anhui_officer=302,
            **HIDDEN,
        )
    ),
    *for_roles(
        "recommendations:recommend",
        kwargs=submitted,
        method="POST",
        anonymous=302,
        national_admin=403,
        hefei_officer=403,
        anhui_officer=400,
        **HIDDEN,
    ),
    *for_roles(
        "recommendations:withdraw",
        kwargs=submitted,
        method="POST",
        data={"withdraw-reason": "名额调整"},
        anonymous=302,
        national_admin=403,
        hefei_officer=403,
        anhui_officer=400,
        **HIDDEN,
    ),
    *for_roles(
        "recommendations:receive",
        kwargs=submitted,
        method="POST",
        anonymous=302,
        national_admin=400,
        hefei_officer=403,
        anhui_officer=403,
        **HIDDEN,
    ),
    *for_roles(
        "recommendations:return_to_province",
        kwargs=submitted,
        method="POST",
        anonymous=302,
        national_admin=400,
        hefei_officer=403,
        anhui_officer=403,
        **HIDDEN,
    ),
    *logged_in_to(
        for_roles(
            "recommendations:paper_received",
            kwargs=submitted,
            method="POST",
            location=detail_of_hefeis,
            anonymous=302,
            national_admin=302,
            hefei_officer=403,
            anhui_officer=403,
            **HIDDEN,
        )
    ),
    *for_roles(
        "recommendations:diff",
        kwargs=submitted,
        anonymous=302,
        national_admin=200,
        hefei_officer=200,
        anhui_officer=200,
        **HIDDEN,
    ),
    *for_roles(
        "recommendations:attachment",
        kwargs=sealed_page,
        anonymous=302,
        national_admin=200,
        hefei_officer=200,
        anhui_officer=200,
        **HIDDEN,
    ),
]
